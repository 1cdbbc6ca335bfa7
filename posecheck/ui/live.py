"""The webcam side of the Live page: a video processor that owns one ``LiveSession``, and the board
it shares with the page.

streamlit-webrtc calls the processor factory once per START, on its own thread, and the processor's
``recv`` on a worker thread for the newest frame (older ones are dropped under load); ``on_ended``
when the stream stops. ``st.*`` does not work on those threads, so the processor writes to a
:class:`LiveBoard` (one per browser session, in ``st.session_state``) under a lock, and the page
reads it on a timer. Each START makes a new session with its own VIDEO-mode estimator; it is never
shared, and it is closed when the stream ends.

**Mirror image.** With ``mirror`` (the default, what a selfie camera shows) the processor flips
each frame before anything else, so the picture the user sees moves like a mirror, and tells the
session (``LiveSettings(mirrored=True)``), which flips it back for the model: the person's left
stays their left, and the overlay is drawn on the flipped frame, so its text reads normally.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
import cv2
import numpy as np
import streamlit as st
from streamlit_webrtc import VideoProcessorBase

from posecheck import (
    LiveFrame,
    LiveSession,
    LiveSettings,
    PosecheckError,
    SessionSummary,
    Side,
    draw_live_frame,
    people_counter,
    video_estimator,
)

#: The live model: the lite one keeps up with a webcam on two cores.
LIVE_MODEL = "lite"
#: Summaries of ended sets kept per browser session.
MAX_SUMMARIES = 10
#: The frame rate is averaged over this many seconds.
FPS_WINDOW_S = 3.0

Clock = Callable[[], float]


@dataclass(frozen=True)
class EndedSet:
    """A set that ended (the stream stopped, or the user chose another exercise)."""

    exercise: str | None
    summary: SessionSummary


@dataclass(frozen=True)
class BoardView:
    """What the page shows of the board at one moment.

    Attributes:
        running: a stream is being processed.
        frame: the session's newest frame (None before the first).
        frames: frames processed since START.
        fps: processed frames per second over the last few seconds (None until two frames).
        frame_ms: the median time the processor spent on a frame over those seconds (the model,
            the measures, the coach, the drawing; not WebRTC's decoding and encoding).
        first_frame_s: seconds from the processor's start (the stream's START) to its first
            annotated frame (None before it).
        exercise: the exercise being coached (None: the stance check).
        error: why the live pipeline cannot run (a missing model), else None.
    """

    running: bool
    frame: LiveFrame | None
    frames: int
    fps: float | None
    frame_ms: float | None
    first_frame_s: float | None
    exercise: str | None
    error: str | None


class LiveBoard:
    """Shared by the webcam's threads and the page (every method takes the lock)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._session: LiveSession | None = None
        self._exercise: str | None = None
        self._started_at: float | None = None
        self._first_frame_s: float | None = None
        self._frames = 0
        self._times: deque[tuple[float, float]] = deque()  # (when, seconds spent)
        self._error: str | None = None
        self._ended: deque[EndedSet] = deque(maxlen=MAX_SUMMARIES)

    # -- the webcam's side --

    def started(self, session: LiveSession | None, error: str | None = None) -> None:
        """A stream started (the processor was made), with its session or why it has none."""
        with self._lock:
            self._session = session
            self._exercise = session.exercise if session is not None else None
            self._started_at = self._clock()
            self._first_frame_s = None
            self._frames = 0
            self._times.clear()
            self._error = error

    def frame_done(self, spent_s: float = 0.0) -> None:
        """A frame was processed (in ``spent_s`` seconds)."""
        with self._lock:
            now = self._clock()
            if self._first_frame_s is None and self._started_at is not None:
                self._first_frame_s = now - self._started_at
            self._frames += 1
            self._times.append((now, spent_s))
            while self._times and now - self._times[0][0] > FPS_WINDOW_S:
                self._times.popleft()

    def ended(self, session: LiveSession) -> None:
        """The stream stopped: keep its set's summary (when anything was seen)."""
        with self._lock:
            self._keep(session)
            if self._session is session:
                self._session = None

    def _keep(self, session: LiveSession) -> None:
        summary = session.summary()
        if summary.frames_with_person > 0:
            self._ended.append(EndedSet(session.exercise, summary))

    # -- the page's side --

    def view(self) -> BoardView:
        with self._lock:
            session = self._session
            times = [when for when, _ in self._times]
            fps = None
            if len(times) >= 2 and times[-1] > times[0]:
                fps = (len(times) - 1) / (times[-1] - times[0])
            spent = [spent for _, spent in self._times]
            return BoardView(
                running=session is not None,
                frame=session.latest() if session is not None else None,
                frames=self._frames,
                fps=fps,
                frame_ms=statistics.median(spent) * 1000.0 if spent else None,
                first_frame_s=self._first_frame_s,
                exercise=self._exercise,
                error=self._error,
            )

    def ended_sets(self) -> list[EndedSet]:
        """Sets that ended, newest first."""
        with self._lock:
            return list(reversed(self._ended))

    def clear(self) -> None:
        with self._lock:
            self._ended.clear()

    def choose(self, exercise: str | None, first_side: Side = Side.RIGHT) -> bool:
        """Start ``exercise`` (None: the stance check) afresh in the running session; the set so
        far is kept as ended. False when no stream is running."""
        with self._lock:
            session = self._session
            if session is None:
                return False
            self._keep(session)
            session.start_exercise(exercise, first_side)
            session.reset()
            self._exercise = exercise
            return True

    def follow(self, exercise: str | None, first_side: Side = Side.RIGHT) -> bool:
        """``choose`` ``exercise`` when the running session is on another one (a choice made
        where the chooser's own change does not reach it); False when nothing changed."""
        with self._lock:
            if self._session is None or self._exercise == exercise:
                return False
        return self.choose(exercise, first_side)

    def restart(self) -> bool:
        """Start the running set again (counts, the stance check); False with no stream."""
        with self._lock:
            session = self._session
            if session is None:
                return False
            self._keep(session)
            session.reset()
            return True


