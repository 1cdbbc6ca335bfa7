"""posecheck.images decodes big PNGs and TIFFs a band of rows at a time, and WebP through OpenCV:
the working copy must be exactly what decoding the whole image with Pillow gives.

The band path is forced on small images (``_WHOLE_IMAGE_BYTES = 0``) with tiny bands, so every
band edge, carried row and filter type is crossed; JPEG headers that lie about their size are
refused before anything is decoded.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import posecheck.bands as bands_module
import posecheck.images as images_module
from posecheck.errors import InvalidImageError
from posecheck.images import DEFAULT_MAX_SIDE, decode_image, load_image
from tests.test_images_memory import hostile_corpus

corpus = hostile_corpus()

# --- building inputs ----------------------------------------------------------------------------


def filtered(raw: np.ndarray, bytes_per_pixel: int, types: tuple[int, ...]) -> bytes:
    """PNG scanlines of ``raw`` (rows of bytes), row y filtered with ``types[y % len(types)]``.

    Written from the PNG specification (filtering reads only unfiltered bytes, so it vectorises).
    """
    rows, prior = [], np.zeros(raw.shape[1], np.int64)
    pad = np.zeros(bytes_per_pixel, np.int64)
    for index, row in enumerate(raw.astype(np.int64)):
        kind = types[index % len(types)]
        left = np.concatenate([pad, row[:-bytes_per_pixel]])
        upper_left = np.concatenate([pad, prior[:-bytes_per_pixel]])
        if kind == 0:
            predicted = np.zeros_like(row)
        elif kind == 1:
            predicted = left
        elif kind == 2:
            predicted = prior
        elif kind == 3:
            predicted = (left + prior) // 2
        else:
            estimate = left + prior - upper_left
            near_left, near_up = np.abs(estimate - left), np.abs(estimate - prior)
            near_corner = np.abs(estimate - upper_left)
            predicted = np.where(
                (near_left <= near_up) & (near_left <= near_corner),
                left,
                np.where(near_up <= near_corner, prior, upper_left),
            )
        rows.append(bytes([kind]) + ((row - predicted) % 256).astype(np.uint8).tobytes())
        prior = row
    return b"".join(rows)


def random_png(
    width: int, height: int, depth: int, colour_type: int, seed: int = 0, **chunks: Any
) -> bytes:
    """Random pixels in every filter type, written by hand; palettes have every index."""
    row_bytes = corpus.png_row_bytes(width, depth, colour_type)
    raw = np.random.default_rng(seed).integers(0, 256, (height, row_bytes), dtype=np.uint8)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    rows = filtered(raw, max(1, channels * depth // 8), (0, 1, 2, 3, 4, 4, 3))
    palette = None
    if colour_type == 3:
        palette = np.random.default_rng(seed + 1).integers(0, 256, 3 << depth, np.uint8).tobytes()
    return corpus.png(width, height, bit_depth=depth, colour_type=colour_type, rows=rows,
                      palette=palette, **chunks)  # fmt: skip


@pytest.fixture
def in_bands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every PNG and TIFF through the band path, in bands of a few rows."""
    monkeypatch.setattr(bands_module, "_WHOLE_IMAGE_BYTES", 0)
    monkeypatch.setattr(bands_module, "_BAND_BYTES", 600)


def both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[Any, Any]:
    """(whole, in bands): the working copies (or error codes) of the two paths."""

    def outcome() -> object:
        try:
            loaded = decode_image(data, **options)
        except InvalidImageError as error:
            return error.code
        return loaded.rgb, loaded.size, loaded.scale

    whole = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(bands_module, "_WHOLE_IMAGE_BYTES", 0)
        patch.setattr(bands_module, "_BAND_BYTES", 600)
        banded = outcome()
    return whole, banded


def assert_same(whole: Any, banded: Any) -> None:
    assert type(whole) is type(banded), (whole, banded)
    if isinstance(whole, tuple):
        np.testing.assert_array_equal(banded[0], whole[0])
        assert banded[1:] == whole[1:]
    else:
        assert banded == whole


