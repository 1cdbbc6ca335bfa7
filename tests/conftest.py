"""Shared fixtures: the real photos in ../shared/data and one loaded model per test session.

The shared data (real third-party photos and their annotations) is not in the repository. It is
looked for in ``<repo>/../shared/data``, or in the folder named by the environment variable
``POSECHECK_TEST_DATA`` (an empty or missing folder there simulates a machine without it). This
module is the only place that knows where the data lives: tests get paths from ``photo()``,
``video()`` and ``annotation_file()``, which skip the test with the reason when a file is absent,
so a test must ask for them inside its body (or a fixture), never while the module is collected or
parametrised.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# On a fresh clone the two test workers (`make test`) start at once and would compile the same
# ~1,200 modules side by side, each in the order its collection reaches them. The second worker
# starts instead with the app's (streamlit's test harness and the webcam component, some 560
# modules), which the first reaches later, so each compiles part and reads the other's. On cold
# clones (interleaved runs, 2026-12-04) the first test started 1.2-3.3 s earlier in each of six
# comparisons (10.3-13.7 s against 11.9-17.0 s); adding the live page and hypothesis to the list
# showed no gain.
if os.environ.get("PYTEST_XDIST_WORKER") == "gw1":
    for _module in ("streamlit.testing.v1", "streamlit_webrtc"):
        importlib.import_module(_module)

from posecheck import Analyzer

if TYPE_CHECKING:
    from tests.live_fakes import ReplayFactory

#: Environment variable naming the shared data folder instead of ``<repo>/../shared/data``.
DATA_ENV = "POSECHECK_TEST_DATA"
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get(DATA_ENV) or REPO.parent / "shared" / "data").resolve()
PHOTOS = SHARED_DATA / "photos"
ANNOTATIONS = PHOTOS / "annotations"
VIDEOS = SHARED_DATA / "videos"

_WHERE = f"the shared test data lives in ../shared/data beside the repo, or where ${DATA_ENV} says"


def _shared_file(folder: Path, name: str, what: str) -> Path:
    """Path of a file in a shared folder; skips the test with the reason when it is absent."""
    if not folder.is_dir():
        pytest.skip(f"{what} not available: {folder} is absent ({_WHERE})")
    path = folder / name
    if not path.is_file():
        pytest.skip(f"{what} {name} is absent from {folder} ({_WHERE})")
    return path


def photo(name: str) -> Path:
    """Path of a shared test photo; skips the test with the reason when it is absent."""
    return _shared_file(PHOTOS, name, "real test photo")


def video(name: str) -> Path:
    """Path of a shared test video; skips the test with the reason when it is absent."""
    return _shared_file(VIDEOS, name, "real test video")


def annotation_file(name: str) -> Path:
    """Path of a shared annotation file; skips the test with the reason when it is absent."""
    return _shared_file(ANNOTATIONS, name, "photo annotation file")


def _marks_slow(node: ast.expr) -> bool:
    """Whether a ``pytestmark`` value is ``pytest.mark.slow`` or a list holding it."""
    values = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
    return any(ast.unparse(value) == "pytest.mark.slow" for value in values)


@functools.cache
def wholly_slow(path: Path) -> bool:
    """Whether a test module marks all of itself slow: its module-level ``pytestmark`` is (or
    holds) ``pytest.mark.slow``, or is imported from a test module that does. Read from the
    source, without importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark"
            for target in statement.targets
        ):
            return _marks_slow(statement.value)
        if (
            isinstance(statement, ast.ImportFrom)
            and (statement.module or "").startswith("tests.")
            and any(alias.name == "pytestmark" for alias in statement.names)
        ):
            return wholly_slow(REPO / Path(*str(statement.module).split(".")).with_suffix(".py"))
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With the slow tests deselected (``-m "not slow"``: `make test`), a module whose every test
    is slow is not even imported: its imports (selenium, trio, dask, ...) cost the fast suite's
    collection a few seconds in each process and select nothing."""
    if config.getoption("markexpr") != "not slow" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return True if wholly_slow(collection_path) else None


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A worker of the fast suite (`make test`) that has finished ends its process here. Its
    results went to the main process when its session finished; what is left is the interpreter's
    own teardown (freeing what some thousand tests built), which took a worker 1.3-1.5 s of a
    warm run while the main process waited for it. Not in other runs (browsers, servers and
    clusters may count on exit handlers), nor while the worker has a child process."""
    if "PYTEST_XDIST_WORKER" not in os.environ or config.getoption("markexpr") != "not slow":
        return
    if any(Path(f"/proc/self/task/{task}/children").read_text().split() for task in _tasks()):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _tasks() -> list[str]:
    """This process's threads, by id (Linux; none where /proc is not there)."""
    tasks = Path("/proc/self/task")
    return [task.name for task in tasks.iterdir()] if tasks.is_dir() else []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that loads the real model (the ``analyzer`` fixture) must be marked slow: the fast
    suite (`make test`) runs without the models installed."""
    unmarked = [
        item.nodeid
        for item in items
        if "analyzer" in getattr(item, "fixturenames", ())
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests load the real model but are not marked slow: " + ", ".join(unmarked)
        )


@pytest.fixture(autouse=True)
def _no_model_in_fast_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a test not marked slow, loading a pose model fails as it does on a fresh clone, where
    `make test` runs with no model installed (a ``ModelError``): a test that needs one fails here
    too, instead of passing here and failing there (replay poses, or mark it slow)."""
    if request.node.get_closest_marker("slow") is not None:
        return
    import posecheck.estimator
    from posecheck.errors import ErrorCode, ModelError

    def refuse(*args: object, **kwargs: object) -> None:
        raise ModelError(
            "the fast tests load no pose model (none is installed on a fresh clone)",
            code=ErrorCode.MODEL_UNAVAILABLE,
        )

    monkeypatch.setattr(posecheck.estimator, "create_landmarker", refuse)


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    """Streamlit's AppTest runs a page as ``__main__`` and leaves it there: a later test in the
    same process that starts worker processes (``spawn`` re-runs the parent's ``__main__`` in
    each) would then run that page, or for ``AppTest.from_function`` a script that cannot run
    outside AppTest, and every worker would die. Each test gets back the ``__main__`` it found."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def _installed_packages_scanned_once() -> Iterator[None]:
    """Streamlit's AppTest looks through every installed package for components at each run of a
    page (0.19 s with this project's ~110 packages: some 6 s of the fast suite); a running app
    does it once at start. Nothing is installed while the tests run, so the first scan's answer
    serves the session. Without that streamlit module (another version) nothing changes."""
    module = "streamlit.components.v2.manifest_scanner"
    if "streamlit" not in sys.modules or importlib.util.find_spec(module) is None:
        yield
        return
    scanner = importlib.import_module(module)
    scan = scanner.scan_component_manifests
    scanner.scan_component_manifests = functools.cache(scan)
    yield
    scanner.scan_component_manifests = scan


@pytest.fixture(scope="session")
def analyzer() -> Iterator[Analyzer]:
    """The full model, loaded once, for slow tests only (`.ci/run` and `make test-all` install the
    models before running them; `make test` does not need them)."""
    loaded = Analyzer.open("full")
    yield loaded
    loaded.close()


@pytest.fixture
def clip_replays(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ReplayFactory]]:
    """A recorded clip's live session (``posecheck.ui.clips``) gets the replay factory a test puts
    in this list, in place of the model, and a people counter that finds one person."""
    import posecheck.ui.clips as clips
    from tests.live_fakes import PeopleCount

    factories: list[ReplayFactory] = []
    monkeypatch.setattr(clips, "video_estimator", lambda model: factories[-1])
    monkeypatch.setattr(clips, "people_counter", lambda model: lambda: PeopleCount([1]))
    yield factories