class LiveProcessor(VideoProcessorBase):
    """One stream: each frame (mirrored if asked) through the session, drawn, handed back."""

    def __init__(
        self,
        board: LiveBoard,
        session: LiveSession | None,
        *,
        mirror: bool,
        clock: Clock = time.monotonic,
    ) -> None:
        self.board = board
        self.session = session
        self.mirror = mirror
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()  # recv and on_ended take turns: no close mid-frame
        self._ended = False

    def _t_ms(self, frame: av.VideoFrame) -> float:
        """The frame's own time (its pts; restarts at 0 with every START), else the clock's."""
        seconds = frame.time
        if seconds is None:
            seconds = self._clock() - self._start
        return float(seconds) * 1000.0

    def annotate(self, rgb: np.ndarray, t_ms: float) -> np.ndarray:
        """The picture to show for one RGB frame taken at ``t_ms``."""
        begun = self._clock()
        shown = cv2.flip(rgb, 1) if self.mirror else rgb  # 0.04 ms at 640x480; numpy's copy 2 ms
        with self._lock:
            if self._ended or self.session is None:
                return shown
            live = self.session.process(shown, t_ms)
            picture = draw_live_frame(shown, live)
        self.board.frame_done(self._clock() - begun)
        return picture

    def recv(self, frame: av.VideoFrame) -> av.VideoFrame:
        picture = self.annotate(frame.to_ndarray(format="rgb24"), self._t_ms(frame))
        return av.VideoFrame.from_ndarray(picture, format="rgb24")

    async def recv_queued(self, frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
        """Only the newest frame is worth processing (the older ones are already late)."""
        return [self.recv(frames[-1])]

    def on_ended(self) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
            if self.session is not None:
                self.board.ended(self.session)
                self.session.close()


def processor_factory(
    board: LiveBoard,
    *,
    exercise: str | None,
    first_side: Side = Side.RIGHT,
    mirror: bool = True,
    estimator_factory: Callable[[], Any] | None = None,
    counter_factory: Callable[[], Any] | None = None,
) -> Callable[[], LiveProcessor]:
    """What ``webrtc_streamer(video_processor_factory=...)`` calls at each START: a processor
    with a new session of its own, whose estimators ``estimator_factory`` makes (default: the
    lite model in VIDEO mode; the tests pass a replay) and whose people in view are counted by
    ``counter_factory``'s (default: the lite model in IMAGE mode, but none when the tests pass
    only a replay)."""
    if estimator_factory is None:
        estimator_factory = video_estimator(LIVE_MODEL)
        counter_factory = counter_factory or people_counter(LIVE_MODEL)

    def make() -> LiveProcessor:
        try:
            session = LiveSession(
                estimator_factory,
                exercise=exercise,
                first_side=first_side,
                settings=LiveSettings(mirrored=mirror),
                people_counter=counter_factory,
            )
        except PosecheckError as error:
            board.started(None, error=str(error))
            return LiveProcessor(board, None, mirror=mirror)
        board.started(session)
        return LiveProcessor(board, session, mirror=mirror)

    return make


@st.cache_resource(show_spinner="Loading the live pose model…")
def load_live_model(model: str = LIVE_MODEL) -> str:
    """Open (and close) the live model once per process, before the first Start: MediaPipe's
    set-up in a fresh process takes 1-2 s, which would otherwise delay the first frame. Raises
    the ``PosecheckError`` when the model is missing (not cached: installing it and reloading the
    page is enough)."""
    video_estimator(model)().close()
    people_counter(model)().close()
    return model