def spy_band_path(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """Record whether ``images.<name>_pixels`` took the image (True) or passed it on."""
    taken: list[bool] = []
    original = getattr(images_module, f"{name}_pixels")

    def spy(*args: Any) -> Any:
        pixels = original(*args)
        taken.append(pixels is not None)
        return pixels

    monkeypatch.setattr(images_module, f"{name}_pixels", spy)
    return taken


# --- PNG ----------------------------------------------------------------------------------------

PNG_KINDS = [(1, 0), (2, 0), (4, 0), (8, 0), (16, 0), (8, 2), (16, 2), (1, 3), (2, 3), (4, 3)]
PNG_KINDS += [(8, 3), (8, 4), (16, 4), (8, 6), (16, 6)]


@pytest.mark.parametrize(("depth", "colour_type"), PNG_KINDS)
@pytest.mark.parametrize("max_side", [None, 13, 20])
def test_png_in_bands_is_pillows_png(
    depth: int, colour_type: int, max_side: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = random_png(41, 35, depth, colour_type, seed=depth * 10 + colour_type)
    taken = spy_band_path(monkeypatch, "png")
    whole, banded = both_ways(data, monkeypatch, max_side=max_side)
    assert taken == [False, True]  # Pillow whole, then the band path
    assert_same(whole, banded)
    assert isinstance(whole, tuple) and whole[1] == (41, 35)


@pytest.mark.parametrize(
    ("depth", "colour_type", "transparency"),
    [
        (8, 3, bytes(range(0, 256, 7))),  # alpha per palette entry
        (2, 3, b"\x00\x80"),
        (8, 0, b"\x00\x80"),  # gray 128 is transparent
        (8, 2, b"\x00\x10\x00\x20\x00\x30"),  # RGB (16, 32, 48) is transparent
    ],
)
def test_png_transparency_in_bands(
    depth: int, colour_type: int, transparency: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = random_png(37, 33, depth, colour_type, transparency=transparency)
    for max_side in (None, 12):
        assert_same(*both_ways(data, monkeypatch, max_side=max_side))


def test_png_orientation_from_an_exif_chunk_after_the_pixels(
    in_bands: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eXIf may follow the image data: found without decoding the whole image first."""
    exif = Image.Exif()
    exif[0x0112] = 6
    chunk = corpus.png_chunk(b"eXIf", exif.tobytes())
    data = random_png(40, 36, 8, 2, after_idat=[chunk])
    loaded = decode_image(data)
    assert (loaded.width, loaded.height, loaded.rgb.shape) == (36, 40, (40, 36, 3))
    upright = np.rot90(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), -1)
    np.testing.assert_array_equal(loaded.rgb, upright)


@pytest.mark.parametrize("keep", [0.3, 0.7, 0.99])
def test_truncated_png_in_bands_is_corrupt(keep: float, in_bands: None) -> None:
    data = random_png(40, 36, 8, 6)
    idat_end = data.rindex(b"IEND") - 8
    with pytest.raises(InvalidImageError) as caught:
        decode_image(data[: int(idat_end * keep)])
    assert caught.value.code == "corrupt_image"


def test_png_with_a_bad_filter_type_is_corrupt(in_bands: None) -> None:
    row = b"\x07" + bytes(40 * 3)  # filter type 7 does not exist
    data = corpus.png(40, 36, rows=row * 36)
    with pytest.raises(InvalidImageError) as caught:
        decode_image(data)
    assert caught.value.code == "corrupt_image"


def test_png_header_claiming_more_rows_than_the_data_holds(tmp_path: Path) -> None:
    """120 MP declared, 64 rows of data: corrupt, found by the band path without decoding."""
    side = corpus.HUGE_SIDE
    rows = (b"\x00" + bytes(side * 3)) * 64
    data = corpus.png(side, side, idat=zlib.compress(rows))
    with pytest.raises(InvalidImageError) as caught:
        load_image(corpus_file(tmp_path, "lying.png", data))
    assert caught.value.code == "corrupt_image"
    assert "64 of 10950 rows" in caught.value.message


def corpus_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- TIFF ---------------------------------------------------------------------------------------

TIFF_MODES = ["RGB", "RGBA", "L", "LA", "P", "1", "CMYK", "I;16", "I", "F"]


def tiff_source(mode: str, width: int = 45, height: int = 34) -> Image.Image:
    rgb = Image.fromarray(np.random.default_rng(3).integers(0, 256, (height, width, 3), np.uint8))
    if mode == "P":
        return rgb.quantize(32)
    if mode == "I;16":
        return Image.fromarray(np.asarray(rgb)[..., 0].astype(np.uint16) * 257)
    if mode in ("I", "F"):
        values = np.asarray(rgb)[..., 1].astype(np.float64) * 37.5 - 3000
        return Image.fromarray(values.astype(np.int32 if mode == "I" else np.float32))
    return rgb.convert(mode)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("mode", TIFF_MODES)
@pytest.mark.parametrize("compression", ["raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"])
def test_tiff_strips_in_bands_are_pillows_tiff(
    mode: str, compression: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    tiff_source(mode).save(buffer, "TIFF", compression=compression, strip_size=300)
    data = buffer.getvalue()
    taken = spy_band_path(monkeypatch, "tiff")
    for max_side in (None, 14):
        assert_same(*both_ways(data, monkeypatch, max_side=max_side))
    assert taken == [False, True] * 2


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_tiff_orientation_in_bands(orientation: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow turns a TIFF upright on load; the band path turns the working copy instead."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation
    tiff_source("RGB").save(buffer, "TIFF", compression="tiff_lzw", strip_size=300, exif=exif)
    whole, banded = both_ways(buffer.getvalue(), monkeypatch)
    assert_same(whole, banded)
    assert whole[1] == ((34, 45) if orientation in (6, 8) else (45, 34))


def tile_tiff(values: np.ndarray, tile: tuple[int, int], *, deflate: bool, planar: bool) -> bytes:
    """An 8-bit RGB TIFF in tiles (edge tiles padded), chunky or planar, raw or deflated."""
    height, width = values.shape[:2]
    tile_width, tile_height = tile
    pad_height = -(-height // tile_height) * tile_height
    pad_width = -(-width // tile_width) * tile_width
    padded = np.zeros((pad_height, pad_width, 3), np.uint8)
    padded[:height, :width] = values
    planes = [padded[..., channel : channel + 1] for channel in range(3)] if planar else [padded]
    pieces = []
    for plane in planes:
        for top in range(0, pad_height, tile_height):
            for left in range(0, pad_width, tile_width):
                piece = plane[top : top + tile_height, left : left + tile_width].tobytes()
                pieces.append(zlib.compress(piece) if deflate else piece)
    return corpus.tiff(
        width,
        height,
        pieces,
        rows_per_strip=0,
        bits=(8, 8, 8),
        photometric=2,
        compression=8 if deflate else 1,
        tile=tile,
        extra={284: ("H", [2 if planar else 1])},
    )


@pytest.mark.parametrize("planar", [False, True])
@pytest.mark.parametrize("deflate", [False, True])
def test_tiled_tiff_in_bands(deflate: bool, planar: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.random.default_rng(5).integers(0, 256, (53, 70, 3), np.uint8)
    data = tile_tiff(values, (16, 16), deflate=deflate, planar=planar)
    whole, banded = both_ways(data, monkeypatch)
    assert_same(whole, banded)
    np.testing.assert_array_equal(whole[0], values)
    assert_same(*both_ways(data, monkeypatch, max_side=20))


def test_float_tiff_with_nan_and_infinity_in_bands(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.tile(np.linspace(-1000, 3000, 64, dtype=np.float32), (40, 1))
    values[3, 5], values[20, 30], values[35, 60] = np.nan, np.inf, -np.inf
    buffer = io.BytesIO()
    Image.fromarray(values).save(buffer, "TIFF", compression="tiff_adobe_deflate", strip_size=500)
    whole, banded = both_ways(buffer.getvalue(), monkeypatch)
    assert_same(whole, banded)
    row = whole[0][0, :, 0].astype(int)
    assert (row[0], row[-1]) == (0, 255)  # stretched over the finite range (and the 0s)


def test_truncated_tiff_in_bands_is_corrupt(in_bands: None) -> None:
    buffer = io.BytesIO()
    tiff_source("RGB").save(buffer, "TIFF", compression="tiff_lzw", strip_size=300)
    data = buffer.getvalue()
    ifd = int.from_bytes(data[4:8], "little")
    damaged = data[:8] + bytes(ifd - 8) + data[ifd:]  # the strips zeroed, the directory kept
    with pytest.raises(InvalidImageError) as caught:
        decode_image(damaged)
    assert caught.value.code == "corrupt_image"


# --- WebP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_webp_through_opencv_is_pillows_webp(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rgba = np.random.default_rng(9).integers(0, 256, (33, 47, 4), np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba).convert(mode).save(buffer, "WEBP", lossless=True)
    taken = spy_band_path(monkeypatch, "webp")
    loaded = decode_image(buffer.getvalue(), max_side=None)
    assert taken == [True]
    image = Image.open(buffer).convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    expected = np.asarray(Image.alpha_composite(white, image).convert("RGB"))
    assert np.abs(loaded.rgb.astype(int) - expected).max() <= 1


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_huge_one_colour_webp_is_decoded_to_its_colour() -> None:
    """A 30-byte lossless WebP of 16 MP: decoded (by OpenCV, once) to its one colour on white."""
    data = corpus.lossless_webp(4000, 4000, (200, 100, 0, 255))
    assert len(data) < 40
    loaded = decode_image(data)
    side = DEFAULT_MAX_SIDE
    assert (loaded.width, loaded.height, loaded.rgb.shape) == (4000, 4000, (side, side, 3))
    assert (loaded.rgb == (200, 100, 0)).all()


# --- JPEG headers that lie about the size -------------------------------------------------------


def small_jpeg(**params: Any) -> bytes:
    rgb = np.random.default_rng(1).integers(0, 256, (64, 64, 3), np.uint8)
    return corpus.encode(Image.fromarray(rgb), "JPEG", **params)


@pytest.mark.parametrize("progressive", [False, True])
def test_jpeg_header_claiming_far_more_pixels_than_its_data_is_corrupt(
    progressive: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = corpus.with_jpeg_size(small_jpeg(progressive=progressive), 10950, 10950)
    decoded: list[object] = []
    monkeypatch.setattr(images_module.cv2, "imdecode", lambda *args: decoded.append(args))
    with pytest.raises(InvalidImageError) as caught:
        decode_image(data, name="lying.jpg")
    error = caught.value
    assert error.code == "corrupt_image" and decoded == []  # refused before any decoding
    assert "10950×10950" in error.message and "lying.jpg" in error.message
    assert isinstance(error.__cause__, OSError)


def test_a_real_jpeg_of_one_flat_colour_is_not_taken_for_a_lie() -> None:
    """The floor is what a file cannot go below: one colour costs about 6 bits a block, > 2."""
    loaded = decode_image(corpus.tall_jpeg(4000, 3000, (128, 128, 128)))
    assert (loaded.width, loaded.height) == (4000, 3000)
    assert (np.abs(loaded.rgb.astype(int) - 128) <= 1).all()


def test_jpeg_just_above_the_floor_passes_and_below_it_fails() -> None:
    data = small_jpeg()
    start = data.index(b"\xff\xda")
    scan_bytes = len(data) - (start + 2 + int.from_bytes(data[start + 2 : start + 4], "big"))
    # the largest square whose blocks need no more than the scan holds (2 bits a block)
    blocks = scan_bytes * 8 // 2
    side = int(blocks**0.5) * 8
    images_module._check_jpeg_data(corpus.with_jpeg_size(data, side, side))  # no error
    with pytest.raises(OSError, match="take at least"):
        images_module._check_jpeg_data(corpus.with_jpeg_size(data, side + 64, side + 64))
