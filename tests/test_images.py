"""posecheck.images: every format and pixel mode comes out as upright uint8 RGB at the right size,
and every bad input is an InvalidImageError with its code. Inputs are built here, in tmp_path."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import subprocess
import sys
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

import posecheck.images as images_module
from posecheck.errors import InvalidImageError
from posecheck.images import (
    SUPPORTED_FORMATS,
    ImageLimits,
    LoadedImage,
    decode_image,
    load_image,
)
from tests.conftest import photo

# --- building inputs ----------------------------------------------------------------------------

# Four distinct corner colours: each of the 8 EXIF orientations moves them to a different place.
RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 220, 40)


def corners(width: int, height: int) -> np.ndarray:
    """(H, W, 3) uint8: red top-left, green top-right, blue bottom-left, yellow bottom-right."""
    rgb = np.empty((height, width, 3), np.uint8)
    top, left = height // 2, width // 2
    rgb[:top, :left], rgb[:top, left:] = RED, GREEN
    rgb[top:, :left], rgb[top:, left:] = BLUE, YELLOW
    return rgb


def corner_colours(rgb: np.ndarray) -> list[tuple[int, ...]]:
    """Mean colour in the middle of each quadrant: top-left, top-right, bottom-left, bottom-right"""
    height, width = rgb.shape[:2]
    ys, xs = (height // 4, 3 * height // 4), (width // 4, 3 * width // 4)
    return [
        tuple(int(v) for v in rgb[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3).mean(axis=0))
        for y in ys
        for x in xs
    ]


def assert_same_colours(rgb: np.ndarray, expected: np.ndarray, tolerance: int = 30) -> None:
    for got, want in zip(corner_colours(rgb), corner_colours(expected), strict=True):
        assert max(abs(g - w) for g, w in zip(got, want, strict=True)) <= tolerance, (got, want)


def noise(width: int, height: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def encode(image: Image.Image, file_format: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, file_format, **params)
    return buffer.getvalue()


def encode_heic(image: Image.Image, **params: Any) -> bytes:
    """HEIC via pillow-heif's encoder (x265); skips the test when this build cannot encode."""
    pillow_heif = pytest.importorskip("pillow_heif", reason="pillow-heif is not installed")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this libheif build has no HEVC encoder, so no HEIC can be written here")
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=95, **params)
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_bytes(
    width: int, height: int, *, bit_depth: int = 8, colour_type: int = 2, rows: bytes = b"\x00"
) -> bytes:
    """A PNG written by hand: signature, IHDR (with its CRC), one IDAT of ``rows``, IEND."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def expect_error(code: str, action: Callable[[], object]) -> InvalidImageError:
    with pytest.raises(InvalidImageError) as caught:
        action()
    error = caught.value
    assert error.code == code, f"expected {code}, got {error.code}: {error}"
    assert str(error) == error.message and len(error.message) > 20
    return error


SUPPORTED_TEXT = "JPEG, PNG, WebP, BMP, TIFF or HEIC"

# --- formats ------------------------------------------------------------------------------------

LOSSLESS: dict[str, tuple[str, dict[str, Any]]] = {
    "PNG": ("PNG", {}),
    "BMP": ("BMP", {}),
    "TIFF": ("TIFF", {}),
    "TIFF-LZW": ("TIFF", {"compression": "tiff_lzw"}),
    "WEBP-lossless": ("WEBP", {"lossless": True}),
}


@pytest.mark.parametrize("label", sorted(LOSSLESS))
def test_lossless_formats_round_trip_exactly(label: str, tmp_path: Path) -> None:
    file_format, params = LOSSLESS[label]
    source = noise(120, 80)
    loaded = load_image(
        write(tmp_path, "image", encode(Image.fromarray(source), file_format, **params))
    )
    assert loaded.format == file_format
    assert (loaded.width, loaded.height, loaded.scale) == (120, 80, 1.0)
    assert loaded.rgb.dtype == np.uint8 and loaded.rgb.flags.c_contiguous
    np.testing.assert_array_equal(loaded.rgb, source)


@pytest.mark.parametrize("file_format", ["JPEG", "WEBP", "HEIF"])
def test_lossy_formats_round_trip_closely(file_format: str, tmp_path: Path) -> None:
    source = corners(120, 80)
    image = Image.fromarray(source)
    data = encode_heic(image) if file_format == "HEIF" else encode(image, file_format, quality=95)
    loaded = load_image(write(tmp_path, "image", data))
    assert loaded.format == file_format
    assert loaded.rgb.shape == (80, 120, 3) and loaded.rgb.dtype == np.uint8
    assert (loaded.width, loaded.height, loaded.scale) == (120, 80, 1.0)
    assert_same_colours(loaded.rgb, source, tolerance=12)


def test_tiff_gives_its_first_page(tmp_path: Path) -> None:
    first, second = Image.fromarray(noise(64, 48, seed=1)), Image.fromarray(noise(40, 40, seed=2))
    data = encode(first, "TIFF", save_all=True, append_images=[second])
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    np.testing.assert_array_equal(decode_image(data).rgb, np.asarray(first))


def test_supported_formats_are_extensions_for_an_uploader() -> None:
    assert set(SUPPORTED_FORMATS) == {"jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"} | {
        "heic",
        "heif",
    }
    assert all(ext == ext.lower() and not ext.startswith(".") for ext in SUPPORTED_FORMATS)


def test_format_is_judged_by_content_not_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "really_a_png.jpg", encode(Image.fromarray(noise(40, 40)), "PNG"))
    assert load_image(path).format == "PNG"


# --- EXIF orientation ---------------------------------------------------------------------------

# How a camera stores an upright picture under each EXIF orientation (the inverse of what a
# viewer does to show it), written out from the EXIF spec rather than taken from a library.
STORED: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    1: lambda up: up,
    2: lambda up: up[:, ::-1],  # mirrored left-right
    3: lambda up: up[::-1, ::-1],  # upside down
    4: lambda up: up[::-1],  # mirrored top-bottom
    5: lambda up: up.transpose(1, 0, 2),  # mirrored about the main diagonal
    6: lambda up: np.rot90(up, 1),  # stored a quarter turn anticlockwise; shown turned clockwise
    7: lambda up: up[::-1, ::-1].transpose(1, 0, 2),  # mirrored about the other diagonal
    8: lambda up: np.rot90(up, -1),  # stored a quarter turn clockwise
}


def with_orientation(upright: np.ndarray, orientation: int, file_format: str) -> bytes:
    stored = Image.fromarray(np.ascontiguousarray(STORED[orientation](upright)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    if file_format == "HEIF":
        return encode_heic(stored, exif=exif.tobytes())
    return encode(
        stored, file_format, exif=exif, **({"quality": 95} if file_format == "JPEG" else {})
    )


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation_comes_out_upright(orientation: int, tmp_path: Path) -> None:
    upright = corners(96, 64)
    data = with_orientation(upright, orientation, "JPEG")
    stored_size = Image.open(io.BytesIO(data)).size
    assert stored_size == ((64, 96) if orientation >= 5 else (96, 64))
    loaded = load_image(write(tmp_path, "photo.jpg", data))
    assert (loaded.width, loaded.height) == (96, 64)  # the stored size, swapped for 5-8
    assert loaded.rgb.shape == (64, 96, 3)
    assert_same_colours(loaded.rgb, upright)
    # OpenCV applies EXIF orientation with its own code: an independent opinion.
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert bgr is not None
    opencv = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    assert np.abs(loaded.rgb.astype(int) - opencv).mean() < 2


@pytest.mark.parametrize("file_format", ["PNG", "WEBP", "TIFF", "HEIF"])
@pytest.mark.parametrize("orientation", [3, 6, 7])
def test_other_formats_honour_orientation(orientation: int, file_format: str) -> None:
    upright = corners(96, 64)
    loaded = decode_image(with_orientation(upright, orientation, file_format))
    assert (loaded.width, loaded.height) == (96, 64)
    assert_same_colours(loaded.rgb, upright)


def test_orientation_and_draft_together(tmp_path: Path) -> None:
    upright = cv2.resize(corners(48, 24), (2000, 1000), interpolation=cv2.INTER_NEAREST)
    loaded = load_image(
        write(tmp_path, "big.jpg", with_orientation(upright, 6, "JPEG")), max_side=400
    )
    assert (loaded.width, loaded.height) == (2000, 1000)
    # 1/8 DCT scale (250 px) is still >= 0.6 x 400: decoded straight to it, then turned upright
    assert loaded.rgb.shape == (125, 250, 3)
    assert loaded.scale == pytest.approx(0.125)
    assert_same_colours(loaded.rgb, upright)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_damaged_exif_is_ignored_not_fatal() -> None:
    source = corners(64, 48)
    data = encode(Image.fromarray(source), "JPEG", quality=95, exif=b"Exif\x00\x00MM\x00*junk")
    loaded = decode_image(data)
    assert loaded.rgb.shape == (48, 64, 3)
    assert_same_colours(loaded.rgb, source)


# --- pixel modes --------------------------------------------------------------------------------


def test_grayscale_becomes_three_equal_channels() -> None:
    gray = noise(50, 40)[..., 0]
    rgb = decode_image(encode(Image.fromarray(gray, "L"), "PNG")).rgb
    for channel in range(3):
        np.testing.assert_array_equal(rgb[..., channel], gray)


def test_bilevel_becomes_black_and_white() -> None:
    bits = noise(50, 40)[..., 0] > 127
    rgb = decode_image(encode(Image.fromarray(bits), "PNG")).rgb
    np.testing.assert_array_equal(rgb[..., 1], np.where(bits, 255, 0))


def test_palette_becomes_its_colours() -> None:
    image = Image.fromarray(noise(50, 40)).quantize(16)
    expected = np.asarray(image.convert("RGB"))
    for file_format in ("PNG", "BMP", "TIFF"):
        np.testing.assert_array_equal(decode_image(encode(image, file_format)).rgb, expected)


def test_palette_transparency_becomes_white() -> None:
    image = Image.new("P", (40, 40), 0)
    image.putpalette([10, 20, 30] * 2 + [0, 0, 0] * 254)
    image.paste(1, (0, 0, 20, 40))
    rgb = decode_image(encode(image, "PNG", transparency=1)).rgb
    assert (rgb[:, :20] == 255).all()
    assert (rgb[:, 20:] == (10, 20, 30)).all()


@pytest.mark.parametrize("file_format", ["JPEG", "TIFF"])
def test_cmyk_becomes_rgb(file_format: str) -> None:
    source = corners(64, 48)
    cmyk = Image.fromarray(source).convert("CMYK")
    loaded = decode_image(encode(cmyk, file_format))
    assert loaded.rgb.shape == (48, 64, 3)
    assert_same_colours(loaded.rgb, np.asarray(cmyk.convert("RGB")), tolerance=12)


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_alpha_is_composited_onto_white(mode: str) -> None:
    rgba = np.zeros((40, 60, 4), np.uint8)  # black everywhere
    rgba[:, 20:40, 3] = 128  # middle: half transparent
    rgba[:, 40:, 3] = 255  # right: opaque
    image = Image.fromarray(rgba).convert(mode)
    rgb = decode_image(encode(image, "PNG")).rgb
    assert (rgb[:, :20] == 255).all()  # transparent black shows the white behind it
    assert (np.abs(rgb[:, 20:40].astype(int) - 127) <= 1).all()
    assert (rgb[:, 40:] == 0).all()


def test_webp_with_alpha_is_composited_onto_white() -> None:
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[:, 20:] = (200, 10, 10, 255)
    rgb = decode_image(encode(Image.fromarray(rgba), "WEBP", lossless=True)).rgb
    assert (rgb[:, :20] == 255).all() and (rgb[:, 20:] == (200, 10, 10)).all()


RAMP16 = np.linspace(0, 65535, 256).round().astype(np.uint16)


@pytest.mark.parametrize("file_format", ["PNG", "TIFF"])
def test_16_bit_gray_is_scaled_to_8_bit_not_clipped(file_format: str) -> None:
    ramp = np.tile(RAMP16, (40, 1))
    image = Image.fromarray(ramp)
    assert image.mode == "I;16"
    rgb = decode_image(encode(image, file_format)).rgb
    row = rgb[0, :, 0].astype(int)
    assert row.min() == 0 and row.max() == 255  # the full range: not clipped at 255 early
    assert (np.diff(row) >= 0).all()
    np.testing.assert_allclose(row, RAMP16 / 257, atol=1)  # linear, rounded


def test_16_bit_big_endian_tiff() -> None:
    big_endian = np.tile(RAMP16, (40, 1)).astype(">u2").tobytes()
    image = Image.frombytes("I;16B", (256, 40), big_endian)  # convert("I;16B") would clip
    data = encode(image, "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "I;16B"
    row = decode_image(data).rgb[0, :, 0].astype(int)
    np.testing.assert_allclose(row, RAMP16 / 257, atol=1)


def test_48_bit_rgb_png() -> None:
    red, green, blue = RAMP16, RAMP16[::-1], np.full_like(RAMP16, 32768)
    row = np.stack([red, green, blue], axis=-1).astype(">u2").tobytes()
    data = png_bytes(256, 40, bit_depth=16, colour_type=2, rows=(b"\x00" + row) * 40)
    rgb = decode_image(data).rgb
    assert rgb.shape == (40, 256, 3)
    assert (rgb[0, 0].tolist(), rgb[0, -1].tolist()) == ([0, 255, 128], [255, 0, 128])
    np.testing.assert_allclose(rgb[0, :, 0], RAMP16 / 257, atol=1)


@pytest.mark.parametrize("mode", ["I", "F"])
def test_32_bit_gray_tiff_is_stretched_to_full_range(mode: str) -> None:
    values = np.tile(np.linspace(-1000, 3000, 64), (40, 1))
    data = encode(Image.fromarray(values.astype(np.int32 if mode == "I" else np.float32)), "TIFF")
    assert Image.open(io.BytesIO(data)).mode == mode
    row = decode_image(data).rgb[0, :, 0].astype(int)
    assert (row[0], row[-1]) == (0, 255) and (np.diff(row) >= 0).all()


# --- the working copy: draft decoding and resizing ----------------------------------------------


def detailed_photo(width: int, height: int) -> np.ndarray:
    """Smooth shading, sharp-edged shapes and fine texture, like a photo's range of detail."""
    # Pixel coordinates as a row and a column broadcast against each other, and each channel
    # written straight into the uint8 image: a 12 MP photo in 0.6 s where full coordinate grids
    # and a float image took 1.6 s. The values are the same.
    x = np.arange(width, dtype=np.float32)[np.newaxis, :]
    y = np.arange(height, dtype=np.float32)[:, np.newaxis]
    channels = (
        127 + 100 * np.sin(x / 97) * np.cos(y / 131),
        127 + 100 * np.sin((x + y) / 53),
        127 + 60 * np.cos(x / 13) + 40 * np.sin(y / 7),
    )
    rgb = np.empty((height, width, 3), np.uint8)
    for index, channel in enumerate(channels):
        rgb[..., index] = np.clip(channel, 0, 255)  # truncated, as astype(np.uint8) does
    for index in range(12):
        x0, y0 = (index * 331) % (width - 400), (index * 197) % (height - 300)
        rgb[y0 : y0 + 300, x0 : x0 + 400] = (
            (index * 70) % 256,
            (index * 40) % 256,
            255 - index * 20,
        )
    return rgb


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "photo_4000x3000.jpg"
    Image.fromarray(detailed_photo(4000, 3000)).save(path, quality=90)
    return path


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize(
    ("max_side", "flag", "shape"),
    [
        # 1/2 scale (2000 px) is the largest reduction >= 0.6 x 1800; then shrunk to 1800
        (1800, cv2.IMREAD_REDUCED_COLOR_2, (1350, 1800, 3)),
        # 1/4 scale (1000 px) is >= 0.6 x 1280 (and x 1600): used as it is, no resize
        (1280, cv2.IMREAD_REDUCED_COLOR_4, (750, 1000, 3)),
        (1600, cv2.IMREAD_REDUCED_COLOR_4, (750, 1000, 3)),
    ],
)
def test_jpeg_working_copy_uses_dct_scaling(
    big_jpeg: Path,
    monkeypatch: pytest.MonkeyPatch,
    max_side: int,
    flag: int,
    shape: tuple[int, ...],
) -> None:
    calls: list[int] = []
    original = images_module.cv2.imdecode

    def spy(buffer: Any, flags: int) -> Any:
        calls.append(flags)
        return original(buffer, flags)

    monkeypatch.setattr(images_module.cv2, "imdecode", spy)
    loaded = load_image(big_jpeg, max_side=max_side)
    assert loaded.rgb.shape == shape
    assert (loaded.width, loaded.height, loaded.format) == (4000, 3000, "JPEG")
    assert loaded.scale == shape[1] / 4000
    assert calls == [flag | cv2.IMREAD_IGNORE_ORIENTATION]


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_jpeg_working_copy_matches_a_full_decode_resized(big_jpeg: Path) -> None:
    small = load_image(big_jpeg, max_side=1800)
    full = load_image(big_jpeg, max_side=None)
    assert small.rgb.shape == (1350, 1800, 3)
    assert full.rgb.shape == (3000, 4000, 3) and full.scale == 1.0
    reference = cv2.resize(full.rgb, (1800, 1350), interpolation=cv2.INTER_AREA)
    difference = np.abs(small.rgb.astype(int) - reference)
    # Measured: mean 0.33, 99th percentile 2 (0.2-0.74 and 2-3 on upscaled and noisy real
    # photos): decoding at half size differs from a full decode by little more than rounding.
    assert difference.mean() < 1.5
    assert np.percentile(difference, 99) <= 8


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize(("file_format", "max_side"), [("PNG", 700), ("WEBP", 500), ("TIFF", 230)])
def test_other_formats_shrink_like_a_full_decode_resized(file_format: str, max_side: int) -> None:
    """Whole factors are reduced by Pillow (box average) before INTER_AREA does the rest."""
    source = detailed_photo(1600, 1200)  # reduced 2x, 3x and 6x, then INTER_AREA
    data = encode(
        Image.fromarray(source),
        file_format,
        **({"lossless": True} if file_format == "WEBP" else {}),
    )
    loaded = decode_image(data, max_side=max_side)
    size = (max_side, max_side * 3 // 4)
    assert (loaded.rgb.shape[1], loaded.rgb.shape[0]) == size
    reference = cv2.resize(source, size, interpolation=cv2.INTER_AREA)
    difference = np.abs(loaded.rgb.astype(int) - reference)
    # Measured: mean 0.21 / 1.08 / 1.24, 99th percentile 2 / 12 / 13 (PNG / WebP / TIFF): a box
    # reduce then a near-1x INTER_AREA blurs sharp edges a little more than one INTER_AREA does.
    assert difference.mean() < 2.0
    assert np.percentile(difference, 99) <= 20


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [
        ((300, 200), 100, (100, 67)),
        ((200, 300), 100, (67, 100)),
        ((300, 300), 150, (150, 150)),
        ((300, 200), 300, (300, 200)),  # already small enough
        ((300, 200), 1600, (300, 200)),  # never enlarged
        ((300, 200), None, (300, 200)),
    ],
)
@pytest.mark.parametrize("file_format", ["PNG", "JPEG"])
def test_working_copy_size(
    size: tuple[int, int], max_side: int | None, expected: tuple[int, int], file_format: str
) -> None:
    loaded = decode_image(encode(Image.fromarray(noise(*size)), file_format), max_side=max_side)
    got = (loaded.rgb.shape[1], loaded.rgb.shape[0])
    assert (loaded.width, loaded.height) == size
    assert loaded.scale == got[0] / size[0]
    if file_format == "JPEG" and max_side is not None and max(size) > max_side:
        # A JPEG shrunk by DCT scaling keeps any long side in [0.6, 1] x max_side, same shape.
        assert 0.6 * max_side <= max(got) <= max_side
        assert got[0] / got[1] == pytest.approx(size[0] / size[1], rel=0.03)
    else:
        assert got == expected


