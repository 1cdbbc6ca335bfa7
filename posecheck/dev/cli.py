"""``python -m posecheck.dev``: the developers' tools (bench, profile, mirror, roll-check, validate,
calibrate, ...).

They need the ``dev`` extra (matplotlib for the validation plots) and are not part of the user
package: the wheel leaves ``posecheck.dev`` out, and nothing in posecheck imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from posecheck.calibration import Calibration, view_key
from posecheck.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_model_option,
    parse,
    readable_paths,
)
from posecheck.errors import PosecheckError
from posecheck.types import ModelName, Pose, View


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posecheck.dev", description="posecheck's developer tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    bench = commands.add_parser(
        "bench", help="time the whole analyze (or live, with --video) path against the bare model"
    )
    bench.add_argument("paths", nargs="*", metavar="PATH", help="photos (default: the samples)")
    bench.add_argument(
        "--model",
        choices=[m.value for m in ModelName],
        help="pose model (default: full for photos, lite for --video)",
    )
    bench.add_argument(
        "--video",
        type=Path,
        metavar="FILE",
        help="time the live path on this clip's frames at 640x480 instead of photos",
    )
    bench.add_argument(
        "--exercise",
        default="toe_walking",
        help="with --video: the exercise the coach follows (default toe_walking; 'none')",
    )
    bench.add_argument(
        "--repeats", type=int, help="timed runs per image (default 7), passes over a clip (3)"
    )
    bench.add_argument(
        "--megapixels",
        type=float,
        help="re-encode each photo as a JPEG of this many megapixels first (e.g. 12)",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    add_both_ways_option(bench)

    profile = commands.add_parser(
        "profile", help="where the photo path's time goes, step by step (under cProfile)"
    )
    profile.add_argument("paths", nargs="*", metavar="PATH", help="photos (default: the samples)")
    add_model_option(profile)
    profile.add_argument(
        "--repeats", type=int, default=5, help="profiled passes over the photos (default 5)"
    )
    add_both_ways_option(profile)

    mirror = commands.add_parser(
        "mirror", help="mirror consistency of the measures against the model's own noise"
    )
    mirror.add_argument("paths", nargs="+", metavar="PATH", help="full-body photos or folders")
    add_model_option(mirror)
    add_both_ways_option(mirror)

    roll = commands.add_parser(
        "roll-check",
        help="the camera roll's estimates on photos turned by known angles, per confidence tier",
    )
    roll.add_argument("paths", nargs="+", metavar="PATH", help="photos or folders")
    add_model_option(roll)

    real = commands.add_parser(
        "real-shifts",
        help="the sideways positions and the shoulder line against motion capture on real photos",
    )
    real.add_argument(
        "folder", type=Path, help="the shared photos (with annotations/h36m_coco_subset.json)"
    )
    add_model_option(real)
    add_both_ways_option(real)

    still = commands.add_parser(
        "repeatability",
        help="SEM and minimal detectable change on clips of a person standing still",
    )
    still.add_argument("clips", nargs="+", type=Path, metavar="CLIP", help="video files")
    add_model_option(still)
    still.add_argument(
        "--view", choices=[v.value for v in View], help="the view (default: detect per frame)"
    )
    still.add_argument("--every", type=int, default=1, help="use every N-th frame (default 1)")

    batch = commands.add_parser(
        "batch", help="images per second of analyze --jobs N against N bare-model processes"
    )
    batch.add_argument("paths", nargs="*", metavar="PATH", help="photos (default: the samples)")
    add_model_option(batch)
    batch.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="N values (1 2)")
    batch.add_argument("--repeat", type=int, default=4, help="use the photos this many times")

    soak = commands.add_parser("soak", help="memory over a long live session or photo batch")
    soak.add_argument("kind", choices=["live", "photos"])
    soak.add_argument("--seconds", type=float, default=600.0, help="how long (default 600)")
    soak.add_argument("--clip", type=Path, help="the clip to loop (live; default: a rendered one)")
    soak.add_argument("--exercise", help="coach this exercise during the live soak")

    same = commands.add_parser(
        "same-person", help="the same-person check on renders of people in front, side, back"
    )
    same.add_argument("folder", type=Path, help="renders <set>_<person>_<view>.jpg")
    add_model_option(same)

    screening = commands.add_parser(
        "screening", help="findings' sensitivity and specificity on renders (what users are told)"
    )
    screening.add_argument("folder", type=Path, help="renders, each with <name>.json truth beside")
    add_model_option(screening)
    add_both_ways_option(screening)
    screening.add_argument("--out", type=Path, help="also write the markdown to this file")

    floor = commands.add_parser(
        "foot-floor",
        help="the foot angle read from the model's points through each render's true camera",
    )
    floor.add_argument("folder", type=Path, help="renders, each with <name>.json truth beside")
    add_model_option(floor)
    add_both_ways_option(floor)

    turn = commands.add_parser(
        "fit-turn", help="fit the body's turn from MediaPipe's 3D yaw on renders (front views)"
    )
    turn.add_argument("folder", type=Path, help="training renders with truth JSON")
    add_model_option(turn)
    turn.add_argument("--out", type=Path, required=True, help="the corrections file to update")

    validate = commands.add_parser(
        "validate", help="compare posecheck with the truth of rendered bodies"
    )
    validate.add_argument("folder", type=Path, help="renders, each with <name>.json truth beside")
    add_model_option(validate)
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
    add_both_ways_option(validate)

    calibrate = commands.add_parser(
        "calibrate", help="fit linear corrections of raw measures on a set of renders"
    )
    calibrate.add_argument("folder", type=Path, help="training renders with truth JSON")
    add_model_option(calibrate)
    calibrate.add_argument(
        "--measures", nargs="+", metavar="NAME", help="measures to correct (default: all that fit)"
    )
    calibrate.add_argument(
        "--out",
        type=Path,
        required=True,
        help="where to write the fits (in a clone: posecheck/data/calibration.json)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    if args.command == "profile":
        return _profile(args)
    if args.command == "mirror":
        return _mirror(args)
    if args.command == "roll-check":
        return _roll_check(args)
    if args.command == "real-shifts":
        return _real_shifts(args)
    if args.command == "repeatability":
        return _repeatability(args)
    if args.command == "screening":
        return _screening(args)
    if args.command == "same-person":
        return _same_person(args)
    if args.command == "batch":
        return _batch(args)
    if args.command == "soak":
        return _soak(args)
    if args.command == "foot-floor":
        return _foot_floor(args)
    if args.command == "fit-turn":
        return _fit_turn(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "calibrate":
        return _calibrate(args)
    return _bench(args)


def add_both_ways_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--both-ways",
        action="store_true",
        help="also look at each photo's mirror image and average the two (the model twice)",
    )


def _bench(args: argparse.Namespace) -> int:
    from posecheck.dev.bench import default_bench_paths, format_report, run_bench

    if args.video is not None:
        return _bench_video(args)

    paths = readable_paths(args.paths) if args.paths else default_bench_paths()
    if not paths:
        print("posecheck.dev bench: no photos given and no sample photos.", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = run_bench(
            paths,
            model=args.model or ModelName.FULL,
            repeats=args.repeats or 7,
            megapixels=args.megapixels,
            both_ways=args.both_ways,
        )
    except PosecheckError as error:
        print(f"posecheck.dev bench: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_report(report))
    return EXIT_OK


def _profile(args: argparse.Namespace) -> int:
    from posecheck.dev.bench import default_bench_paths
    from posecheck.dev.profile_path import format_profile, profile_photo_path

    paths = readable_paths(args.paths) if args.paths else default_bench_paths()
    if not paths:
        print("posecheck.dev profile: no photos given and no sample photos.", file=sys.stderr)
        return EXIT_USAGE
    if args.repeats < 1:
        print("posecheck.dev profile: --repeats must be at least 1.", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = profile_photo_path(
            paths, model=args.model, repeats=args.repeats, both_ways=args.both_ways
        )
    except PosecheckError as error:
        print(f"posecheck.dev profile: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    print(format_profile(report))
    return EXIT_OK


def _bench_video(args: argparse.Namespace) -> int:
    from posecheck.dev.bench import format_video_report, run_video_bench

    exercise = None if args.exercise == "none" else args.exercise
    try:
        report = run_video_bench(
            args.video,
            model=args.model or ModelName.LITE,
            exercise=exercise,
            repeats=args.repeats or 3,
        )
    except PosecheckError as error:
        print(f"posecheck.dev bench: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_video_report(report))
    return EXIT_OK


def _mirror(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.consistency import photo_consistency, spread, summarise

    paths = readable_paths(args.paths)
    analyzer = Analyzer.open(args.model, both_ways=args.both_ways)
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
        print("posecheck.dev mirror: nobody found in any photo.", file=sys.stderr)
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


def _roll_check(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.rollcheck import format_roll_check, roll_check

    paths = readable_paths(args.paths)
    if not paths:
        print("posecheck.dev roll-check: no photos found.", file=sys.stderr)
        return EXIT_USAGE
    with Analyzer.open(args.model) as analyzer:
        photos = roll_check(
            analyzer,
            paths,
            progress=lambda i, n, path: print(f"[{i}/{n}] {path}", file=sys.stderr, flush=True),
        )
    if not photos:
        print("posecheck.dev roll-check: nobody found in any photo.", file=sys.stderr)
        return EXIT_FAILED
    print(format_roll_check(photos))
    return EXIT_OK


def _real_shifts(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.realshift import format_shift_errors, shift_errors

    if not (args.folder / "annotations" / "h36m_coco_subset.json").is_file():
        print(
            f"posecheck.dev real-shifts: {args.folder} has no annotations/h36m_coco_subset.json.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    with Analyzer.open(args.model, both_ways=args.both_ways) as analyzer:
        rows = shift_errors(analyzer, args.folder)
    if not rows:
        print("posecheck.dev real-shifts: nobody found in the standing photos.", file=sys.stderr)
        return EXIT_FAILED
    print(format_shift_errors(rows))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.validation import load_truths, markdown, plot_measures, to_dict, validate

    if not args.folder.is_dir():
        print(f"posecheck.dev validate: {args.folder} is not a folder of renders.", file=sys.stderr)
        return EXIT_USAGE
    truths = load_truths(args.folder)
    if not truths:
        print(
            f"posecheck.dev validate: no renders with truth JSON in {args.folder}.", file=sys.stderr
        )
        return EXIT_USAGE

    def progress(index: int, total: int, name: str) -> None:
        print(f"[{index}/{total}] {name}", file=sys.stderr, flush=True)

    with Analyzer.open(args.model, both_ways=args.both_ways) as analyzer:
        if args.raw:
            analyzer.calibrations = {}
        report = validate(truths, analyzer, use_true_view=args.true_view, progress=progress)
        raw = None
        if not args.raw:  # the same renders without the corrections: before and after
            analyzer.calibrations = {}
            raw = validate(truths, analyzer, use_true_view=args.true_view)
    plots = plot_measures(report, args.out / "validation")
    command = " ".join(["python -m posecheck.dev", *sys.argv[1:]])
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
    from posecheck.dev.fitting import calibrate_all, calibrate_views, update_calibrations
    from posecheck.dev.validation import load_truths, validate
    from posecheck.measures import MEASURES, SIGNED_LATERAL, UNVALIDATED

    truths = load_truths(args.folder) if args.folder.is_dir() else []
    if not truths:
        print(
            f"posecheck.dev calibrate: no renders with truth JSON in {args.folder}.",
            file=sys.stderr,
        )
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
    known_errors: dict[str, float] = {spec.name: spec.known_error for spec in MEASURES}
    fits = calibrate_all(
        scored,
        signed_lateral=SIGNED_LATERAL,
        source=args.folder.name,
        least_true_range=known_errors,
    )
    # a measure taken from the front and from the back may err one way in each
    frontal = {spec.name for spec in MEASURES if {View.FRONT, View.BACK} <= set(spec.views)}
    by_view = {
        name: {v: p for v, p in report.stats(name).scored_by_view().items() if v in _FRONTAL}
        for name in wanted
        if name in frontal
    }
    own = calibrate_views(
        by_view,
        fits,
        signed_lateral=SIGNED_LATERAL,
        source=args.folder.name,
        least_true_range=known_errors,
    )
    for name in wanted:
        calibration = fits.get(name)
        if calibration is None:
            print(f"{name:26} left raw (a poor fit, or no help on held-out renders)")
        else:
            print(f"{name:26} {_line(calibration)}")
        for view in _FRONTAL:
            if (key := view_key(name, view)) in own:
                print(f"{'  from the ' + view:26} {_line(own[key])}")
    tried = [*wanted, *(view_key(name, view) for name in wanted for view in _FRONTAL)]
    update_calibrations({**fits, **own}, tried, args.out)
    print(
        f"wrote {len(fits)} corrections and {len(own)} of one view to {args.out} "
        "(its other entries kept)"
    )
    return EXIT_OK


#: The views a measure can be corrected for apart (a side view's mirror image is the other side's).
_FRONTAL = (View.FRONT.value, View.BACK.value)


def _line(calibration: Calibration) -> str:
    kind = "offset" if calibration.r2 is None else f"line, R² {calibration.r2:.2f}"
    return (
        f"raw = {calibration.slope:.3f} x true + {calibration.intercept:.2f} "
        f"({kind}, n={calibration.n})"
    )


def _repeatability(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.repeatability import frames_of, markdown, repeatability

    view = View(args.view) if args.view else None
    tables = {}
    with Analyzer.open(args.model) as analyzer:
        for clip in args.clips:
            frames = list(frames_of(clip, every=args.every))
            if not frames:
                print(f"repeatability: no frames read from {clip}.", file=sys.stderr)
                return EXIT_FAILED
            print(f"{clip.name}: {len(frames)} frames", file=sys.stderr, flush=True)
            tables[clip.name] = repeatability(analyzer, frames, view)
    print(markdown(tables))
    return EXIT_OK


def _same_person(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.sameperson import read_clothes, report

    with Analyzer.open(args.model) as analyzer:
        clothes = read_clothes(
            analyzer,
            args.folder,
            progress=lambda i, n, name: print(f"[{i}/{n}] {name}", file=sys.stderr, flush=True),
        )
    print(report(clothes))
    return EXIT_OK


def _screening(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev.screening import markdown, read_set

    with Analyzer.open(args.model, both_ways=args.both_ways) as analyzer:
        readings = read_set(
            analyzer,
            args.folder,
            progress=lambda i, n, name: print(f"[{i}/{n}] {name}", file=sys.stderr, flush=True),
        )
    if not readings:
        print(f"screening: no renders with truth JSON in {args.folder}.", file=sys.stderr)
        return EXIT_USAGE
    command = " ".join(["python -m posecheck.dev", *sys.argv[1:]])
    text = markdown(readings, title=f"Screening accuracy on {args.folder.name}", command=command)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return EXIT_OK


def _foot_floor(args: argparse.Namespace) -> int:
    from posecheck.analysis import Analyzer
    from posecheck.dev import footfloor

    with Analyzer.open(args.model, both_ways=args.both_ways) as analyzer:
        rows = footfloor.read_set(
            analyzer,
            args.folder,
            progress=lambda i, n, name: print(f"[{i}/{n}] {name}", file=sys.stderr, flush=True),
        )
        model = analyzer.model
    print(footfloor.format_summary(args.folder, footfloor.summarise(rows), model))
    return EXIT_OK


def _fit_turn(args: argparse.Namespace) -> int:
    import math

    from posecheck.analysis import Analysis, Analyzer
    from posecheck.calibration import load_calibrations
    from posecheck.dev.fitting import (
        fit_forward,
        fit_turn,
        foot_share,
        share_through_origin,
        update_calibrations,
    )
    from posecheck.dev.screening import base_and_turn
    from posecheck.measures import (
        BODY_TURN,
        FOOT_TURN,
        SHOULDER_ELEVATION,
        SHOULDER_PERSPECTIVE,
        Frame,
        MeasureName,
        estimate_turn,
        make_frame,
        measure_pose,
        shoulder_elevation_raw,
        shoulder_perspective,
    )
    from posecheck.roll import usable_roll
    from posecheck.views import signed_body_yaw

    pairs: list[tuple[float, float]] = []
    feet: list[tuple[float, float, float, float, float]] = []  # raw yaw, left, right, true l, r
    # the pose, the frame, the shoulder tilt without the perspective and its truth, where the
    # roll was known (None otherwise)
    shoulders: list[tuple[Pose, Frame, float | None, float]] = []
    elevations: list[tuple[float, float]] = []  # true tan of the shoulders' elevation, raw
    fitted_names = (BODY_TURN, FOOT_TURN, SHOULDER_ELEVATION, SHOULDER_PERSPECTIVE)
    unturned = {k: v for k, v in load_calibrations().items() if k not in fitted_names}
    images = sorted(p for p in args.folder.glob("*.jpg") if p.with_suffix(".json").is_file())
    with Analyzer.open(args.model) as analyzer:
        for index, image in enumerate(images, start=1):
            print(f"[{index}/{len(images)}] {image.name}", file=sys.stderr, flush=True)
            truth = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
            view, turn = base_and_turn(float(truth["camera"]["yaw_deg"]))
            if view != "front":
                continue
            result = analyzer.analyze_path(image, View.FRONT)
            if not isinstance(result, Analysis):
                continue
            subject = result.detection.subject
            raw = signed_body_yaw(subject)
            if raw is None:
                continue
            pairs.append((turn, raw))
            m = measure_pose(subject, result.view, result.roll, calibrations=unturned)
            left = m[MeasureName.LEFT_FOOT_ANGLE].value
            right = m[MeasureName.RIGHT_FOOT_ANGLE].value
            true = truth["all_measures"]["square_on"]
            if left is not None and right is not None:
                feet.append((raw, left, right, true["left_foot_angle"], true["right_foot_angle"]))
            frame = make_frame(subject, View.FRONT, result.roll)
            camera = truth["camera"]["extrinsics"]["position"]
            points = truth["keypoints_3d"]
            left_top, right_top = points["left_shoulder"], points["right_shoulder"]
            top = [(a + b) / 2 for a, b in zip(left_top, right_top, strict=True)]
            away = math.hypot(top[0] - camera[0], top[1] - camera[1])
            elevations.append(((top[2] - camera[2]) / away, shoulder_elevation_raw(frame)))
            tilt = m[MeasureName.SHOULDER_TILT].value
            known = usable_roll(result.roll) is not None
            shoulders.append((subject, frame, tilt if known else None, true["shoulder_tilt"]))
    line = fit_turn(pairs, source=args.folder.name)
    if line is None:
        print(f"fit-turn: no usable line from {len(pairs)} front renders.", file=sys.stderr)
        return EXIT_FAILED
    share, before, after = foot_share(line, feet)
    foot = Calibration(share, 0.0, None, len(feet), args.folder.name)
    fitted = {BODY_TURN: line, FOOT_TURN: foot}
    elevation = fit_forward(elevations, source=args.folder.name)
    said = "no shoulder elevation line"
    if elevation is not None:
        fitted[SHOULDER_ELEVATION] = elevation
        predicted = []
        for subject, frame, tilt, true_tilt in shoulders:
            estimate = estimate_turn(subject, View.FRONT, fitted)
            shown = shoulder_perspective(frame, estimate, fitted, share=1.0)
            if tilt is not None and shown is not None:
                predicted.append((shown.degrees, tilt - true_tilt))
        taken = share_through_origin(predicted)
        fitted[SHOULDER_PERSPECTIVE] = Calibration(
            taken, 0.0, None, len(predicted), args.folder.name
        )
        mae = sum(abs(e) for _, e in predicted) / max(1, len(predicted))
        mae_after = sum(abs(e - taken * p) for p, e in predicted) / max(1, len(predicted))
        said = (
            f"shoulders' elevation: true = {1 / elevation.slope:.3f} x raw + "
            f"{-elevation.intercept / elevation.slope:.3f} (SD {elevation.sd}, n={elevation.n}); "
            f"shoulder tilt takes {taken:.2f} of the predicted perspective tilt (MAE with the "
            f"roll known {mae:.2f}° -> {mae_after:.2f}°, n={len(predicted)})"
        )
    update_calibrations(fitted, (), args.out)
    print(
        f"raw 3D yaw = {line.slope:.3f} x turn + {line.intercept:.2f} (R² {line.r2}, n={line.n}); "
        f"turn SD after correction {line.sd:.2f}°; feet take {share:.2f} of the estimated turn "
        f"(foot angle MAE on these renders {before:.2f}° -> {after:.2f}°, n={len(feet)}); "
        f"{said}; written to {args.out}"
    )
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    from posecheck.dev.batchbench import format_rows, run
    from posecheck.samples import sample_paths

    paths = readable_paths(args.paths) if args.paths else [str(p) for p in sample_paths()]
    rows = run(paths * args.repeat, args.model, args.jobs)
    print(format_rows(rows))
    return EXIT_OK


def _soak(args: argparse.Namespace) -> int:
    from posecheck.dev.soak import soak_live, soak_photos
    from posecheck.samples import sample_paths

    if args.kind == "live":
        clip = (
            args.clip
            or Path(__file__).resolve().parents[2] / "tests/data/clips/heel_raises_side.mp4"
        )
        print(soak_live(clip, args.seconds, exercise=args.exercise).line())
    else:
        print(soak_photos(sample_paths(), args.seconds).line())
    return EXIT_OK
