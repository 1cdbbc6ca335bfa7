"""Render a named set: ``python -m synth.render --set NAME --out DIR [--count N] [--seed S]``.

Writes ``<stem>.jpg`` (or ``.png``) and ``<stem>.json`` (the truth, see TRUTH.md) per render, with a
progress line each. CPU only, offline, deterministic for a set, count and seed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from synth import truth
from synth.params import RenderParams, params_from_dict, view_of_yaw

TRUTH_FORMAT = "posecheck-synth-truth/1"
#: posecheck landmark names the truth defines (MediaPipe order).
LANDMARKS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip


def versions() -> dict[str, str]:
    """The versions of the packages that made a render."""
    out = {}
    for package in ("anny", "pyrender", "torch", "trimesh", "numpy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "missing"
    return out


def _round(points: dict[str, np.ndarray], digits: int) -> dict[str, list[float]]:
    return {k: [round(float(x), digits) for x in v] for k, v in points.items()}


class Generator:
    """The body model and the renderer, loaded once."""

    def __init__(self) -> None:
        from synth.body import BodyModel
        from synth.scene import Renderer

        self.bodies = BodyModel()
        self.renderer = Renderer()

    def render(self, params: RenderParams, out_dir: Path, image_format: str = "jpg") -> Path:
        """Render one image and its truth JSON into ``out_dir``; returns the image path."""
        from PIL import Image

        from synth.camera import fitted_camera

        posed = self.bodies.pose(params.body, params.posture)
        cam = fitted_camera(params.camera, params.width, params.height, posed.stature,
                            posed.vertices)  # fmt: skip
        pixels = self.renderer.render(posed, params.appearance, params.scene, cam, params.seed)
        out_dir.mkdir(parents=True, exist_ok=True)
        image_path = out_dir / f"{params.name}.{image_format}"
        image = Image.fromarray(pixels)
        if image_format == "jpg":
            image.save(image_path, quality=params.jpeg_quality, optimize=True)
        else:
            image.save(image_path)
        record = self.truth_record(params, posed, cam, image_path.name)
        json_path = out_dir / f"{params.name}.json"
        json_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        return image_path

    def truth_record(
        self, params: RenderParams, posed: Any, cam: Any, image_name: str
    ) -> dict[str, Any]:
        view = view_of_yaw(params.camera.yaw_deg)
        everything = posed.measures()
        kp3 = {name: posed.keypoints[name] for name in LANDMARKS}
        names = list(kp3)
        uv = cam.project(np.array([kp3[n] for n in names]))
        extras = posed.extras
        extra_names = sorted(extras)
        extra_uv = cam.project(np.array([extras[n] for n in extra_names]))
        hip_width = float(np.linalg.norm(kp3["left_hip"] - kp3["right_hip"]))
        return {
            "format": TRUTH_FORMAT,
            "image": image_name,
            "size": [params.width, params.height],
            "view": view,
            "params": params.to_dict(),
            "camera": cam.to_json(),
            "measures": truth.measures_for_view(everything, view),
            "all_measures": {
                group: {k: round(float(v), 3) + 0.0 for k, v in values.items()}
                for group, values in everything.items()
            },
            "keypoints_2d": {n: [round(float(x), 2) for x in uv[i]] for i, n in enumerate(names)},
            "keypoints_3d": _round(kp3, 5),
            "extra_keypoints_2d": {
                n: [round(float(x), 2) for x in extra_uv[i]] for i, n in enumerate(extra_names)
            },
            "extra_keypoints_3d": _round({n: extras[n] for n in extra_names}, 5),
            "body": {
                "stature_m": round(posed.stature, 4),
                "hip_width_m": round(hip_width, 4),
            },
            "pose_report": posed.report,
            "generator": {"synth": TRUTH_FORMAT, **versions()},
        }


def build_parser() -> argparse.ArgumentParser:
    from synth.sets import SETS

    parser = argparse.ArgumentParser(
        prog="python -m synth.render",
        description="Render people with known joint angles and write the truth beside each image.",
    )
    parser.add_argument("--set", dest="set_name", choices=sorted(SETS), help="a named set")
    parser.add_argument("--params", type=Path, help="re-render from a truth JSON's params")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--count", type=int, help="how many renders (default: the set's size)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the set's random draws")
    parser.add_argument("--format", choices=("jpg", "png"), default="jpg")
    parser.add_argument("--only", help="render only the items whose name contains this")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from synth.sets import make_set

    args = build_parser().parse_args(argv)
    if args.params is not None:
        data = json.loads(args.params.read_text(encoding="utf-8"))
        items = [params_from_dict(data.get("params", data))]
    elif args.set_name is not None:
        items = make_set(args.set_name, count=args.count, seed=args.seed)
    else:
        print("give --set NAME or --params FILE", file=sys.stderr)
        return 2
    if args.only:
        items = [p for p in items if args.only in p.name]
    started = time.perf_counter()
    generator = Generator()
    print(f"model and renderer ready in {time.perf_counter() - started:.1f} s", flush=True)
    for i, params in enumerate(items, start=1):
        t0 = time.perf_counter()
        path = generator.render(params, args.out, args.format)
        print(
            f"[{i}/{len(items)}] {path.name} view={view_of_yaw(params.camera.yaw_deg)} "
            f"{time.perf_counter() - t0:.2f} s",
            flush=True,
        )
    generator.renderer.close()
    print(f"{len(items)} renders in {time.perf_counter() - started:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