def test_working_copy_is_read_only() -> None:
    for max_side in (None, 50):
        rgb = decode_image(encode(Image.fromarray(noise(100, 80)), "PNG"), max_side=max_side).rgb
        with pytest.raises(ValueError, match="read-only"):
            rgb[0, 0] = 0


def test_bytes_like_input_is_accepted() -> None:
    data = encode(Image.fromarray(noise(40, 40)), "PNG")
    for view in (bytearray(data), memoryview(data)):
        assert decode_image(view).rgb.shape == (40, 40, 3)  # type: ignore[arg-type]
    view = memoryview(gif())
    expect_error("unsupported_format", lambda: decode_image(view))  # type: ignore[arg-type]


def test_bad_max_side_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="max_side"):
        decode_image(b"x", max_side=0)


# --- bad input ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    error = expect_error("not_found", lambda: load_image(tmp_path / "nope.jpg"))
    assert "nope.jpg" in error.message
    assert isinstance(error.__cause__, FileNotFoundError)


def test_missing_file_under_a_file(tmp_path: Path) -> None:
    parent = write(tmp_path, "file.txt", b"text")
    expect_error("not_found", lambda: load_image(parent / "photo.jpg"))


def test_directory(tmp_path: Path) -> None:
    error = expect_error("not_a_file", lambda: load_image(tmp_path))
    assert "folder" in error.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.jpg"
    os.mkfifo(pipe)
    expect_error("not_a_file", lambda: load_image(pipe))


