"""The ``posecheck`` command for users (``analyze``, ``video``, ``live``, ``models``):
``main(argv) -> int``.

Developer tools (bench, mirror, validate, calibrate) are ``python -m posecheck.dev``.

Exit status: 0 = every photo and clip analysed, 1 = some failed, 2 = usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import numpy as np

from posecheck.errors import ErrorCode, InvalidImageError, PosecheckError
from posecheck.names import printable_name
from posecheck.types import ModelName, Side, Status, View

if TYPE_CHECKING:  # imported lazily at run time: `posecheck --help` stays fast
    from posecheck.analysis import PhotoResult
    from posecheck.batch import BatchInput, BatchOutput, BatchSettings
    from posecheck.live.session import LiveFrame, LiveSession, SessionSummary
    from posecheck.video import VideoReader

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


#: What a first look at ``posecheck --help`` (or ``posecheck`` alone) shows how to start with.
_EXAMPLES = """examples:
  posecheck analyze front.jpg side.jpg --combine   one report from a front and a side photo
  posecheck analyze photos/ --pdf report.pdf       every photo in a folder, and a PDF
  posecheck video clip.mp4 --exercise heel_raises  count an exercise in a recorded clip
  posecheck live                                   the webcam, with the stance check
  posecheck COMMAND --help                         each command's options

The app in a browser: streamlit run app.py (from the project's folder)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posecheck",
        description="Posture and foot-alignment screening from standing photos and video, with\n"
        "exercises: a screening estimate, not a diagnosis. Everything runs on this computer.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse standing photos (and video clips)")
    analyze.add_argument(
        "paths", nargs="+", metavar="PATH", help="photos and video clips, or folders of them"
    )
    add_model_option(analyze)
    analyze.add_argument(
        "--view",
        choices=["auto", *(v.value for v in View)],
        default="auto",
        help="which way the person faces the camera (default: detect it)",
    )
    analyze.add_argument(
        "--both-ways",
        action="store_true",
        help="also look at each photo's mirror image and average the two: steadier measures, "
        "mirror-consistent, for twice the model's time",
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
        "--pdf", type=Path, metavar="FILE", help="write the report, with pictures, as a PDF"
    )
    analyze.add_argument(
        "--save",
        action="store_true",
        help="save this check (measures, findings, thumbnails) to the history on this machine",
    )
    where = analyze.add_mutually_exclusive_group()
    where.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help="analyse N photos or clips at once in parallel processes (default: the cores there "
        "are)",
    )
    where.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="analyse the photos and clips on a Dask cluster, e.g. tcp://192.168.1.10:8786 "
        "(needs pip install 'posecheck[cluster]')",
    )
    analyze.add_argument(
        "--shared-folder",
        action="store_true",
        help="with --cluster: the workers open the files at the same paths (a folder every "
        "machine shares) instead of receiving their bytes from here (clips over 256 MB need it)",
    )
    analyze.add_argument(
        "--resume",
        type=Path,
        metavar="FILE",
        help="keep each result in FILE (JSON lines) as it comes; run again to analyse only the "
        "photos and clips without a result there",
    )
    add_clip_options(analyze)
    analyze.add_argument(
        "--combine",
        action="store_true",
        help="the photos show one person (front, side, back): add one combined report",
    )

    add_video_commands(commands)

    history = commands.add_parser("history", help="the checks saved on this machine")
    # an action left out shows the command's help (its actions), not argparse's bare error
    history.set_defaults(command_help=history.format_help)
    history_commands = history.add_subparsers(dest="history_command", metavar="ACTION")
    listed = history_commands.add_parser("list", help="list the saved checks")
    listed.add_argument("--json", action="store_true")
    exported = history_commands.add_parser("export", help="everything saved, as JSON")
    exported.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (default: stdout)"
    )
    deleted = history_commands.add_parser("delete", help="delete one check, or all of them")
    which = deleted.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=int, help="the check's number (see `history list`)")
    which.add_argument("--all", action="store_true", help="delete every saved check")

    models = commands.add_parser("models", help="install or list the pose models")
    models.set_defaults(command_help=models.format_help)
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION")
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


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text}")
    return value


def add_model_option(parser: argparse.ArgumentParser, default: ModelName = ModelName.FULL) -> None:
    parser.add_argument(
        "--model",
        choices=[m.value for m in ModelName],
        default=default.value,
        help=f"pose model (default: {default.value})",
    )


