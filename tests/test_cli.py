"""The `posecheck` command through main([...]): exit status, JSON contract, bad inputs."""

from __future__ import annotations

import json
import os
import socket
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from posecheck.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.conftest import photo

pytestmark = pytest.mark.slow


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    status = main(["analyze", *args, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, json.loads(out)


def only_result(document: dict[str, object]) -> dict[str, object]:
    results = document["results"]
    assert isinstance(results, list) and len(results) == 1
    result = results[0]
    assert isinstance(result, dict)
    return result


def test_front_photo_gives_33_landmarks(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = run_json(capsys, str(photo("front_standing_01.jpg")))
    assert status == EXIT_OK
    result = only_result(document)
    assert result["ok"] is True and result["error"] is None
    assert (result["width"], result["height"]) == (1000, 1002)
    assert result["model"] == "full"
    assert result["people_detected"] == 1
    assert result["view"] == "front"
    landmarks = result["landmarks"]
    assert isinstance(landmarks, list) and len(landmarks) == 33
    assert landmarks[0]["name"] == "nose" and landmarks[32]["name"] == "right_foot_index"
    assert set(landmarks[0]) == {"name", "x", "y", "z", "visibility", "presence", "corrected"}
    for key in ("measures", "findings", "exercises", "capture_checks", "camera_roll", "plan"):
        assert key in result
    assert isinstance(result["measures"], dict) and "pelvic_tilt" in result["measures"]
    assert set(result["measures"]["pelvic_tilt"]) == {
        "value", "unit", "status", "confidence", "normal_range", "known_error", "error", "label",
        "for_findings", "sign", "view", "landmarks", "reason", "held",
    }  # fmt: skip
    assert all(m["held"] in (True, False) for m in result["measures"].values())
    assert result["exercises"], "there is always a plan"
    assert "not a diagnosis" in str(document["disclaimer"])


def _write_blank(path: Path) -> Path:
    Image.new("RGB", (640, 480), (128, 128, 128)).save(path)
    return path


def _png_bomb(path: Path, side: int = 50_000) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(photo("front_standing_01.jpg").read_bytes()[:20_000])
    empty = tmp_path / "empty.jpg"
    empty.touch()
    text = tmp_path / "notes.jpg"
    text.write_text("this is not a photo\n")
    noise = tmp_path / "noise.png"
    noise.write_bytes(np.random.default_rng(0).bytes(5000))
    gif = tmp_path / "anim.gif"
    Image.new("P", (64, 64)).save(gif)
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60 * 1024 * 1024)
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (10, 10)).save(tiny)
    return {
        "missing": (tmp_path / "nope.jpg", "not_found"),
        "empty": (empty, "empty_file"),
        "text": (text, "unsupported_format"),
        "noise": (noise, "unsupported_format"),
        "gif": (gif, "unsupported_format"),
        "truncated": (truncated, "corrupt_image"),
        "bomb": (_png_bomb(tmp_path / "bomb.png"), "too_many_pixels"),
        "huge": (huge, "file_too_large"),
        "tiny": (tiny, "image_too_small"),
        "nobody": (_write_blank(tmp_path / "blank.jpg"), "no_person"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing", "empty", "text", "noise", "gif", "truncated", "bomb", "huge", "tiny", "nobody"],
)
def test_bad_input_gets_code_and_message(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, code = _bad_inputs(tmp_path)[case]
    status, document = run_json(capsys, str(path))
    assert status == EXIT_FAILED
    result = only_result(document)
    assert result["ok"] is False
    error = result["error"]
    assert isinstance(error, dict) and error["code"] == code
    assert len(str(error["message"])) > 20
    assert result["landmarks"] == []


def test_one_bad_file_loses_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A failing photo among good ones: every good one is still analysed, exit status 1."""
    empty = tmp_path / "empty.jpg"
    empty.touch()
    good = str(photo("front_standing_01.jpg"))
    status, document = run_json(capsys, good, str(empty), good)
    assert status == EXIT_FAILED
    results = document["results"]
    assert isinstance(results, list)
    assert [r["ok"] for r in results] == [True, False, True]


def test_readable_summary_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["analyze", str(photo("front_standing_01.jpg"))])
    out, err = capsys.readouterr()
    assert status == EXIT_OK
    assert "view: front" in out and "not a diagnosis" in out
    assert "Traceback" not in out + err


def test_bad_input_summary_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jpg"
    empty.touch()
    assert main(["analyze", str(empty)]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert "empty_file" in out and "Traceback" not in out + err


def test_annotate_writes_pictures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = photo("front_standing_01.jpg")
    status = main(["analyze", str(source), str(source), "--annotate", str(tmp_path / "out")])
    capsys.readouterr()
    assert status == EXIT_OK
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["front_standing_01.pose-2.jpg", "front_standing_01.pose.jpg"]
    with Image.open(tmp_path / "out" / written[1]) as picture:
        assert picture.size == (1000, 1002)


def test_view_override(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = run_json(capsys, str(photo("front_standing_01.jpg")), "--view", "back")
    assert status == EXIT_OK
    assert only_result(document)["view"] == "back"


def test_folder_is_expanded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jpg").write_bytes(photo("front_standing_01.jpg").read_bytes())
    (tmp_path / "readme.txt").write_text("ignored")
    status, document = run_json(capsys, str(tmp_path))
    assert status == EXIT_OK
    assert len(document["results"]) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["analyze"],
        ["analyze", "x.jpg", "--model", "huge"],
        ["analyze", "x.jpg", "--view", "up"],
        ["frobnicate"],
        ["models"],
        ["history"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    _, err = capsys.readouterr()
    assert "usage" in err and "Traceback" not in err


def test_posecheck_alone_shows_the_commands_and_how_to_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == EXIT_USAGE
    _, err = capsys.readouterr()
    for command in ("analyze", "video", "live", "history", "models"):
        assert f"\n    {command} " in err
    assert "examples:" in err and "posecheck analyze front.jpg" in err and "not a diagnosis" in err
    # a command with actions, given alone, lists its actions
    assert main(["history"]) == EXIT_USAGE
    _, err = capsys.readouterr()
    assert all(f"\n    {action} " in err for action in ("list", "export", "delete"))
    assert main(["models"]) == EXIT_USAGE
    assert "\n    install " in capsys.readouterr().err


def test_empty_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path)]) == EXIT_USAGE
    assert "no photos" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked.jpg"
    locked.write_bytes(photo("front_standing_01.jpg").read_bytes())
    locked.chmod(0)
    status, document = run_json(capsys, str(locked))
    assert status == EXIT_FAILED
    assert only_result(document)["error"]["code"] == "unreadable"  # type: ignore[index]


def test_csv_and_combine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "measures.csv"
    front, side = photo("front_standing_01.jpg"), photo("side_walking_outdoor_01.jpg")
    status = main(["analyze", str(front), str(side), "--combine", "--csv", str(target)])
    out, _ = capsys.readouterr()
    assert status == EXIT_OK
    assert "Combined report from 2 photos" in out
    lines = target.read_text().splitlines()
    assert lines[0].startswith("image,view,measure,value")
    assert any(line.startswith("combined,") for line in lines)


# --- --cluster and --resume (the cluster itself: tests/test_cluster.py) ---------------------------


def test_cluster_and_jobs_cannot_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    # `--jobs 2` is the default on a 2-core machine: it must still count as given
    argv = ["analyze", "x.jpg", "--cluster", "tcp://127.0.0.1:8786", "--jobs", "2"]
    assert main(argv) == EXIT_USAGE
    assert "not allowed with" in capsys.readouterr().err


def test_a_scheduler_not_there_is_one_clear_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    listener = socket.socket()  # a port nobody listens on: bound, never listening
    listener.bind(("127.0.0.1", 0))
    address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    photo_path = str(_write_blank(tmp_path / "a.jpg"))
    with listener:
        status, document = run_json(capsys, photo_path, "--cluster", address)
        assert status == EXIT_FAILED and document["results"] == []
        status = main(["analyze", photo_path, "--cluster", address])
    out, err = capsys.readouterr()
    assert status == EXIT_FAILED and "Cannot reach the Dask scheduler" in err and out == ""


def test_resume_reuses_kept_results_and_analyses_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from posecheck.samples import sample_paths

    first, second = sample_paths()[:2]
    resume = tmp_path / "results.jsonl"
    status, document = run_json(capsys, str(first), "--resume", str(resume), "--jobs", "1")
    assert status == EXIT_OK
    [line] = resume.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["photo"] == str(first) and record["document"] == only_result(document)
    # proof that a re-run reads the file instead of analysing again: a mark put in the file
    record["document"]["view_confidence"] = -1.0
    resume.write_text(json.dumps(record) + "\n" + '{"photo": "cut short by a cra', encoding="utf-8")
    status, again = run_json(capsys, str(first), str(second), "--resume", str(resume))
    assert status == EXIT_OK
    results = again["results"]
    assert isinstance(results, list)
    assert results[0]["view_confidence"] == -1.0
    assert results[1]["image"] == str(second) and results[1]["ok"] is True
    lines = resume.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["photo"] == str(second)
    # other settings, other results: nothing is taken from the file
    status, other = run_json(capsys, str(first), "--resume", str(resume), "--view", "back")
    assert only_result(other)["view_confidence"] != -1.0


def test_shared_folder_is_for_the_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "x.jpg", "--shared-folder"]) == EXIT_USAGE
    assert "--cluster" in capsys.readouterr().err


def test_resume_keeps_single_photos_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "x.jpg", "--resume", "r.jsonl", "--combine"]) == EXIT_USAGE
    assert "--resume" in capsys.readouterr().err