def test_empty_file(tmp_path: Path) -> None:
    error = expect_error("empty_file", lambda: load_image(write(tmp_path, "empty.jpg", b"")))
    assert "0 bytes" in error.message and SUPPORTED_TEXT in error.message
    expect_error("empty_file", lambda: decode_image(b""))


def test_text_file(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.jpg", "Posture notes: stand tall. Ünïcödé too.\n".encode())
    error = expect_error("unsupported_format", lambda: load_image(path))
    assert "text file" in error.message and SUPPORTED_TEXT in error.message
    assert error.__cause__ is not None


def test_random_bytes(tmp_path: Path) -> None:
    data = np.random.default_rng(7).bytes(5000)
    error = expect_error("unsupported_format", lambda: load_image(write(tmp_path, "x.png", data)))
    assert SUPPORTED_TEXT in error.message


def gif() -> bytes:
    return encode(Image.fromarray(noise(40, 40)).quantize(8), "GIF")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (gif(), "GIF"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "AVIF"),
    ],
)
def test_unsupported_formats_are_named(data: bytes, what: str) -> None:
    error = expect_error("unsupported_format", lambda: decode_image(data, name="drawing"))
    assert what in error.message and SUPPORTED_TEXT in error.message


def test_heic_without_pillow_heif_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    monkeypatch.delitem(Image.OPEN, "HEIF", raising=False)
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # import fails as if not installed
    error = expect_error("unsupported_format", lambda: decode_image(data, name="IMG_0001.HEIC"))
    assert "pillow-heif" in error.message


