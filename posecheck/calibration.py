"""Linear corrections of raw measures, fitted on rendered bodies with known angles: the data and
its loader (the fitting is a developer tool, ``posecheck.dev.fitting``).

Some raw geometric angles see only part of a true change (a 10° pelvic tilt reads about 2.5°).
For such a measure a straight line ``raw = slope × true + intercept`` is fitted on one set of
renders (``python -m posecheck.dev calibrate``) and inverted at measure time:
``value = (raw − intercept) / slope``. Where a measure errs differently by view, a view has its
own line (``correction_for``). The fits live in ``posecheck/data/calibration.json``
(data, not code); errors after the correction are reported on a different set of bodies and
cameras (``docs/VALIDATION.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from posecheck.errors import DataFileError, ErrorCode

#: A fit is used only when it explains the truth well and the raw measure moves with it enough
#: that dividing by the slope does not blow up the noise.
MIN_R2 = 0.5
MIN_SLOPE = 0.2


@dataclass(frozen=True)
class Calibration:
    """raw = slope × true + intercept, fitted on ``n`` renders of ``source``; ``slope`` is 1 for
    an offset alone."""

    slope: float
    intercept: float
    r2: float | None  # of the line fitted; None for an offset alone
    n: int
    source: str
    #: the spread (SD) of the true value about the corrected one on the renders fitted, if known
    sd: float | None = None

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
    """The fitted corrections by measure name; empty when there is no calibration file.

    Raises:
        DataFileError: the file cannot be read or is not a valid corrections document.
    """
    source = str(path) if path is not None else "the packaged calibration.json"
    try:
        text = path.read_text(encoding="utf-8") if path is not None else _packaged()
        if text is None:
            return {}
        data = json.loads(text)
        return {name: Calibration(**entry) for name, entry in data["measures"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise DataFileError(
            f"The corrections file {source} is unreadable or malformed ({error}); reinstall "
            "posecheck or fit them again with `python -m posecheck.dev calibrate`.",
            code=ErrorCode.BAD_DATA_FILE,
            extra={"path": source},
        ) from error


def view_key(name: str, view: str) -> str:
    """The entry of a correction fitted on one view's photos alone (``stance_width@back``)."""
    return f"{name}@{view}"


def parse_key(key: str) -> tuple[str, str | None]:
    """An entry's measure name and, for a view's own correction, its view."""
    name, _, view = key.partition("@")
    return name, view or None


def correction_for(fitted: Mapping[str, Calibration], name: str, view: str) -> Calibration | None:
    """The correction of measure ``name`` on a photo from ``view``: the view's own where one was
    fitted (a measure can err one way from the front and the other from the back), else the
    measure's."""
    return fitted.get(view_key(name, view), fitted.get(name))
