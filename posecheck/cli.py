"""The ``posecheck`` command: ``main(argv) -> int``.

Exit status: 0 = every photo analysed, 1 = some failed, 2 = usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from posecheck.types import ModelError, ModelName, PosecheckError, View

if TYPE_CHECKING:  # imported lazily at run time: `posecheck --help` stays fast
    from posecheck.analysis import Analysis

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

    mirror = commands.add_parser(
        "mirror", help="mirror consistency of the measures against the model's own noise"
    )
    mirror.add_argument("paths", nargs="+", metavar="PATH", help="full-body photos or folders")
    _add_model_option(mirror)

    validate = commands.add_parser(
        "validate", help="compare posecheck with the truth of rendered bodies"
    )
    validate.add_argument("folder", type=Path, help="renders, each with <name>.json truth beside")
    _add_model_option(validate)
    validate.add_argument(
        "--out", type=Path, default=Path("docs"), help="where VALIDATION.md and plots go (docs/)"
    )
    validate.add_argument(
        "--true-view", action="store_true", help="give posecheck each render's true view"
    )
    validate.add_argument("--json", action="store_true", help="also print the figures as JSON")
    validate.add_argument(
        "--raw", action="store_true", help="without the fitted corrections (raw geometry)"
    )

    calibrate = commands.add_parser(
        "calibrate", help="fit linear corrections of raw measures on a set of renders"
    )
    calibrate.add_argument("folder", type=Path, help="training renders with truth JSON")
    _add_model_option(calibrate)
    calibrate.add_argument(
        "--measures", nargs="+", metavar="NAME", help="measures to correct (default: all that fit)"
    )
    calibrate.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "data" / "calibration.json",
        help="where to write the fits (default: the packaged posecheck/data/calibration.json)",
    )
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
    if args.command == "mirror":
        return _mirror(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "calibrate":
        return _calibrate(args)
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
        analyses = [Analysis(name=p, model=args.model, error=error) for p in paths]
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


def _write_annotation(analysis: Analysis, folder: Path) -> None:
    import cv2

    from posecheck.draw import draw_analysis

    picture = draw_analysis(analysis)
    if picture is None:
        return
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


def _mirror(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.consistency import photo_consistency, spread, summarise

    paths = expand_paths(args.paths)
    analyzer = Analyzer.open(args.model)
    photos = []
    for index, path in enumerate(paths, start=1):
        print(f"[{index}/{len(paths)}] {path}", file=sys.stderr, flush=True)
        result = photo_consistency(analyzer, path)
        if result is None:
            print(f"  skipped: no person found in {path} or its mirror image", file=sys.stderr)
            continue
        photos.append(result)
    analyzer.close()
    if not photos:
        print("posecheck mirror: nobody found in any photo.", file=sys.stderr)
        return EXIT_FAILED
    print(f"mirror consistency over {len(photos)} photos, model {args.model}")
    print("error = |measure of the flipped photo - what the original predicts|; noise = the same")
    print("measure's change between shifted/scaled copies of one photo (the model's own noise)")
    print(
        f"{'measure':24} {'n':>3} {'mirror median':>13} {'p90':>6} {'noise median':>12} {'p90':>6}"
    )
    table = summarise(photos)
    for name, (mirror, noise) in table.items():
        print(
            f"{name:24} {mirror.count:3d} {mirror.median:13.2f} {mirror.p90:6.2f}"
            f" {noise.median:12.2f} {noise.p90:6.2f}"
        )
    sided = [e for p in photos for n, e in p.mirror.items() if n.startswith(("left_", "right_"))]
    overall = spread(sided)
    print(
        f"left/right measures (deg): |left of flipped - right of original| "
        f"median {overall.median:.2f}, p90 {overall.p90:.2f} (n={overall.count})"
    )
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.validation import load_truths, markdown, plot_measures, to_dict, validate

    if not args.folder.is_dir():
        print(f"posecheck validate: {args.folder} is not a folder of renders.", file=sys.stderr)
        return EXIT_USAGE
    truths = load_truths(args.folder)
    if not truths:
        print(f"posecheck validate: no renders with truth JSON in {args.folder}.", file=sys.stderr)
        return EXIT_USAGE

    def progress(index: int, total: int, name: str) -> None:
        print(f"[{index}/{total}] {name}", file=sys.stderr, flush=True)

    with Analyzer.open(args.model) as analyzer:
        if args.raw:
            analyzer.calibrations = {}
        report = validate(truths, analyzer, use_true_view=args.true_view, progress=progress)
        raw = None
        if not args.raw:  # the same renders without the corrections: before and after
            analyzer.calibrations = {}
            raw = validate(truths, analyzer, use_true_view=args.true_view)
    plots = plot_measures(report, args.out / "validation")
    command = " ".join(["posecheck", *sys.argv[1:]]) if sys.argv[1:] else "posecheck validate"
    text = markdown(
        report,
        title=f"Validation on {args.folder.name}",
        command=command,
        plots={name: f"validation/{file}" for name, file in plots.items()},
        raw=raw,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "VALIDATION.md").write_text(text, encoding="utf-8")
    print(text)
    if args.json:
        print(json.dumps(to_dict(report), indent=2))
    return EXIT_OK


def _calibrate(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.calibration import calibrate_all, save_calibrations
    from posecheck.measures import MEASURES, SIGNED_LATERAL, UNVALIDATED
    from posecheck.validation import load_truths, validate

    truths = load_truths(args.folder) if args.folder.is_dir() else []
    if not truths:
        print(f"posecheck calibrate: no renders with truth JSON in {args.folder}.", file=sys.stderr)
        return EXIT_USAGE
    with Analyzer.open(args.model) as analyzer:
        analyzer.calibrations = {}  # fit on raw geometry
        report = validate(
            truths,
            analyzer,
            progress=lambda i, n, name: print(f"[{i}/{n}] {name}", file=sys.stderr, flush=True),
        )
    wanted = args.measures or [m.name for m in report.measures if m.name not in UNVALIDATED]
    scored = {name: report.stats(name).scored for name in wanted}
    fits = calibrate_all(
        scored,
        signed_lateral=SIGNED_LATERAL,
        source=args.folder.name,
        least_true_range={spec.name: spec.known_error for spec in MEASURES},
    )
    for name in wanted:
        calibration = fits.get(name)
        if calibration is None:
            print(f"{name:26} left raw (a poor fit, or no help on held-out renders)")
            continue
        kind = "offset" if calibration.r2 is None else f"line, R² {calibration.r2:.2f}"
        print(
            f"{name:26} raw = {calibration.slope:.3f} x true + {calibration.intercept:.2f} "
            f"({kind}, n={calibration.n})"
        )
    save_calibrations(fits, args.out)
    print(f"wrote {len(fits)} corrections to {args.out}")
    return EXIT_OK
