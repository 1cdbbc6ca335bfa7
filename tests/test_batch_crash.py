"""A worker process that dies (a crash in native code, out of memory) loses nothing and hangs
nothing: the batch goes on in a new pool, each item that was in flight runs again alone, and one
that kills its process alone too fails with ``worker_crashed``. Without the model: the items are
folder errors and missing clips (cheap, but through the workers), and tests/crashers.py kills
the worker process of an item named ``crash...``. The fast suite keeps the main case and the
early stop; the cases that start several pools in a row run with the slow tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Sequence
from pathlib import Path

import pytest

from posecheck import batch
from posecheck.batch import (
    BatchInput,
    BatchOutput,
    BatchSettings,
    Clip,
    ClipItem,
    WorkerTasks,
    analyze_batch,
)
from posecheck.errors import ErrorCode, InvalidImageError
from tests import crashers

SETTINGS = BatchSettings(model="full", view=None, annotate=None)
#: Long enough for several spawned processes on a busy machine; a hang fails instead of waiting.
TIMEOUT_S = 90


def _unreadable(name: str) -> InvalidImageError:
    return InvalidImageError(
        f"Cannot read {name}.", code=ErrorCode.UNREADABLE, extra={"name": name}
    )


def _within_time(run: Callable[[], list[BatchOutput]]) -> list[BatchOutput]:
    """``run()``'s outputs, failing the test when it has not finished in :data:`TIMEOUT_S`."""
    outputs: list[list[BatchOutput]] = []
    thread = threading.Thread(target=lambda: outputs.append(run()), daemon=True)
    thread.start()
    thread.join(TIMEOUT_S)
    assert not thread.is_alive(), f"the batch still runs after {TIMEOUT_S} s: it hangs"
    assert outputs, "the batch raised (the thread's exception is reported with the test)"
    return outputs[0]


def _batch(items: Sequence[BatchInput], jobs: int, tasks: WorkerTasks) -> list[BatchOutput]:
    return _within_time(lambda: list(analyze_batch(items, SETTINGS, jobs=jobs, tasks=tasks)))


def _code(output: BatchOutput) -> str | None:
    error = output.document["error"]
    return None if error is None else str(error["code"])


def _normal(items: Sequence[BatchInput]) -> list[tuple[object, str]]:
    """What each item gives in this process, as documents and text."""
    return [(o.document, o.text) for o in analyze_batch(items, SETTINGS, jobs=1)]


def _others(tmp_path: Path) -> list[BatchInput]:
    return [
        _unreadable("a.jpg"),
        _unreadable("b.jpg"),
        Clip(str(tmp_path / "missing.mp4")),
        _unreadable("c.jpg"),
        _unreadable("d.jpg"),
    ]


@pytest.mark.slow  # a pool of spawned processes: 1-3 s
def test_an_item_that_kills_its_worker_fails_alone_and_the_rest_go_on(tmp_path: Path) -> None:
    others = _others(tmp_path)
    crash = str(tmp_path / "crash.jpg")
    items = [*others[:2], crash, *others[2:]]
    outputs = _batch(items, jobs=2, tasks=crashers.CRASHING)
    assert len(outputs) == len(items)
    crashed = outputs.pop(2)
    assert [(o.document, o.text) for o in outputs] == _normal(others)  # in the order given
    assert _code(crashed) == ErrorCode.WORKER_CRASHED and not crashed.result.ok
    message = crashed.document["error"]["message"]
    assert "died" in message and "posecheck analyze" in message and crash in message


@pytest.mark.slow  # several pools of spawned processes: 1-3 s each
def test_two_crashing_items_a_photo_and_a_clip_each_fail_alone(tmp_path: Path) -> None:
    others = _others(tmp_path)
    photo, clip = str(tmp_path / "crash-1.jpg"), Clip(str(tmp_path / "crash-2.mp4"))
    items = [photo, *others[:3], clip, *others[3:]]
    outputs = _batch(items, jobs=2, tasks=crashers.CRASHING)
    assert [_code(o) for o in (outputs[0], outputs[4])] == [ErrorCode.WORKER_CRASHED] * 2
    assert isinstance(outputs[4], ClipItem) and outputs[4].name == clip.path
    rest = [o for i, o in enumerate(outputs) if i not in (0, 4)]
    assert [(o.document, o.text) for o in rest] == _normal(others)


@pytest.mark.slow  # several pools of spawned processes: 1-3 s each
def test_workers_that_cannot_start_fail_every_item_instead_of_restarting(tmp_path: Path) -> None:
    items: list[BatchInput] = [str(tmp_path / f"{n}.jpg") for n in range(6)]
    outputs = _batch(items, jobs=2, tasks=crashers.NEVER_STARTING)
    assert [o.result.name for o in outputs if not isinstance(o, ClipItem)] == items
    assert {_code(o) for o in outputs} == {ErrorCode.WORKER_CRASHED}
    assert all("could not start" in o.document["error"]["message"] for o in outputs)


@pytest.mark.slow  # several pools of spawned processes: 1-3 s each
def test_pools_that_keep_breaking_give_up_on_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "MAX_BROKEN_POOLS", 1)  # read in this process, never a worker's
    items: list[BatchInput] = [str(tmp_path / f"crash-{n}.jpg") for n in range(6)]
    outputs = _batch(items, jobs=2, tasks=crashers.CRASHING)
    assert {_code(o) for o in outputs} == {ErrorCode.WORKER_CRASHED}
    messages = [o.document["error"]["message"] for o in outputs]
    assert all("died" in m for m in messages[:2])  # the two in flight, each run alone
    assert all("kept dying" in m for m in messages[2:])  # never given to a worker


def test_one_job_runs_in_this_process_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise AssertionError("one job starts no worker process")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_processes)
    others = _others(tmp_path)
    outputs = _batch(others, jobs=1, tasks=crashers.NEVER_STARTING)  # tasks are for workers
    assert [_code(o) for o in outputs] == ["unreadable"] * 2 + ["not_found"] + ["unreadable"] * 2
    assert [(o.document, o.text) for o in outputs] == _normal(others)
    (alone,) = _batch(others[:1], jobs=4, tasks=crashers.NEVER_STARTING)  # one item: no pool
    assert alone.document == outputs[0].document


@pytest.mark.slow  # a pool of spawned processes
def test_a_batch_stopped_early_does_not_wait_for_the_items_running(tmp_path: Path) -> None:
    # the reader takes the first result and stops while two slow items still run (120 s each)
    items: list[BatchInput] = [_unreadable("a.jpg"), str(tmp_path / "slow-1.jpg"),
                               str(tmp_path / "slow-2.jpg")]  # fmt: skip

    def first_then_stop() -> list[BatchOutput]:
        outputs = analyze_batch(items, SETTINGS, jobs=2, tasks=crashers.CRASHING)
        assert isinstance(outputs, Generator)
        started = time.monotonic()
        first = next(outputs)
        outputs.close()
        assert time.monotonic() - started < crashers.SLOW_S / 4
        return [first]

    (first,) = _within_time(first_then_stop)
    assert _code(first) == ErrorCode.UNREADABLE
