"""The ``posecheck`` command for users (``analyze``, ``models``): ``main(argv) -> int``.

Developer tools (bench, mirror, validate, calibrate) are ``python -m posecheck.dev``.

Exit status: 0 = every photo analysed, 1 = some failed, 2 = usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from posecheck.errors import ModelError, PosecheckError
from posecheck.types import ModelName, View

if TYPE_CHECKING:  # imported lazily at run time: `posecheck --help` stays fast
    from posecheck.analysis import PhotoResult

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

IMAGE_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
    ".heif",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posecheck",
        description="Posture and foot-alignment screening from standing photos (not a diagnosis).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse standing photos")
    analyze.add_argument("paths", nargs="+", metavar="PATH", help="photos, or folders of photos")
    add_model_option(analyze)
    analyze.add_argument(
        "--view",
        choices=["auto", *(v.value for v in View)],
        default="auto",
        help="which way the person faces the camera (default: detect it)",
    )
    analyze.add_argument("--json", action="store_true", help="print one JSON document")
    analyze.add_argument(
        "--annotate",
        type=Path,
        metavar="DIR",
        help="write each photo with the skeleton and the measures drawn",
    )
    analyze.add_argument(
        "--csv", type=Path, metavar="FILE", help="write one row per measure to a CSV file"
    )
    analyze.add_argument(
        "--combine",
        action="store_true",
        help="the photos show one person (front, side, back): add one combined report",
    )

    models = commands.add_parser("models", help="install or list the pose models")
    model_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    install = model_commands.add_parser("install", help="install models (default: full and lite)")
    install.add_argument(
        "names", nargs="*", choices=[*(m.value for m in ModelName), "all"], metavar="NAME"
    )
    install.add_argument(
        "--model-dir", type=Path, help="a folder holding pose_landmarker_<name>.task files"
    )
    install.add_argument(
        "--offline", action="store_true", help="use only local sources, never the network"
    )
    listing = model_commands.add_parser("list", help="list installed models")
    listing.add_argument("--json", action="store_true")

    return parser


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        choices=[m.value for m in ModelName],
        default=ModelName.FULL.value,
        help="pose model (default: full)",
    )


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status argparse chose (help, usage error)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    if args.command == "analyze":
        return _analyze(args)
    return _models(args)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def expand_paths(paths: Sequence[str]) -> list[str]:
    """Folders become the photos inside them (sorted); everything else is kept as given."""
    expanded: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            expanded.extend(
                str(p)
                for p in sorted(path.iterdir())
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
            )
        else:
            expanded.append(raw)
    return expanded


def _analyze(args: argparse.Namespace) -> int:
    from posecheck.analysis import AnalysisFailure, Analyzer
    from posecheck.combine import combine
    from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER
    from posecheck.report import combined_text, results_csv, results_document, summary_text

    paths = expand_paths(args.paths)
    if not paths:
        print("posecheck: no photos found in the given folders.", file=sys.stderr)
        return EXIT_USAGE
    view = None if args.view == "auto" else View(args.view)
    try:
        analyzer = Analyzer.open(args.model)
    except ModelError as error:
        print(f"posecheck: {error.message}", file=sys.stderr)
        analyses: list[PhotoResult] = [
            AnalysisFailure(name=p, model=args.model, error=error) for p in paths
        ]
    else:
        analyses = []
        for index, path in enumerate(paths, start=1):
            if not args.json and len(paths) > 1:
                print(f"[{index}/{len(paths)}]", end=" ", flush=True)
            analysis = analyzer.analyze_path(path, view)
            analyses.append(analysis)
            if not args.json:
                print(summary_text(analysis) + "\n", flush=True)
            if args.annotate is not None:
                _write_annotation(analysis, args.annotate)
        analyzer.close()
    combined = combine(analyses) if args.combine else None
    if args.csv is not None:
        args.csv.write_text(results_csv(analyses, combined), encoding="utf-8")
    if args.json:
        print(json.dumps(results_document(analyses, combined), indent=2, ensure_ascii=False))
    else:
        if combined is not None:
            print(combined_text(combined) + "\n")
        print(f"{DISCLAIMER}\n{CLINICIAN_NOTE}")
    return EXIT_OK if all(a.ok for a in analyses) else EXIT_FAILED


def _write_annotation(analysis: PhotoResult, folder: Path) -> None:
    import cv2

    from posecheck.analysis import Analysis
    from posecheck.draw import draw_analysis

    if not isinstance(analysis, Analysis):
        return
    picture = draw_analysis(analysis)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{Path(analysis.name).stem}.pose.jpg"
    counter = 2
    while target.exists():
        target = folder / f"{Path(analysis.name).stem}.pose-{counter}.jpg"
        counter += 1
    bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
    if not cv2.imwrite(str(target), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90]):
        print(f"posecheck: could not write {target}", file=sys.stderr)


def _models(args: argparse.Namespace) -> int:
    import posecheck.models as models

    if args.models_command == "list":
        infos = models.list_models()
        if args.json:
            rows = [
                {
                    "name": i.name.value,
                    "path": str(i.path),
                    "size": i.size,
                    "sha256": i.sha256,
                    "source": i.source,
                }
                for i in infos
            ]
            print(json.dumps({"models": rows}, indent=2))
        elif not infos:
            print("No models installed. Run `posecheck models install`.")
        for info in [] if args.json else infos:
            print(
                f"{info.name.value:6} {info.size / 1e6:6.1f} MB  sha256 {info.sha256}\n"
                f"       {info.path}\n       from {info.source}"
            )
        return EXIT_OK
    names = args.names or [ModelName.FULL.value, ModelName.LITE.value]
    if "all" in names:
        names = [m.value for m in ModelName]
    status = EXIT_OK
    for name in dict.fromkeys(names):
        try:
            info = models.install(
                name,
                model_dir=args.model_dir,
                allow_network=not args.offline,
                progress=lambda message: print(f"  {message}", file=sys.stderr),
            )
        except PosecheckError as error:
            print(f"posecheck: model {name}: {error.message}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        print(f"{info.name.value}: {info.path} ({info.size / 1e6:.1f} MB, from {info.source})")
    return status
