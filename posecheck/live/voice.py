"""Spoken coaching: which of the live cues to say aloud, and when.

Someone doing heel raises two metres from the screen cannot read a count. The page reads the live
session about twice a second; at each read, :func:`next_words` looks at the newest frame and at
what was said before (a :class:`VoiceState`) and returns at most one thing to say. Speech is slow
(a short cue takes a second or two to say), so it says little:

- a count as it goes up ("7"; within the set under way for a dose of several sets);
- a cue when it first appears (the set done, switch sides, a form correction, step into view),
  the most important first (when an exercise of the foot routine is done, which one is next);
  a cue that sets up or corrects ("Step into view", "Knee straight") again every
  :data:`REPEAT_MS` while it lasts;
- never the count's own cue ("keep going": the count says it) nor what the camera cannot see
  (long, and on the screen).

Times are the frames' own (``LiveFrame.t_ms``), so the same frames give the same words; a
timestamp that goes back (the camera started again) starts afresh. Nothing here makes a sound:
the browser speaks the words with a voice on the device (``posecheck.ui.voice``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from posecheck.live.coach import Coach, CoachPhase, CoachState, Cue, per_set
from posecheck.live.definitions import CueKey, CueKind, next_in_routine
from posecheck.live.session import LiveFrame

#: A setup or form cue that lasts is said again this often (ms of the stream's time).
REPEAT_MS: Final = 10_000.0
#: The kinds of cue said again while they last: they ask the person to do something.
REPEATED_KINDS: Final = frozenset({CueKind.SETUP, CueKind.FORM})
#: Cues never said: the count's own (the count is said), and what the camera cannot see.
UNSAID: Final = frozenset({CueKey.KEEP_GOING, CueKey.CANNOT_SEE})
#: Cues said in place of the count when both come at once (the set or the side is done).
_INSTEAD_OF_THE_COUNT: Final = frozenset({CueKey.SET_DONE, CueKey.DONE, CueKey.SWITCH_SIDE})
_SECONDS: Final = re.compile(r"\b(\d+) s\b")
_HOLD: Final = re.compile(r"^Hold: \d+ of (\d+) s$")


@dataclass(frozen=True)
class Words:
    """Something to say. ``number`` goes up by one with each new thing said in a session, so
    that the browser says each once however often the page is drawn."""

    number: int
    text: str


@dataclass(frozen=True)
class VoiceState:
    """What was said so far in a session.

    Attributes:
        said: how many things were said (the last :class:`Words`' number).
        t_ms: the time of the last frame read (None before any).
        count: the exercise, side and count last read (None without a coach).
        announced: the cues on show at the last read that were said since they appeared, and
            when each was last said.
    """

    said: int = 0
    t_ms: float | None = None
    count: tuple[str, str | None, int] | None = None
    announced: MappingProxyType[CueKey, float] = field(default_factory=lambda: MappingProxyType({}))


def spoken(cue: Cue) -> str:
    """A cue's words as said aloud: "Hold: 0 of 10 s" -> "Hold, 10 seconds", "Relax: 5 s" ->
    "Relax: 5 seconds"."""
    hold = _HOLD.match(cue.text)
    if cue.key is CueKey.HOLD and hold is not None:
        return f"Hold, {hold.group(1)} seconds"
    return _SECONDS.sub(
        lambda m: f"{m.group(1)} second{'' if m.group(1) == '1' else 's'}", cue.text
    )


def next_words(state: VoiceState, frame: LiveFrame | None) -> tuple[VoiceState, Words | None]:
    """The voice's next state and what to say now (None: nothing new), from the newest frame."""
    if frame is None or (state.t_ms is not None and frame.t_ms == state.t_ms):
        return state, None
    if state.t_ms is not None and frame.t_ms < state.t_ms:  # the camera started again
        state = VoiceState(said=state.said)
    now = frame.t_ms
    cues = [cue for cue in frame.cues if cue.key not in UNSAID]
    on_show = {cue.key for cue in cues}
    announced = {key: when for key, when in state.announced.items() if key in on_show}
    due = [cue for cue in cues if _due(cue, announced, now)]
    count, counted = _count(state, frame.coach)
    say: Cue | None = None
    text: str | None = None
    if counted is not None and not any(cue.key in _INSTEAD_OF_THE_COUNT for cue in due):
        text = counted
    elif due:
        say = due[0]
        text = spoken(say) + _what_next(say, frame.coach)
    if say is not None:
        announced[say.key] = now
    kept = VoiceState(state.said, now, count, MappingProxyType(announced))
    if text is None:
        return kept, None
    number = state.said + 1
    return VoiceState(number, now, count, kept.announced), Words(number, text)


def _what_next(cue: Cue, coach: CoachState | None) -> str:
    """After the words that an exercise of the foot routine is done: which one comes next (the
    page shows where its camera goes, and the button that starts it)."""
    if cue.key is not CueKey.DONE or coach is None or coach.phase is not CoachPhase.DONE:
        return ""
    following = next_in_routine(coach.exercise_id)
    return "" if following is None else f". Next: {Coach(following).name}"


def _due(cue: Cue, announced: dict[CueKey, float], now: float) -> bool:
    """Whether a cue on show is to be said: not yet since it appeared, or a setup or form cue
    last said ``REPEAT_MS`` ago or more."""
    last = announced.get(cue.key)
    return last is None or (cue.kind in REPEATED_KINDS and now - last >= REPEAT_MS)


def _count(
    state: VoiceState, coach: CoachState | None
) -> tuple[tuple[str, str | None, int] | None, str | None]:
    """The count now (exercise, side, count) and, when it went up since the last read on the
    same exercise and side, the number to say: within the set under way for a dose of sets."""
    if coach is None:
        return None, None
    current = coach.current
    side = current.side.value if current.side is not None else None
    now = (coach.exercise_id, side, current.count)
    before = state.count
    if before is None or before[:2] != now[:2] or current.count <= before[2]:
        return now, None
    each = per_set(current.target_count, current.sets) if current.target_count else None
    number = (current.count - 1) % each + 1 if each else current.count
    return now, str(number)
