"""Photo analyses for the pages: one shared analyser per process, at most a few results per session.

**One analyser, behind a lock.** The photo model is loaded once per process (``st.cache_resource``)
and every browser session shares it; a lock makes sessions take turns on it (MediaPipe's
landmarker is not documented as safe for concurrent calls). Measured on the project's 2-core
machine, two sessions each analysing the 8 sample renders 3 times at once: one shared analyser
with the lock and one analyser per session gave the same results as a sequential run and the same
time per analysis (55-105 ms either way: the machine has two cores, the model already uses them),
but each extra analyser costs about 100 MB and a 0.2 s load. Hence one, locked.

**At most :data:`MAX_ANALYSES` per session.** Each result keeps its working image (a few MB), so a
session keeps only the newest few (:class:`AnalysisStore`, oldest dropped first); a photo whose
result was dropped is simply analysed again if it is shown again.

**Corrections.** The points a user moved on a photo (:mod:`posecheck.ui.correct`) are kept per
photo content in ``st.session_state`` (:func:`moves_key`), in the original photo's pixels, and
:func:`analyse` applies them to the stored result (``correct_points``: about 25 ms, no model, so
outside the lock and not stored: the cap still bounds what a session keeps).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

import streamlit as st

from posecheck import (
    Analysis,
    Analyzer,
    Landmark,
    PhotoResult,
    PosecheckError,
    View,
    correct_points,
)

#: Analyses kept per browser session (the newest; older ones are dropped).
MAX_ANALYSES = 6
#: The photo model.
PHOTO_MODEL = "full"
#: The app looks at each photo and its mirror image (see ``shared_analyzer``).
PHOTO_BOTH_WAYS = True
#: Where a session's store lives in ``st.session_state``.
STORE_KEY = "posecheck_analyses"
#: Where a photo's moved points live in ``st.session_state`` (this, then the photo's hash).
MOVES_PREFIX = "posecheck_moves_"

AnalysisKey = tuple[str, str, str]
#: Points the user moved: where each belongs, in the original photo's pixels (x right, y down).
Moves = Mapping[Landmark, tuple[float, float]]


class SharedAnalyzer:
    """An :class:`~posecheck.Analyzer` that several threads (sessions) may call: one at a time."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._lock = threading.Lock()

    def analyze_bytes(self, data: bytes, name: str, view: View | None = None) -> PhotoResult:
        with self._lock:
            return self._analyzer.analyze_bytes(data, name, view)


@st.cache_resource(show_spinner=False)
def shared_analyzer(model: str = PHOTO_MODEL) -> SharedAnalyzer:
    """The process's photo analyser (loaded on first use, then shared by every session). A call
    while another thread loads it waits for that load rather than starting a second one.

    It looks both ways (the photo and its mirror image, averaged: ``Analyzer(both_ways=True)``):
    on the 120 unseen test renders that lowered the error of 17 of the 19 measures (not pelvic
    tilt, 4.37 -> 4.45°, experimental, nor the hip's plumb offset, 1.19 -> 1.23 %) and made the
    readings mirror-exact, for a second model run (about 27 ms here), which a person uploading a
    photo does not notice. The command line keeps one look unless asked (``--both-ways``)."""
    return SharedAnalyzer(Analyzer.open(model, both_ways=PHOTO_BOTH_WAYS))


_WARMING: set[str] = set()
_WARMING_LOCK = threading.Lock()


def warm_up(model: str = PHOTO_MODEL) -> None:
    """Start loading the photo model on a background thread, once per process: it is ready by the
    time the user has read the guide and chosen a photo, so the first report does not wait for it
    (about a second: MediaPipe's set-up in a fresh process and the model file)."""
    with _WARMING_LOCK:
        if model in _WARMING:
            return
        _WARMING.add(model)
    threading.Thread(target=_warm, args=(model,), name="posecheck-warm-up", daemon=True).start()


def _warm(model: str) -> None:
    try:
        shared_analyzer(model)
    except PosecheckError:
        with _WARMING_LOCK:  # the model is missing: the first photo says so; try again then
            _WARMING.discard(model)


class AnalysisStore:
    """The newest ``capacity`` analyses of a session, keyed by (photo hash, name, view)."""

    def __init__(self, capacity: int = MAX_ANALYSES) -> None:
        if capacity < 1:
            raise ValueError(f"AnalysisStore: expected a capacity >= 1, got {capacity}")
        self.capacity = capacity
        self._results: OrderedDict[AnalysisKey, PhotoResult] = OrderedDict()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._results)

    def __contains__(self, key: object) -> bool:
        return key in self._results

    def get(self, key: AnalysisKey, compute: Callable[[], PhotoResult]) -> PhotoResult:
        """The stored result (now the newest), or ``compute()``'s, stored, the oldest dropped."""
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        result = compute()
        self._results[key] = result
        while len(self._results) > self.capacity:
            self._results.popitem(last=False)
            self.dropped += 1
        return result


def analysis_key(data: bytes, name: str, view: str) -> AnalysisKey:
    return (hashlib.sha256(data).hexdigest(), name, view)


def session_store() -> AnalysisStore:
    """This browser session's store (made on first use)."""
    store = st.session_state.get(STORE_KEY)
    if not isinstance(store, AnalysisStore):
        store = AnalysisStore()
        st.session_state[STORE_KEY] = store
    return store


def moves_key(data: bytes) -> str:
    """Where this photo's moved points are kept: by content, so they hold whatever its name or
    view, and two photos never share them unless they are the same picture."""
    return MOVES_PREFIX + hashlib.sha256(data).hexdigest()  # the first part of analysis_key


def stored_moves(key: str) -> dict[Landmark, tuple[float, float]]:
    """The points moved on the photo ``key`` names (a copy; empty when none)."""
    moves = st.session_state.get(key)
    return dict(moves) if isinstance(moves, dict) else {}


def store_moves(key: str, moves: Moves) -> None:
    """Keep these moves for the photo ``key`` names (empty: forget them all)."""
    st.session_state[key] = dict(moves)


def analyse(data: bytes, name: str, view: str = "auto") -> PhotoResult:
    """Analyse a photo once per (content, name, view) while the session keeps the result; with
    the points the user moved on it applied (every measure, finding and exercise recomputed)."""
    chosen = None if view == "auto" else View(view)
    key = analysis_key(data, name, view)
    result = session_store().get(key, lambda: shared_analyzer().analyze_bytes(data, name, chosen))
    moves = stored_moves(MOVES_PREFIX + key[0])  # moves_key(data), without hashing it again
    if moves and isinstance(result, Analysis):
        return correct_points(result, moves)
    return result


def cap_note() -> str:
    """What the page tells the user about the cap."""
    return (
        f"This page keeps only your last {MAX_ANALYSES} analyses while it is open (older ones are "
        "dropped, and redone if you show them again). Nothing is saved to disk."
    )