def add_clip_options(analyze: argparse.ArgumentParser) -> None:
    """``analyze``'s options for the video clips in a batch (as ``posecheck video`` has them)."""
    from posecheck.live.definitions import COACHED_IDS

    analyze.add_argument(
        "--exercise",
        choices=COACHED_IDS,
        metavar="ID",
        help=f"in the video clips (photos are not coached), {_exercise_help()}",
    )
    add_side_option(analyze)
    add_max_fps_option(analyze, "of each clip ")


def add_video_commands(commands: Any) -> None:
    """The ``video`` and ``live`` commands: clips and the webcam through the live pipeline."""
    from posecheck.live.definitions import COACHED_IDS

    video = commands.add_parser(
        "video", help="analyse a recorded clip: counts, holds, stance, annotated video"
    )
    video.add_argument("file", type=Path, metavar="FILE", help="a video file (MP4, MOV, AVI, ...)")
    video.add_argument("--out", type=Path, metavar="FILE", help="write the annotated video (.mp4)")
    video.add_argument("--csv", type=Path, metavar="FILE", help="write one row per frame")
    video.add_argument(
        "--pdf", type=Path, metavar="FILE", help="write the summary, with the body map, as a PDF"
    )
    video.add_argument("--exercise", choices=COACHED_IDS, metavar="ID", help=_exercise_help())
    add_side_option(video)
    add_model_option(video, ModelName.LITE)
    add_max_fps_option(video)
    video.add_argument("--json", action="store_true", help="print the summary as JSON")

    live = commands.add_parser("live", help="the webcam in a window, with the live coach")
    live.add_argument("--camera", type=int, default=0, metavar="N", help="camera number (0)")
    live.add_argument("--exercise", choices=COACHED_IDS, metavar="ID", help=_exercise_help())
    add_side_option(live)
    add_model_option(live, ModelName.LITE)
    live.add_argument(
        "--no-mirror",
        dest="mirror",
        action="store_false",
        help="show the camera as it is (default: a mirror image, like a selfie camera)",
    )


def add_max_fps_option(parser: argparse.ArgumentParser, what: str = "") -> None:
    """``--max-fps N``: at most N frames a second of a clip analysed."""
    parser.add_argument(
        "--max-fps",
        type=_frame_rate,
        metavar="N",
        help=f"analyse at most N frames a second {what}(a phone's 30 or 60 thinned; 15 is what "
        "the app uses, and counts and holds need no more): faster; default: every frame",
    )


def add_side_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--side",
        choices=[Side.RIGHT.value, Side.LEFT.value],
        default=Side.RIGHT.value,
        help="the side a per-side exercise starts on (default: right)",
    )


def _exercise_help() -> str:
    from posecheck.live.definitions import COACHED_IDS

    return f"coach this exercise: {', '.join(COACHED_IDS)} (default: the stance check alone)"


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status argparse chose (help, usage error)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):  # nothing asked: say what there is to ask
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    args = parse(parser, argv)
    if isinstance(args, int):
        return args
    if getattr(args, f"{args.command}_command", "") is None:  # `history` or `models` alone
        print(args.command_help(), file=sys.stderr)
        return EXIT_USAGE
    if args.command == "analyze":
        return _analyze(args)
    if args.command == "video":
        return _video(args)
    if args.command == "history":
        return _history(args)
    if args.command == "live":
        return _live(args)
    return _models(args)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def expand_paths(paths: Sequence[str]) -> list[str | InvalidImageError]:
    """Folders become the photos inside them (sorted); everything else is kept as given. A folder
    that cannot be read becomes an error for that folder alone (the others are still expanded)."""
    return _expand(paths, IMAGE_SUFFIXES)


def _expand(paths: Sequence[str], suffixes: tuple[str, ...]) -> list[str | InvalidImageError]:
    expanded: list[str | InvalidImageError] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            expanded.append(raw)
            continue
        try:
            entries = sorted(path.iterdir())
        except OSError as error:
            name = printable_name(raw)
            expanded.append(
                InvalidImageError(
                    f'Cannot read the folder "{name}": {error.strerror or error}. Check its '
                    "permissions, or copy the photos somewhere you can read.",
                    code=ErrorCode.UNREADABLE,
                    extra={"name": name},
                )
            )
            continue
        expanded.extend(str(p) for p in entries if p.suffix.lower() in suffixes and _is_file(p))
    return expanded


