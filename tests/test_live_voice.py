"""Spoken coaching: what the voice says of a live session read twice a second, as the page does."""

from __future__ import annotations

import dataclasses

import pytest

from posecheck.live.coach import Coach, Cue
from posecheck.live.definitions import CUES, CueKey
from posecheck.live.session import LiveFrame, LiveSession
from posecheck.live.voice import REPEAT_MS, VoiceState, Words, next_words, spoken
from tests.live_fakes import (
    FRAME,
    frame_times,
    front_still,
    plateaus,
    replay,
    sequence,
    side_standing,
)
from tests.test_live_coach import heel_raises

#: Frames a second (a webcam gives 15-30; fewer keep the tests quick) and the page's reads of
#: the board, every 0.5 s: every 5th frame.
FPS = 10.0
EVERY = 5


def said(frames: list[LiveFrame], state: VoiceState | None = None) -> list[Words]:
    state = state or VoiceState()
    words: list[Words] = []
    for frame in frames:
        state, new = next_words(state, frame)
        if new is not None:
            words.append(new)
    return words


def session_frames(exercise: str | None, timed: list) -> list[LiveFrame]:  # type: ignore[type-arg]
    factory, times = replay(timed)
    with LiveSession(factory, exercise=exercise) as session:
        return [session.process(FRAME, t) for t in times]


def test_heel_raises_are_counted_aloud_set_by_set() -> None:
    """2 sets of 10: each count said within its set, the set's end said instead of its last
    number... and nothing said twice, nor the "keep going" cue the count already says."""
    frames = session_frames("heel_raises", sequence(frame_times(23000, FPS), heel_raises(12)))
    words = said(frames[::EVERY])
    texts = [w.text for w in words]
    assert [w.number for w in words] == list(range(1, len(words) + 1))
    assert texts[0] == CUES[CueKey.CALIBRATE][1]  # the first thing: stand still to begin
    numbers = [t for t in texts if t.isdigit()]
    assert numbers == [str(n) for n in (*range(1, 10), 1, 2)], texts
    rest = "Set 1 of 2 done: rest a few breaths, then 10 more"
    assert texts.count(rest) == 1
    assert texts.index(rest) == texts.index("9") + 1  # the tenth raise: the set's end, not "10"
    assert texts.index("1", texts.index(rest)) > texts.index(rest)
    assert not any(t.startswith("Set 1 of 2:") or t.startswith("Set 2 of 2:") for t in texts)


def test_the_same_frame_read_again_says_nothing_new() -> None:
    frames = session_frames("heel_raises", sequence(frame_times(3000, FPS), heel_raises(1)))
    state, first = next_words(VoiceState(), frames[0])
    assert first is not None
    again, nothing = next_words(state, frames[0])
    assert nothing is None and again == state


def test_a_setup_cue_that_lasts_is_said_again_every_ten_seconds() -> None:
    frames = session_frames("heel_raises", sequence(frame_times(25000, FPS), lambda t: None))
    words = said(frames[::EVERY])
    assert frames[0].cues[0].key is CueKey.NOT_IN_FRAME
    assert [w.text for w in words] == [frames[0].cues[0].text] * 3  # at 0, 10 and 20 s
    assert REPEAT_MS == 10_000


def test_a_camera_started_again_starts_afresh() -> None:
    frames = session_frames("heel_raises", sequence(frame_times(2000, FPS), lambda t: None))
    state, first = next_words(VoiceState(), frames[-1])
    restarted = dataclasses.replace(frames[0], t_ms=0.0)
    state, again = next_words(state, restarted)
    assert first is not None and again is not None and again.text == first.text
    assert again.number == first.number + 1  # the browser says it: a new number


def test_spoken_words() -> None:
    assert spoken(Cue(CueKey.HOLD, CUES[CueKey.HOLD][0], "Hold: 0 of 10 s")) == "Hold, 10 seconds"
    assert spoken(Cue(CueKey.RELAX, CUES[CueKey.RELAX][0], "Relax: 5 s")) == "Relax: 5 seconds"
    assert spoken(Cue(CueKey.RELAX, CUES[CueKey.RELAX][0], "Relax: 1 s")) == "Relax: 1 second"
    words = "Set 1 of 2 done: rest a few breaths, then 10 more"
    assert spoken(Cue(CueKey.SET_DONE, CUES[CueKey.SET_DONE][0], words)) == words


@pytest.mark.slow  # over 0.1 s (the stance's measures on every still frame): .ci/run runs it
def test_the_stance_check_says_when_to_stand_still_and_when_it_has_measured() -> None:
    frames = session_frames(None, sequence(frame_times(9000, FPS), lambda t: front_still()))
    texts = [w.text for w in said(frames[::EVERY])]
    assert texts[-1] == "Stance measured: keep still to refine"
    assert texts.count("Stance measured: keep still to refine") == 1


def test_the_end_of_a_routine_exercise_says_which_is_next() -> None:
    """Toe walking done (20 s on the toes): "Set done", and the routine's next exercise."""
    up = sequence(
        frame_times(26000, FPS),
        lambda t: side_standing(0.4 * plateaus(t, [(2000, 24500)]), walk_x=-t / 100),
    )
    texts = [w.text for w in said(session_frames("toe_walking", up)[::EVERY])]
    assert texts[-1] == f"Set done. Next: {Coach('toe_stretching').name}", texts
    assert texts.count(texts[-1]) == 1
