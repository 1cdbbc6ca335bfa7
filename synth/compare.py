"""Compare ``posecheck analyze --json`` output with the truth JSONs beside the images.

``python -m synth.compare RESULTS.json [--landmarks]``: per image, each measure's posecheck value
against the truth (``measures`` block; None where the view cannot measure it), then the mean
absolute error per measure; with ``--landmarks``, the pixel distance of each landmark posecheck
found to the truth keypoint of the same name. Reads JSON only: no posecheck import, no model.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _truth_for(image: str) -> dict[str, Any] | None:
    path = Path(image).with_suffix(".json")
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def compare(results: dict[str, Any], landmarks: bool = False) -> str:
    """A plain-text report."""
    lines: list[str] = []
    errors: dict[str, list[float]] = defaultdict(list)
    pixel: dict[str, list[float]] = defaultdict(list)
    for result in results.get("results", []):
        truth = _truth_for(result["image"])
        name = Path(result["image"]).name
        if truth is None:
            lines.append(f"{name}: no truth JSON beside it")
            continue
        if not result.get("ok"):
            lines.append(f"{name}: posecheck failed: {result.get('error')}")
            continue
        lines.append(f"{name}: view {result.get('view')} (truth {truth['view']})")
        measured = result.get("measures", {})
        for key, true_value in truth["measures"].items():
            if true_value is None:
                continue
            got = measured.get(key, {}).get("value")
            if got is None:
                lines.append(f"  {key:26s} truth {true_value:8.2f}  posecheck unknown")
                continue
            errors[key].append(got - true_value)
            lines.append(
                f"  {key:26s} truth {true_value:8.2f}  posecheck {got:8.2f}  "
                f"error {got - true_value:+7.2f}"
            )
        if landmarks:
            found = {lm["name"]: lm for lm in result.get("landmarks", [])}
            for key, (tx, ty) in truth["keypoints_2d"].items():
                if key in found:
                    d = math.hypot(found[key]["x"] - tx, found[key]["y"] - ty)
                    pixel[key].append(d)
    lines.append("")
    lines.append("mean error (bias) and mean absolute error per measure:")
    for key, values in errors.items():
        bias = sum(values) / len(values)
        mae = sum(abs(v) for v in values) / len(values)
        lines.append(f"  {key:26s} n={len(values):3d}  bias {bias:+7.2f}  MAE {mae:6.2f}")
    if landmarks:
        lines.append("")
        lines.append("landmark distance to truth, pixels (mean, max):")
        for key, values in pixel.items():
            lines.append(f"  {key:18s} {sum(values) / len(values):6.1f} {max(values):6.1f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth.compare", description=__doc__)
    parser.add_argument("results", type=Path, help="output of posecheck analyze --json")
    parser.add_argument("--landmarks", action="store_true", help="also landmark pixel errors")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    print(compare(results, landmarks=args.landmarks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
