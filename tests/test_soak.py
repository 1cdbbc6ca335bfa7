"""Memory stays flat over a live session and a photo batch (short runs here; `python -m
posecheck.dev soak live|photos --seconds 600` for the long ones, in docs/RELIABILITY.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posecheck.dev.soak import rss_mb, soak_live, soak_photos
from posecheck.samples import sample_paths

pytestmark = pytest.mark.slow
CLIP = Path(__file__).resolve().parent / "data" / "clips" / "heel_raises_side.mp4"
#: After warming up, 30 s runs grew by -2 to +1 MB; a leak of a frame or a photo per step
#: (0.9-5 MB each) would pass this within a few steps.
GROWTH_BOUND_MB = 20.0


def test_rss_is_read() -> None:
    assert 10 < rss_mb() < 24_000


def test_a_live_session_keeps_its_memory_flat() -> None:
    if not CLIP.is_file():
        pytest.skip(f"the rendered clip {CLIP.name} is absent (make clips)")
    soak = soak_live(CLIP, seconds=8.0, exercise="heel_raises")
    assert soak.steps > 100
    assert soak.growth_mb < GROWTH_BOUND_MB, soak.line()


def test_a_photo_batch_keeps_its_memory_flat() -> None:
    soak = soak_photos(sample_paths(), seconds=8.0)
    assert soak.steps > 20
    assert soak.growth_mb < GROWTH_BOUND_MB, soak.line()
