"""Linear corrections of raw measures, fitted on rendered bodies with known angles.

Some raw geometric angles see only part of a true change (a 10° pelvic tilt reads about 2.5°).
For such a measure a straight line ``raw = slope × true + intercept`` is fitted on one set of
renders (``posecheck calibrate``) and inverted at measure time: ``value = (raw − intercept) /
slope``. The fits live in ``posecheck/data/calibration.json`` (data, not code); errors after the
correction are reported on a different set of bodies and cameras (``docs/VALIDATION.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: A fit is used only when it explains the truth well and the raw measure moves with it enough
#: that dividing by the slope does not blow up the noise.
MIN_R2 = 0.5
MIN_SLOPE = 0.2


@dataclass(frozen=True)
class Calibration:
    """raw = slope × true + intercept, fitted on ``n`` renders of ``source``."""

    slope: float
    intercept: float
    r2: float
    n: int
    source: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.slope) and abs(self.slope) >= MIN_SLOPE):
            raise ValueError(
                f"Calibration: slope must be finite and >= {MIN_SLOPE}, got {self.slope}"
            )

    def apply(self, raw: float) -> float:
        return (raw - self.intercept) / self.slope


def _packaged() -> str | None:
    resource = resources.files("posecheck") / "data" / "calibration.json"
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


@lru_cache(maxsize=4)
def load_calibrations(path: Path | None = None) -> Mapping[str, Calibration]:
    """The fitted corrections by measure name; empty when there is no calibration file."""
    text = path.read_text(encoding="utf-8") if path is not None else _packaged()
    if text is None:
        return {}
    data = json.loads(text)
    return {name: Calibration(**entry) for name, entry in data["measures"].items()}


def fit(pairs: Iterable[tuple[float, float]], *, source: str) -> Calibration | None:
    """A fit of (true, raw) pairs, or None when it is not good enough to correct with."""
    data = list(pairs)
    if len(data) < 8:
        return None
    true = [t for t, _ in data]
    raw = [r for _, r in data]
    mean_t = sum(true) / len(true)
    mean_r = sum(raw) / len(raw)
    spread = sum((t - mean_t) ** 2 for t in true)
    if spread == 0:
        return None
    slope = sum((t - mean_t) * (r - mean_r) for t, r in data) / spread
    intercept = mean_r - slope * mean_t
    total = sum((r - mean_r) ** 2 for r in raw)
    residual = sum((r - (slope * t + intercept)) ** 2 for t, r in data)
    r2 = 1 - residual / total if total > 0 else 0.0
    if r2 < MIN_R2 or abs(slope) < MIN_SLOPE:
        return None
    return Calibration(round(slope, 4), round(intercept, 4), round(r2, 4), len(data), source)


def save_calibrations(calibrations: Mapping[str, Calibration], path: Path) -> None:
    document = {
        "about": "raw = slope * true + intercept, fitted by `posecheck calibrate` on renders; "
        "posecheck reports (raw - intercept) / slope",
        "measures": {name: asdict(c) for name, c in sorted(calibrations.items())},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
