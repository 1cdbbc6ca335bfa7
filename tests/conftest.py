"""Shared fixtures: the real photos in ../shared/data and one loaded model per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from posecheck import Analyzer

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PHOTOS = SHARED_DATA / "photos"
ANNOTATIONS = PHOTOS / "annotations"


def photo(name: str) -> Path:
    """Path of a shared test photo; skips the test with the reason when the folder is absent."""
    if not PHOTOS.is_dir():
        pytest.skip(
            f"real test photos not available: {PHOTOS} is absent (they live beside the repo)"
        )
    path = PHOTOS / name
    if not path.is_file():
        pytest.skip(f"real test photo {name} is absent from {PHOTOS}")
    return path


@pytest.fixture(scope="session")
def analyzer() -> Iterator[Analyzer]:
    """The full model, loaded once (installed by `make test` before the suite runs)."""
    loaded = Analyzer.open("full")
    yield loaded
    loaded.close()
