"""The ``posecheck`` command: ``main(argv) -> int``.

Exit status: 0 = every photo analysed, 1 = some failed, 2 = usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from posecheck.types import ModelError, ModelName, PosecheckError, View

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
    _add_model_option(analyze)
    analyze.add_argument(
        "--view",
        choices=["auto", *(v.value for v in View)],
        default="auto",
        help="which way the person faces the camera (default: detect it)",
    )
    analyze.add_argument("--json", action="store_true", help="print one JSON document")
    analyze.add_argument(
        "--annotate", type=Path, metavar="DIR", help="write each photo with the skeleton drawn"
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

    bench = commands.add_parser("bench", help="time the whole analyze path against the bare model")
    bench.add_argument("paths", nargs="*", metavar="PATH", help="photos (default: sample_images/)")
    _add_model_option(bench)
    bench.add_argument("--repeats", type=int, default=7, help="timed runs per image (default 7)")
    bench.add_argument(
        "--megapixels",
        type=float,
        help="re-encode each photo as a JPEG of this many megapixels first (e.g. 12)",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def _add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        choices=[m.value for m in ModelName],
        default=ModelName.FULL.value,
        help="pose model (default: full)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "analyze":
        return _analyze(args)
    if args.command == "models":
        return _models(args)
    return _bench(args)


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
    from posecheck.analysis import Analysis, Analyzer
    from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER
    from posecheck.report import results_document, summary_text

    paths = expand_paths(args.paths)
    if not paths:
        print("posecheck: no photos found in the given folders.", file=sys.stderr)
        return EXIT_USAGE
    view = None if args.view == "auto" else View(args.view)
    try:
        analyzer = Analyzer.open(args.model)
    except ModelError as error:
        analyses = [Analysis(name=p, model=args.model, error=error) for p in paths]
    else:
        analyses = []
        for path in paths:
            analysis = analyzer.analyze_path(path, view)
            analyses.append(analysis)
            if not args.json:
                print(summary_text(analysis), flush=True)
            if args.annotate is not None:
                _write_annotation(analysis, args.annotate)
        analyzer.estimator.close()
    if args.json:
        print(json.dumps(results_document(analyses), indent=2))
    else:
        if analyses and analyses[0].error is not None and isinstance(analyses[0].error, ModelError):
            print(f"posecheck: {analyses[0].error.message}", file=sys.stderr)
        print(f"\n{DISCLAIMER}\n{CLINICIAN_NOTE}")
    return EXIT_OK if all(a.ok for a in analyses) else EXIT_FAILED


def _write_annotation(analysis: object, folder: Path) -> None:
    import cv2

    from posecheck.analysis import Analysis
    from posecheck.draw import draw_pose

    assert isinstance(analysis, Analysis)
    if analysis.image is None or analysis.detection is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    detection = analysis.detection
    others = tuple(p for i, p in enumerate(detection.people) if i != detection.subject_index)
    picture = draw_pose(
        analysis.image.rgb, detection.subject, scale=analysis.image.scale, others=others
    )
    target = folder / f"{Path(analysis.name).stem}.pose.jpg"
    counter = 2
    while target.exists():
        target = folder / f"{Path(analysis.name).stem}.pose-{counter}.jpg"
        counter += 1
    bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
    if not cv2.imwrite(str(target), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90]):
        print(f"posecheck: could not write {target}", file=sys.stderr)


def _models(args: argparse.Namespace) -> int:
    from posecheck import models

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


def _bench(args: argparse.Namespace) -> int:
    from posecheck.bench import default_bench_paths, format_report, run_bench

    paths = expand_paths(args.paths) if args.paths else default_bench_paths()
    if not paths:
        print("posecheck bench: no photos given and none in sample_images/.", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = run_bench(
            paths, model=args.model, repeats=args.repeats, megapixels=args.megapixels
        )
    except PosecheckError as error:
        print(f"posecheck bench: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_report(report))
    return EXIT_OK
