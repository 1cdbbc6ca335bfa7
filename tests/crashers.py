"""Worker tasks for tests/test_batch_crash.py: posecheck's own, except that an item whose file
name starts with ``crash`` kills its worker process at once, as a crash in native code or the
out-of-memory killer would, and a start that kills every worker process as it starts.
Module-level functions, so that a spawned worker process finds them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

from posecheck.batch import BatchInput, BatchOutput, BatchSettings, Clip, WorkerTasks

#: How long an item whose file name starts with ``slow`` takes.
SLOW_S = 120.0
#: posecheck's own worker tasks
POSECHECK = WorkerTasks()


def work(item: BatchInput) -> BatchOutput:
    """``item``'s outputs, or, when its file name starts with ``crash``, a dead process, or,
    when it starts with ``slow``, its outputs after :data:`SLOW_S` seconds."""
    path = item.path if isinstance(item, Clip) else item
    if isinstance(path, str) and Path(path).name.startswith("crash"):
        os._exit(70)
    if isinstance(path, str) and Path(path).name.startswith("slow"):
        time.sleep(SLOW_S)
    return POSECHECK.work(item)


def die_at_start(settings: BatchSettings) -> None:
    """A worker process's start that kills it."""
    os._exit(71)


#: The tasks with the crashing items.
CRASHING = WorkerTasks(start=POSECHECK.start, work=work)
#: The tasks whose worker processes never start.
NEVER_STARTING = WorkerTasks(start=die_at_start, work=work)