def expand_batch(paths: Sequence[str]) -> list[BatchInput]:
    """Folders become the photos and video clips inside them (sorted); a path given or found
    with a video suffix (``posecheck.video.VIDEO_SUFFIXES``) is a clip, anything else is kept as
    given (a photo, or a folder's error)."""
    from posecheck.batch import Clip
    from posecheck.video import VIDEO_SUFFIXES

    found: list[BatchInput] = []
    for item in _expand(paths, IMAGE_SUFFIXES + VIDEO_SUFFIXES):
        if isinstance(item, str) and Path(item).suffix.lower() in VIDEO_SUFFIXES:
            found.append(Clip(item))
        else:
            found.append(item)
    return found


def readable_paths(paths: Sequence[str]) -> list[str]:
    """``expand_paths`` without the folders that could not be read (each is named on stderr)."""
    readable = []
    for item in expand_paths(paths):
        if isinstance(item, InvalidImageError):
            print(f"posecheck: {item.message}", file=sys.stderr)
        else:
            readable.append(item)
    return readable


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return True  # let the analysis say what is wrong with it


def _analyze(args: argparse.Namespace) -> int:
    from posecheck.batch import BatchSettings, Clip
    from posecheck.combine import combine
    from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER
    from posecheck.report import (
        CSV_COLUMNS,
        combined_text,
        combined_to_dict,
        csv_rows_combined,
        document_head,
    )

    empty_document = {**document_head(), "results": []}
    if args.shared_folder and args.cluster is None:
        print("posecheck: --shared-folder is for --cluster.", file=sys.stderr)
        return EXIT_USAGE
    if args.resume is not None and (args.combine or args.pdf is not None or args.save):
        print(
            "posecheck: --resume keeps results one photo at a time; run --combine, --pdf or "
            "--save without it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    items = expand_batch(args.paths)
    if not items:
        print("posecheck: no photos found in the given folders (nor video clips).", file=sys.stderr)
        if args.json:  # the contract: exactly one document, even when there is nothing in it
            print(json.dumps(empty_document, indent=2, ensure_ascii=False))
        return EXIT_USAGE
    settings = BatchSettings(
        model=args.model,
        view=None if args.view == "auto" else View(args.view),
        annotate=args.annotate,
        pictures=args.pdf is not None or args.save,
        exercise=args.exercise,
        side=Side(args.side),
        both_ways=args.both_ways,
        max_fps=args.max_fps,
    )
    try:
        kept = read_resume(args.resume, settings) if args.resume is not None else {}
        log = open_resume_log(args.resume)
        fresh = _start_batch([i for i in items if _key(i) not in kept], settings, args)
    except PosecheckError as error:
        print(f"posecheck: {error.message}", file=sys.stderr)
        if args.json:
            print(json.dumps(empty_document, indent=2, ensure_ascii=False))
        return EXIT_FAILED
    csv_file = args.csv.open("w", encoding="utf-8", newline="") if args.csv is not None else None
    writer = None
    if csv_file is not None:
        writer = csv.DictWriter(csv_file, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
    # Each photo and clip is reported as it comes (in the order given) and kept without its
    # pixels: a batch of any length holds a few kilobytes per item.
    results: list[PhotoResult] = []
    documents: list[dict[str, Any]] = []
    pictures: list[bytes | None] = []
    clips: list[dict[str, Any]] = []
    try:
        with log if log is not None else contextlib.nullcontext():
            for index, item in enumerate(items, start=1):
                done = kept.get(_key(item)) or keep_result(log, item, next(fresh), settings)
                _show(done, index, len(items), as_json=args.json)
                if isinstance(done, ReportedClip):
                    clips.append(done.document)
                    continue
                if writer is not None and csv_file is not None:
                    writer.writerows(done.rows)
                    csv_file.flush()
                documents.append(done.document)
                if done.result is not None:
                    results.append(done.result)
                    pictures.append(done.picture)
    finally:
        combined = combine(results) if args.combine and results else None
        if csv_file is not None:
            if writer is not None and combined is not None:
                writer.writerows(csv_rows_combined(combined))
            csv_file.close()
    if args.save:
        status = _save_check(results, pictures, combined)
        if status != EXIT_OK:
            return status
    if args.pdf is not None:
        from posecheck.pdf import PdfPhoto, pdf_report

        photos = [PdfPhoto(r, p) for r, p in zip(results, pictures, strict=True)]
        try:
            args.pdf.write_bytes(pdf_report(photos, combined))
        except OSError as error:
            print(
                f"posecheck: could not write {printable_name(args.pdf)}: {error}", file=sys.stderr
            )
            return EXIT_FAILED
    if args.json:
        document: dict[str, object] = {**document_head(), "results": documents}
        if combined is not None:
            document["combined"] = combined_to_dict(combined)
        if any(isinstance(item, Clip) for item in items):
            document["videos"] = clips
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        if combined is not None:
            print(combined_text(combined) + "\n")
        print(f"{DISCLAIMER}\n{CLINICIAN_NOTE}")
    every = [*documents, *clips]
    return EXIT_OK if all(d["ok"] for d in every) else EXIT_FAILED


def _show(done: Reported | ReportedClip, index: int, total: int, *, as_json: bool) -> None:
    """One photo or clip as it comes: its text, or, under ``--json``, its progress on stderr."""
    progress = f"[{index}/{total}] " if total > 1 else ""
    if not as_json:
        print(progress + done.text + "\n", flush=True)
    elif progress:
        print(progress + done.label, file=sys.stderr, flush=True)


def show_clip_progress(name: str, done: int, total: int) -> None:
    """A running clip's progress in a batch, a line on stderr (when it starts, then about once
    a second)."""
    of = f" of {total} ({min(100, round(100 * done / total))} %)" if total > 0 else ""
    print(f"  {printable_name(name)}: frame {done}{of}", file=sys.stderr, flush=True)


def _start_batch(
    items: list[BatchInput], settings: BatchSettings, args: argparse.Namespace
) -> Iterator[BatchOutput]:
    """The batch's outputs in order: on the cluster (connected now, so a scheduler that is not
    there is reported before any photo), or in ``--jobs`` processes here."""
    from posecheck.batch import analyze_batch

    if args.cluster is None:
        # the default is None, not the core count: argparse sees `--jobs 2` on a 2-core machine
        # as the default (the same int object) and would let it pass with --cluster
        jobs = args.jobs or os.cpu_count() or 1
        return iter(analyze_batch(items, settings, jobs=jobs, on_frames=show_clip_progress))
    from posecheck.cluster import analyze_on_cluster

    if not items:
        return iter([])
    return analyze_on_cluster(items, settings, args.cluster, send_paths=args.shared_folder)


# --- resuming a batch from the results kept in a file ---------------------------------------------


@dataclass(frozen=True)
class Reported:
    """One photo's outputs as the command reports them; ``result`` and ``picture`` are None when
    they were read back from a resume file."""

    document: dict[str, Any]
    rows: list[dict[str, Any]]
    text: str
    result: PhotoResult | None = None
    picture: bytes | None = None

    @property
    def label(self) -> str:
        return str(self.document["image"])


@dataclass(frozen=True)
class ReportedClip:
    """One clip's outputs as the command reports them (its ``videos`` entry and its line)."""

    document: dict[str, Any]
    text: str

    @property
    def label(self) -> str:
        return str(self.document["name"])


#: What the resume file keeps an item under: ("photo", path) or ("video", path).
ResumeKey = tuple[str, str] | None


def _key(item: BatchInput) -> ResumeKey:
    from posecheck.batch import Clip

    if isinstance(item, Clip):
        return ("video", item.path)
    return ("photo", item) if isinstance(item, str) else None


def _settings_of(settings: BatchSettings) -> dict[str, str | bool | None]:
    view = None if settings.view is None else settings.view.value
    both = {"both_ways": True} if settings.both_ways else {}  # old resume files stay valid
    return {"model": settings.model, "view": view, **both}


def _clip_settings_of(settings: BatchSettings) -> dict[str, str | float | None]:
    kept: dict[str, str | float | None] = {
        "model": settings.model,
        "exercise": settings.exercise,
        "side": settings.side.value,
    }
    if settings.max_fps is not None:  # only then: a file from before the option still serves
        kept["max_fps"] = settings.max_fps
    return kept


def read_resume(path: Path, settings: BatchSettings) -> dict[ResumeKey, Reported | ReportedClip]:
    """The photos and clips analysed with these settings in the resume file, by the path they
    were given as. Failures are left out (they are tried again), and so is a line a crash cut
    short."""
    kept: dict[ResumeKey, Reported | ReportedClip] = {}
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                _read_line(line, settings, kept)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise PosecheckError(
            f"Cannot read the resume file {printable_name(path)}: {error}."
        ) from error
    return kept


def _read_line(
    line: str, settings: BatchSettings, kept: dict[ResumeKey, Reported | ReportedClip]
) -> None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return
    if not isinstance(record, dict):
        return
    document, text = record.get("document"), record.get("text")
    if not (isinstance(document, dict) and document.get("ok") is True and isinstance(text, str)):
        return
    if "video" in record:  # a clip's line: {"video": path, "settings", "document", "text"}
        if record.get("settings") == _clip_settings_of(settings):
            kept[("video", str(record["video"]))] = ReportedClip(document, text)
        return
    rows = record.get("rows")
    if record.get("settings") == _settings_of(settings) and isinstance(rows, list):
        kept[("photo", str(record.get("photo")))] = Reported(document, rows, text)


def open_resume_log(path: Path | None) -> TextIO | None:
    """The resume file, open to append one JSON line per photo or clip (None without a path)."""
    if path is None:
        return None
    try:
        log = path.open("a", encoding="utf-8")
        if log.tell() and not _ends_a_line(path):
            log.write("\n")  # a line cut short by a crash stays a line of its own
    except OSError as error:
        raise PosecheckError(
            f"Cannot write the resume file {printable_name(path)}: {error}."
        ) from error
    return log


def keep_result(
    log: TextIO | None, item: BatchInput, done: BatchOutput, settings: BatchSettings
) -> Reported | ReportedClip:
    """The item's outputs as reported, appended to the resume log as one flushed JSON line (a
    crash keeps every photo and clip finished before it): ``{"photo": ...}`` for a photo,
    ``{"video": ...}`` for a clip."""
    from posecheck.batch import Clip, ClipItem

    if isinstance(done, ClipItem):
        if isinstance(item, Clip):
            _append(log, {"video": item.path, "settings": _clip_settings_of(settings),
                          "document": done.document, "text": done.text})  # fmt: skip
        return ReportedClip(done.document, done.text)
    if isinstance(item, str):
        _append(log, {"photo": item, "settings": _settings_of(settings),
                      "document": done.document, "rows": done.rows, "text": done.text})  # fmt: skip
    return Reported(done.document, done.rows, done.text, done.result, done.picture_jpeg)


def _append(log: TextIO | None, record: dict[str, Any]) -> None:
    if log is not None:
        log.write(json.dumps(record) + "\n")
        log.flush()


def _ends_a_line(path: Path) -> bool:
    with path.open("rb") as file:
        file.seek(-1, os.SEEK_END)
        return file.read(1) == b"\n"


def _save_check(
    results: Sequence[PhotoResult], pictures: Sequence[bytes | None], combined: object
) -> int:
    from posecheck.analysis import Analysis
    from posecheck.combine import CombinedReport
    from posecheck.store import HistoryStore

    judged = [r for r in results if isinstance(r, Analysis) and r.judged]
    report = combined if isinstance(combined, CombinedReport) else None
    if report is None and len(judged) != 1:
        print(
            "posecheck: --save keeps one check: one judged photo, or several with --combine.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    thumbnails = {
        r.name: p for r, p in zip(results, pictures, strict=True) if p is not None and r in judged
    }
    try:
        with HistoryStore() as store:
            check_id = store.save_check(judged, report, thumbnails=thumbnails)
            where = store.path
    except PosecheckError as error:
        print(f"posecheck: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    print(f"posecheck: saved as check {check_id} in {printable_name(where)}", file=sys.stderr)
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    from posecheck.store import HistoryStore

    try:
        store = HistoryStore()
    except PosecheckError as error:
        print(f"posecheck: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    with store:
        if args.history_command == "list":
            checks = store.checks()
            if args.json:
                rows = [
                    {"id": c.id, "created": c.created.isoformat(), "kind": c.kind,
                     "images": list(c.images), "summary": c.summary}
                    for c in checks
                ]  # fmt: skip
                print(json.dumps({"checks": rows}, indent=2, ensure_ascii=False))
            elif not checks:
                print(f"No saved checks in {printable_name(store.path)}.")
            for check in [] if args.json else checks:
                when = check.created.astimezone().strftime("%Y-%m-%d %H:%M")
                print(f"{check.id:4d}  {when}  {check.kind:5}  {check.summary[:70]}")
            return EXIT_OK
        if args.history_command == "export":
            text = json.dumps(store.export(), indent=2, ensure_ascii=False)
            if args.out is not None:
                args.out.write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
            return EXIT_OK
        if args.all:
            print(f"Deleted {store.delete_all()} saved checks.")
            return EXIT_OK
        if not store.delete(args.id):
            print(f"posecheck: there is no saved check {args.id}.", file=sys.stderr)
            return EXIT_FAILED
        print(f"Deleted check {args.id}.")
        return EXIT_OK


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


# --- video and live ------------------------------------------------------------------------------


class Progress:
    """A progress line on stderr: frames done (of the total, when known) and frames per second.

    On a terminal the line is redrawn in place at most every ``every_s`` seconds; otherwise a
    line is written every ``every_s * 10`` seconds."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        every_s: float = 0.5,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self._tty = self.stream.isatty()
        self._every = every_s if self._tty else every_s * 10
        self._clock = clock
        self._start = clock()
        self._shown = self._start
        self.done = 0

    def line(self) -> str:
        seconds = max(self._clock() - self._start, 1e-9)
        of = f"/{self.total}" if self.total else ""
        percent = f" {100 * self.done / self.total:3.0f}%" if self.total else ""
        return f"[{self.done}{of}]{percent} {self.done / seconds:.1f} fps"

    def reach(self, done: int) -> None:
        """``done`` frames of the total are done."""
        self.done = done
        now = self._clock()
        if now - self._shown >= self._every:
            self._shown = now
            self._write()

    def _write(self, end: str = "") -> None:
        if self._tty:
            print(f"\r{self.line()}", end=end, file=self.stream, flush=True)
        else:
            print(self.line(), file=self.stream, flush=True)

    def finish(self) -> None:
        self._write(end="\n")


class FrameSink(Protocol):
    """Where processed frames go (the annotated video, a window)."""

    def write(self, rgb: np.ndarray, frame: LiveFrame) -> bool:
        """Take one frame; False asks the pipeline to stop."""
        ...


def run_frames(
    frames: Iterable[tuple[float, np.ndarray]],
    session: LiveSession,
    *,
    sinks: Sequence[FrameSink] = (),
    on_frame: Callable[[LiveFrame], None] | None = None,
) -> int:
    """Feed ``(t_ms, rgb)`` frames through the session, each result to ``on_frame`` and the
    sinks, until the frames end or a sink asks to stop; returns the frames processed. Memory
    stays bounded: one frame at a time."""
    count = 0
    for t_ms, rgb in frames:
        frame = session.process(rgb, t_ms)
        count += 1
        if on_frame is not None:
            on_frame(frame)
        if not all([sink.write(rgb, frame) for sink in sinks]):
            break
    return count


class AnnotatedVideo:
    """Writes each frame with its overlay to a video file, one frame at a time: H.264 in
    .mp4/.mov/.m4v (``H264Writer``: browsers and phones play it), Motion JPEG in .avi."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        import cv2

        from posecheck.video import H264Writer

        self.path = path
        problem = f"Cannot write the annotated video {path}: choose an .mp4 or .avi file name in a"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PosecheckError(f"{problem} folder you can write to ({error}).") from error
        self._h264: H264Writer | None = None
        self._writer: Any = None
        if path.suffix.lower() == ".avi":
            fourcc = cv2.VideoWriter.fourcc(*"MJPG")
            self._writer = cv2.VideoWriter(str(path), fourcc, fps, size)
            if not self._writer.isOpened():
                raise PosecheckError(f"{problem} folder you can write to.")
            return
        try:
            self._h264 = H264Writer(path, fps, size)
        except OSError as error:
            raise PosecheckError(f"{problem} folder you can write to.") from error

    def write(self, rgb: np.ndarray, frame: LiveFrame) -> bool:
        import cv2

        from posecheck.draw_live import draw_live_frame

        drawn = draw_live_frame(rgb, frame)
        if self._h264 is not None:
            try:
                self._h264.write(drawn, frame.t_ms)
            except OSError as error:  # a full disk, say
                raise self._cannot_write(error) from error
        else:
            self._writer.write(cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
        return True

    def close(self) -> None:
        """Finish the file."""
        if self._h264 is not None:
            try:
                self._h264.finish()
            except OSError as error:
                raise self._cannot_write(error) from error
        else:
            self._writer.release()

    def _cannot_write(self, error: OSError) -> PosecheckError:
        return PosecheckError(f"Cannot write the annotated video {self.path}: {error}")


def _frame_rate(text: str) -> float:
    """``--max-fps``'s value: a number of frames a second, at least 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 1):
        raise argparse.ArgumentTypeError(f"expected frames a second, 1 or more, got {text!r}")
    return value


def _video(args: argparse.Namespace) -> int:
    from posecheck.batch import clip_document, open_clip
    from posecheck.video import nobody_in_clip

    try:
        with open_clip(str(args.file), printable_name(args.file)) as reader:
            summary = _process_clip(reader, args)
    except PosecheckError as error:
        return _failed(args, error)
    if summary.frames_with_person == 0:  # as in a batch: nothing was measured, say so
        return _failed(args, nobody_in_clip(str(args.file), summary.frames))
    if args.pdf is not None:
        from posecheck.pdf import live_pdf_report

        try:
            args.pdf.write_bytes(live_pdf_report(summary, printable_name(args.file.name)))
        except OSError as error:
            print(
                f"posecheck: could not write {printable_name(args.pdf)}: {error}", file=sys.stderr
            )
            return EXIT_FAILED
    document = {
        # what `analyze` gives for a clip
        **clip_document(summary, reader.info, args.model, args.max_fps),
        "outputs": {
            "video": None if args.out is None else str(args.out),
            "csv": None if args.csv is None else str(args.csv),
            "pdf": None if args.pdf is None else str(args.pdf),
        },
    }
    _print_summary(document, as_json=args.json)
    return EXIT_OK


def _process_clip(reader: VideoReader, args: argparse.Namespace) -> SessionSummary:
    """The clip through a live session, with the per-frame CSV, the annotated video and a
    progress line; the session's summary."""
    from posecheck.live.records import frame_row
    from posecheck.live.session import LiveSession, people_counter, video_estimator

    progress = Progress(reader.info.frame_count)
    reader.thin(args.max_fps)
    with (
        LiveSession(
            video_estimator(args.model),
            exercise=args.exercise,
            first_side=Side(args.side),
            people_counter=people_counter(args.model),
        ) as session,
        _frame_csv(args.csv, args.exercise) as write_row,
    ):
        fps = min(reader.info.fps or 30.0, args.max_fps or math.inf)
        video = AnnotatedVideo(args.out, fps, reader.info.working_size) if args.out else None

        def on_frame(frame: LiveFrame) -> None:
            write_row(frame_row(frame))
            progress.reach(reader.frames_read)  # of the file's frames, the thinned ones too

        try:
            run_frames(reader, session, sinks=[video] if video else [], on_frame=on_frame)
        finally:
            progress.finish()
            if video is not None:
                video.close()
        return session.summary()


@contextlib.contextmanager
def _frame_csv(
    path: Path | None, exercise: str | None
) -> Iterator[Callable[[dict[str, str]], None]]:
    """A function that writes one frame's row to the CSV file (a no-op without a path)."""
    from posecheck.live.records import frame_columns

    if path is None:
        yield lambda row: None
        return
    try:
        file = path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise PosecheckError(f"Cannot write the CSV file {path}: {error.strerror}.") from error
    with file:
        table = csv.DictWriter(file, fieldnames=frame_columns(exercise))
        table.writeheader()
        yield table.writerow


def _failed(args: argparse.Namespace, error: PosecheckError) -> int:
    if getattr(args, "json", False):
        document = {"ok": False, "error": {"code": error.code.value, "message": error.message}}
        print(json.dumps(document, indent=2))
    print(f"posecheck: {error.message}", file=sys.stderr)
    return EXIT_FAILED


def _print_summary(document: dict[str, Any], *, as_json: bool) -> None:
    from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER

    if as_json:
        document = {"ok": True, **document, "disclaimer": DISCLAIMER}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print(summary_lines(document))
    print(f"\n{DISCLAIMER}\n{CLINICIAN_NOTE}")


def summary_lines(document: dict[str, Any]) -> str:
    """A session summary document in words."""
    from posecheck.live.records import side_amount_words, why_no_stance_in
    from posecheck.measures import EXPERIMENTAL_WORDS
    from posecheck.report import status_mark, unknown_line

    seconds = document["duration_s"]
    lines = [
        f"{document['frames']} frames ({seconds:.1f} s), a person in "
        f"{document['frames_with_person']}"
    ]
    others = document.get("frames_with_others", 0)  # not in documents written before it was
    exercise = document.get("exercise")
    if others:
        lines.append(
            f"Someone else was in view in {others} frames: the stance check waited then"
            + (", and the exercise's counts may have followed them" if exercise else "")
        )
    if exercise:
        lines.append(f"{exercise['name']} ({exercise['dose']}):")
        for side in exercise["sides"]:
            who = side["side"] or "both"
            amount = side_amount_words(side)
            circles = ", ".join(
                f"{n} {d} ({side['circle_s'].get(d, 0):.0f} s)" for d, n in side["circles"].items()
            )
            done = " (done)" if side["done"] else ""
            lines.append(f"  {who}: {amount}{done}" + (f"; circles {circles}" if circles else ""))
        lines += [f"  form: {note}" for note in exercise["form_notes"]]
        if exercise["cannot_see"]:
            lines.append(f"  note: {exercise['cannot_see']}")
    stance = document.get("stance")
    if stance:
        lines.append(
            f"Stance ({stance['view']} view, {stance['frames']} still frames, "
            f"{stance['duration_s']:.1f} s): mean ± error (spread) per measure"
        )
        unknown: dict[str, list[str]] = {}  # the labels of the measures with no mean, by reason
        for name, measure in stance["measures"].items():
            if measure["value"] is None:
                why = str(measure.get("reason") or "no reading")
                unknown.setdefault(why, []).append(str(measure.get("label", name)))
                continue
            # documents written before the error band and the hold were added lack them
            held = bool(measure.get("held", False))
            error = measure.get("error")
            ratio = measure["unit"] == "ratio"  # a stance width has no sign and two decimals
            number = "{:.2f}" if ratio else "{:+.1f}"
            band = f" ± {error:.{2 if ratio else 1}f}" if error else ""
            spread = f"{measure['spread']:.{2 if ratio else 1}f}"
            judged = bool(measure.get("for_findings", True))
            note = "" if judged else f" ({EXPERIMENTAL_WORDS})"
            lines.append(
                f"  {measure.get('label', name)}: {number.format(measure['value'])}{band} "
                f"{measure['unit']} (sd {spread}) "
                f"{status_mark(Status(measure['status']), held=held, judged=judged)}{note}"
            )
            if held:
                lines.append(f"    not judged: {measure['reason']}")
        lines += [unknown_line(labels, why, "  ") for why, labels in unknown.items()]
    elif not exercise:
        lines.append(f"Stance: {why_no_stance_in(document)}.")
    return "\n".join(lines)


# --- the desktop window --------------------------------------------------------------------------


class Window:
    """An OpenCV window showing each frame; closing it or pressing q or Esc stops."""

    def __init__(self, title: str = "posecheck live (q to quit)") -> None:
        import cv2

        self.title = title
        cv2.namedWindow(title, cv2.WINDOW_NORMAL)

    def write(self, rgb: np.ndarray, frame: LiveFrame) -> bool:
        import cv2

        from posecheck.draw_live import draw_live_frame

        cv2.imshow(self.title, cv2.cvtColor(draw_live_frame(rgb, frame), cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        closed = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1
        return key not in (ord("q"), 27) and not closed

    def close(self) -> None:
        import cv2

        cv2.destroyWindow(self.title)


def has_display() -> bool:
    """Whether a window can be opened (on Linux, an X11 or Wayland display must be set)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def mirrored(frames: Iterable[tuple[float, np.ndarray]]) -> Iterator[tuple[float, np.ndarray]]:
    """Each frame as its mirror image (what a selfie camera shows)."""
    for t_ms, rgb in frames:
        yield t_ms, np.ascontiguousarray(rgb[:, ::-1])


def _live(args: argparse.Namespace) -> int:
    from posecheck.live.session import (
        LiveSession,
        LiveSettings,
        people_counter,
        video_estimator,
    )
    from posecheck.video import open_camera

    try:
        camera = open_camera(args.camera)
    except PosecheckError as error:
        return _failed(args, error)
    with camera:
        if not has_display():
            print(
                "posecheck: no screen to show the live window on (DISPLAY is not set). Run "
                "`posecheck live` in a desktop session, or record a clip and use "
                "`posecheck video FILE`.",
                file=sys.stderr,
            )
            return EXIT_FAILED
        settings = LiveSettings(mirrored=args.mirror)
        try:
            session = LiveSession(
                video_estimator(args.model),
                exercise=args.exercise,
                first_side=Side(args.side),
                settings=settings,
                people_counter=people_counter(args.model),
            )
        except PosecheckError as error:
            return _failed(args, error)
        with session:
            return run_live(camera, session, Window(), mirror=args.mirror)


def run_live(
    source: Iterable[tuple[float, np.ndarray]],
    session: LiveSession,
    window: FrameSink,
    *,
    mirror: bool = True,
    stream: TextIO | None = None,
) -> int:
    """The desktop loop: frames from ``source`` (a camera, or a fake in tests) through the
    session to ``window`` until the source ends or the window asks to stop; then the summary.
    With ``mirror`` the frames are shown as mirror images (the session must be told:
    ``LiveSettings(mirrored=True)``)."""
    from posecheck.live.records import summary_to_dict

    frames = mirrored(source) if mirror else source
    try:
        run_frames(frames, session, sinks=[window])
    finally:
        close = getattr(window, "close", None)
        if close is not None:
            close()
    print(summary_lines(summary_to_dict(session.summary())), file=stream or sys.stdout)
    return EXIT_OK