def test_truncated_real_jpeg(tmp_path: Path) -> None:
    data = photo("front_standing_01.jpg").read_bytes()
    path = write(tmp_path, "half.jpg", data[: len(data) // 2])
    error = expect_error("corrupt_image", lambda: load_image(path))
    assert "JPEG" in error.message and "truncated" in error.message
    assert isinstance(error.__cause__, OSError)


def encoded_samples() -> dict[str, bytes]:
    image = Image.fromarray(noise(120, 80, seed=3))
    return {
        "JPEG": encode(image, "JPEG"),
        "PNG": encode(image, "PNG"),
        "WEBP": encode(image, "WEBP"),
        "BMP": encode(image, "BMP"),
        "TIFF": encode(image, "TIFF"),
    }


@pytest.mark.parametrize("file_format", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF"])
@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_files_of_every_format(file_format: str, keep: float) -> None:
    if file_format == "HEIF":
        data = encode_heic(Image.fromarray(noise(120, 80, seed=3)))
    else:
        data = encoded_samples()[file_format]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about the half-read TIFF header
        expect_error("corrupt_image", lambda: decode_image(data[: int(len(data) * keep)]))


def test_header_only_jpeg() -> None:
    data = encoded_samples()["JPEG"][:12]
    error = expect_error("corrupt_image", lambda: decode_image(data))
    assert "JPEG" in error.message


def spy_on_decoding(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every ImageFile.load (the call that decodes pixels)."""
    calls: list[object] = []
    original = ImageFile.ImageFile.load

    def load(self: ImageFile.ImageFile) -> Any:
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_decompression_bomb_is_refused_from_the_header(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = png_bytes(50_000, 50_000)  # 2.5 gigapixels declared in a 57-byte file
    assert len(bomb) < 100 and struct.unpack(">II", bomb[16:24]) == (50_000, 50_000)
    decoded = spy_on_decoding(monkeypatch)
    opencv: list[int] = []  # the JPEG fast path's decoder must not run either
    monkeypatch.setattr(cv2, "imdecode", lambda data, flags: opencv.append(flags) or None)
    error = expect_error("too_many_pixels", lambda: decode_image(bomb, name="bomb.png"))
    assert decoded == [] and opencv == []  # refused from the header: no pixel was decoded
    assert "megapixels" in error.message and error.__cause__ is not None


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_pixel_limit_is_ours_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded = spy_on_decoding(monkeypatch)
    limits = ImageLimits(max_pixels=1_000_000)
    error = expect_error(
        "too_many_pixels", lambda: decode_image(png_bytes(2000, 1000), limits=limits)
    )
    assert "2000×1000" in error.message and "limit is 1.0 megapixels" in error.message
    assert decoded == []
    assert (
        decode_image(encode(Image.fromarray(noise(1000, 1000)), "PNG"), limits=limits).width == 1000
    )


def test_pillow_bomb_warning_as_error_is_reported_too() -> None:
    over_pillow_warning = png_bytes(10_000, 10_000)  # 100 MP: Pillow warns above 89 MP
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        expect_error("too_many_pixels", lambda: decode_image(over_pillow_warning))


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    data = encode(Image.fromarray(noise(100, 100)), "PNG")
    limits = ImageLimits(max_file_bytes=1000)
    path = write(tmp_path, "big.png", data)
    error = expect_error("file_too_large", lambda: load_image(path, limits=limits))
    assert "MB" in error.message
    expect_error("file_too_large", lambda: decode_image(data, limits=limits))


def test_image_too_small() -> None:
    data = encode(Image.fromarray(noise(10, 10)), "PNG")
    error = expect_error("image_too_small", lambda: decode_image(data))
    assert "10×10" in error.message and "32" in error.message
    assert decode_image(data, limits=ImageLimits(min_side=10)).rgb.shape == (10, 10, 3)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their permissions, so chmod 000 proves nothing",
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.png", encode(Image.fromarray(noise(40, 40)), "PNG"))
    path.chmod(0)
    try:
        error = expect_error("unreadable", lambda: load_image(path))
    finally:
        path.chmod(0o600)
    assert "permission" in error.message and isinstance(error.__cause__, PermissionError)


@pytest.mark.parametrize("failure", [PermissionError(13, "Permission denied"), OSError(5, "I/O")])
def test_read_failures_are_unreadable(
    failure: OSError, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What chmod 000 does for a normal user (and a failing disk), simulated so root sees it too."""
    path = write(tmp_path, "photo.png", encode(Image.fromarray(noise(40, 40)), "PNG"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(Path, "open", refuse)
    error = expect_error("unreadable", lambda: load_image(path))
    assert error.__cause__ is failure


# --- decode_image is load_image without the file system -----------------------------------------


def equivalence_cases() -> dict[str, bytes]:
    upright = corners(96, 64)
    samples = encoded_samples()
    rgba = np.dstack([noise(50, 40), np.tile(np.arange(50, dtype=np.uint8) * 5, (40, 1))])
    return {
        "jpeg-orientation-6": with_orientation(upright, 6, "JPEG"),
        "png-rgba": encode(Image.fromarray(rgba), "PNG"),
        "tiff-16": encode(Image.fromarray(np.tile(RAMP16, (40, 1))), "TIFF"),
        "truncated": samples["JPEG"][:2000],
        "gif": gif(),
        "tiny": encode(Image.fromarray(noise(8, 8)), "PNG"),
        "empty": b"",
    }


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("case", sorted(equivalence_cases()))
@pytest.mark.parametrize("max_side", [None, 48])
def test_decode_image_matches_load_image(case: str, max_side: int | None, tmp_path: Path) -> None:
    data = equivalence_cases()[case]
    path = write(tmp_path, "input", data)

    def outcome(action: Callable[[], LoadedImage]) -> object:
        try:
            loaded = action()
        except InvalidImageError as error:
            return error.code
        return (loaded.rgb.tobytes(), loaded.rgb.shape, loaded.width, loaded.height, loaded.scale)

    from_file = outcome(lambda: load_image(path, max_side=max_side))
    from_bytes = outcome(lambda: decode_image(data, name="input", max_side=max_side))
    assert from_file == from_bytes


# --- no global state ----------------------------------------------------------------------------


def test_no_pillow_globals_are_changed() -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES, list(warnings.filters))
    for data in [*encoded_samples().values(), png_bytes(50_000, 50_000), b"junk"]:
        for cut in (len(data), len(data) // 2):
            with contextlib.suppress(InvalidImageError):
                decode_image(data[:cut])
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES, warnings.filters) == before


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
def test_import_has_no_side_effects() -> None:
    code = (
        "import PIL.Image, posecheck.images; "
        "assert 'HEIF' not in PIL.Image.OPEN, 'HEIF opener registered on import'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


# --- the types ----------------------------------------------------------------------------------


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"ImageLimits.min_side: expected a positive int, got 0"):
        ImageLimits(min_side=0)


@pytest.mark.parametrize(
    ("rgb", "message"),
    [
        (np.zeros((10, 10), np.uint8), r"expected shape \(H, W, 3\), got \(10, 10\)"),
        (np.zeros((10, 10, 4), np.uint8), r"expected shape \(H, W, 3\), got \(10, 10, 4\)"),
        (np.zeros((10, 10, 3), np.float32), "expected dtype uint8, got float32"),
        (np.zeros((10, 20, 3), np.uint8)[:, ::2], "C-contiguous"),
    ],
)
def test_loaded_image_validates_its_array(rgb: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LoadedImage(rgb=rgb, width=10, height=10, scale=1.0, format="PNG", name="x")


def test_loaded_image_checks_scale() -> None:
    rgb = np.zeros((5, 10, 3), np.uint8)
    LoadedImage(rgb=rgb, width=20, height=10, scale=0.5, format="PNG", name="x")
    with pytest.raises(ValueError, match=r"expected rgb.shape\[1\] / width = 0.5, got 1.0"):
        LoadedImage(rgb=rgb, width=20, height=10, scale=1.0, format="PNG", name="x")


# --- properties ---------------------------------------------------------------------------------

# Which modes each lossless format can store.
MODES_BY_FORMAT = {
    "PNG": ("RGB", "L", "RGBA", "LA", "P", "1", "I;16"),
    "BMP": ("RGB", "L", "P", "1"),
    "TIFF": ("RGB", "L", "RGBA", "P", "CMYK", "1", "I;16"),
    "WEBP": ("RGB", "RGBA"),
}
FORMAT_AND_MODE = st.sampled_from(
    [(fmt, mode) for fmt, modes in MODES_BY_FORMAT.items() for mode in modes]
)


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(32, 300),
    height=st.integers(32, 300),
    format_and_mode=FORMAT_AND_MODE,
    max_side=st.none() | st.integers(32, 400),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_image_comes_out_rgb_at_the_right_size(
    width: int, height: int, format_and_mode: tuple[str, str], max_side: int | None, seed: int
) -> None:
    file_format, mode = format_and_mode
    source = Image.fromarray(noise(width, height, seed))
    # A palette by fast octree: 1.5 ms for 300 x 300 noise where median cut takes 135 ms.
    if mode == "P":
        image = source.quantize(32, method=Image.Quantize.FASTOCTREE)
    else:
        image = source.convert(mode)
    if mode == "I;16":
        image = Image.fromarray(noise(width, height, seed)[..., 0].astype(np.uint16) * 257)
    params = {"lossless": True} if file_format == "WEBP" else {}
    loaded = decode_image(encode(image, file_format, **params), max_side=max_side)

    long_side = max(width, height)
    factor = 1.0 if max_side is None or long_side <= max_side else max_side / long_side
    expected = (round(height * factor), round(width * factor))
    assert loaded.rgb.shape == (*expected, 3) and loaded.rgb.dtype == np.uint8
    assert max(loaded.rgb.shape[:2]) == min(long_side, max_side or long_side)
    assert (loaded.width, loaded.height) == (width, height)
    if factor == 1.0 and mode == "RGB":
        np.testing.assert_array_equal(loaded.rgb, np.asarray(source))


@pytest.fixture(scope="module")
def fuzz_seeds() -> list[bytes]:
    image = Image.fromarray(corners(48, 40))
    seeds = [*(encode(image, fmt) for fmt in ("JPEG", "PNG", "BMP", "TIFF", "WEBP"))]
    exif = Image.Exif()
    exif[0x0112] = 6
    seeds.append(encode(image, "JPEG", progressive=True, exif=exif))
    seeds.append(encode(image.convert("RGBA"), "WEBP", lossless=True))
    seeds.append(encode(image, "TIFF", compression="tiff_lzw"))
    return seeds


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_files_never_escape_as_other_exceptions(fuzz_seeds: list[bytes], data: Any) -> None:
    """Flip, overwrite and cut bytes of valid files: the outcome is a LoadedImage or our error."""
    sample = bytearray(data.draw(st.sampled_from(fuzz_seeds)))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(sample) - 1))
        sample[position] = data.draw(st.integers(0, 255))
    sample = sample[: data.draw(st.integers(1, len(sample)))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about some damaged headers; fine
        try:
            loaded = decode_image(bytes(sample), name="fuzz")
        except InvalidImageError as error:
            assert error.code in {"corrupt_image", "unsupported_format", "image_too_small"} | {
                "too_many_pixels"
            }
        else:
            assert loaded.rgb.ndim == 3 and loaded.rgb.shape[2] == 3


def test_encode_jpeg_shrinks_to_the_side_asked_and_decodes_back() -> None:
    from posecheck.images import encode_jpeg

    rgb = np.zeros((400, 200, 3), np.uint8)
    rgb[:, :100] = (200, 30, 30)
    whole = encode_jpeg(rgb)
    small = encode_jpeg(rgb, side=100, quality=70)
    assert whole is not None and small is not None and len(small) < len(whole)
    back = decode_image(small, name="small.jpg", max_side=None)
    assert (back.width, back.height) == (50, 100)
    left = back.rgb[50, 10].astype(int)
    assert abs(left[0] - 200) < 20 and left[1] < 60  # still red on the left: RGB, not BGR
