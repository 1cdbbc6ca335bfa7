"""Write a corpus of hostile image files: every way an upload can be broken, huge or odd.

    .venv/bin/python scripts/hostile_corpus.py OUT_DIR

Writes one file per case into OUT_DIR and ``OUT_DIR/corpus.json``, which says for each file its
class and what posecheck must make of it: ``ok`` (a working copy) or the error codes allowed.
The classes: corrupt, truncated, empty, zero_byte, bomb, lying_header, huge_declared, animated,
orientation, cmyk, palette, deep (16-bit), float, not_an_image (video, text, ...), heic, odd_name.

Nothing here needs more than a few megabytes or a second: huge images are written as small files
(runs of identical deflate blocks, JPEG rows repeated between restart markers, TIFF strips
written once each), never built as pixels. ``tests/test_images_hostile.py`` builds the corpus in
a temporary folder and loads every file in a child process, under a time and memory bound; the
builders (``png``, ``float_tiff``, ``tall_jpeg``, ...) also make the inputs of
``tests/test_images_memory.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

#: About the largest image posecheck accepts (its limit is 120 megapixels): 119.9 MP.
HUGE_SIDE = 10950

# --- PNG ------------------------------------------------------------------------------------------


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def repeated_zlib(parts: Sequence[tuple[bytes, int]]) -> bytes:
    """A zlib stream of each ``block`` repeated ``repeats`` times, in order, made in milliseconds.

    After a full flush deflate forgets its history, so a block compresses to the same bytes each
    time: one compressed copy is written ``repeats`` times. Only the checksum reads all the data.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream, checksum = [b"\x78\xda"], 1
    for block, repeats in parts:
        if not repeats or not block:
            continue
        segment = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        if again != segment:  # not expected from zlib; stay correct if it ever happens
            raise AssertionError("deflate did not repeat itself after a full flush")
        stream.append(segment * repeats)
        for _ in range(repeats):
            checksum = zlib.adler32(block, checksum)
    stream.append(compressor.flush(zlib.Z_FINISH))
    stream.append(struct.pack(">I", checksum))
    return b"".join(stream)


#: Bytes per pixel of each PNG colour type at 8 bits (16 bits doubles it).
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def png_row_bytes(width: int, bit_depth: int, colour_type: int) -> int:
    return (width * _PNG_CHANNELS[colour_type] * bit_depth + 7) // 8


def png(
    width: int,
    height: int,
    *,
    bit_depth: int = 8,
    colour_type: int = 2,
    rows: bytes | None = None,
    block_rows: int = 16,
    palette: bytes | None = None,
    transparency: bytes | None = None,
    before_idat: Sequence[bytes] = (),
    after_idat: Sequence[bytes] = (),
    idat: bytes | None = None,
) -> bytes:
    """A PNG written by hand: any size, depth and colour type, from a block of filtered rows.

    ``rows`` is ``block_rows`` scanlines, each a filter byte and ``png_row_bytes`` bytes; it is
    repeated down the image (default: a pattern that changes along both axes, filter 0 or 2).
    ``idat`` replaces the compressed data (for lying and broken files). Chunks in
    ``before_idat``/``after_idat`` are complete chunks (``png_chunk``).
    """
    if idat is None:
        row_bytes = png_row_bytes(width, bit_depth, colour_type)
        if rows is None:
            pattern = np.arange(row_bytes, dtype=np.uint32)
            lines = []
            for index in range(block_rows):
                values = ((pattern * 7 + index * 31) % 251).astype(np.uint8).tobytes()
                lines.append(bytes([index % 3 and 2]) + values)  # some rows filtered "Up"
            rows = b"".join(lines)
        block_rows = len(rows) // (row_bytes + 1)
        if block_rows * (row_bytes + 1) != len(rows) or block_rows < 1:
            raise ValueError("rows: expected whole scanlines of 1 + row_bytes bytes")
        repeats, left = divmod(height, block_rows)
        idat = repeated_zlib([(rows, repeats), (rows[: left * (row_bytes + 1)], 1)])
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", header)]
    if palette is not None:
        chunks.append(png_chunk(b"PLTE", palette))
    if transparency is not None:
        chunks.append(png_chunk(b"tRNS", transparency))
    chunks += [*before_idat]
    # IDAT in chunks of at most 1 MB, as encoders write it
    chunks += [png_chunk(b"IDAT", idat[i : i + (1 << 20)]) for i in range(0, len(idat), 1 << 20)]
    chunks += [*after_idat, png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


_ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)


def interlaced_png(width: int, height: int, *, bit_depth: int = 8, colour_type: int = 2) -> bytes:
    """An Adam7-interlaced PNG of one grey level, any size (each pass's rows are identical)."""
    parts = []
    for x0, y0, dx, dy in _ADAM7:
        pass_width, pass_height = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if pass_width > 0 and pass_height > 0:
            row = b"\0" + b"\x5a" * png_row_bytes(pass_width, bit_depth, colour_type)
            parts.append((row, pass_height))
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", repeated_zlib(parts))
        + png_chunk(b"IEND", b"")
    )


# --- WebP and BMP ---------------------------------------------------------------------------------


def lossless_webp(width: int, height: int, colour: Sequence[int] = (10, 20, 30, 128)) -> bytes:
    """A lossless WebP (VP8L) of one colour, written by hand: 30 bytes whatever the size.

    No transforms and no colour cache; each of the five prefix codes is a "simple" code with a
    single symbol, so a pixel takes no bits at all (up to 16383 a side).
    """
    red, green, blue, alpha = colour
    fields = [(0x2F, 8), (width - 1, 14), (height - 1, 14), (1, 1), (0, 3), (0, 1), (0, 1), (0, 1)]
    for symbol in (green, red, blue, alpha):
        fields += [(1, 1), (0, 1), (1, 1), (symbol, 8)]
    fields += [(1, 1), (0, 1), (0, 1), (0, 1)]  # distance code: the one symbol 0
    value, shift = 0, 0
    for field_value, bits in fields:
        value |= field_value << shift
        shift += bits
    payload = value.to_bytes((shift + 7) // 8, "little")
    payload += b"\0" * (len(payload) % 2)
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def rle_bmp(width: int, height: int) -> bytes:
    """An 8-bit run-length-encoded BMP with 256 grey levels: about 2 bytes per 255 pixels."""
    row = bytearray()
    for start in range(0, width, 255):
        row += bytes([min(255, width - start), (start // 255) % 256])
    row += b"\0\0"  # end of line
    pixels = bytes(row) * height + b"\0\1"  # end of bitmap
    palette = b"".join(bytes([level, level, level, 0]) for level in range(256))
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    offset = 14 + len(info) + len(palette)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    return head + info + palette + pixels


# --- TIFF -----------------------------------------------------------------------------------------

_TIFF_TYPES = {"H": 3, "I": 4}


def _ifd(entries: dict[int, tuple[str, Sequence[int]]], at: int) -> bytes:
    """A little-endian TIFF IFD placed at offset ``at``, its long values right after it."""
    count = len(entries)
    extra_at = at + 2 + 12 * count + 4
    table, extra = [], b""
    for tag in sorted(entries):
        kind, values = entries[tag]
        packed = struct.pack(f"<{len(values)}{kind}", *values)
        if len(packed) <= 4:
            field_value = packed.ljust(4, b"\0")
        else:
            field_value = struct.pack("<I", extra_at + len(extra))
            extra += packed + b"\0" * (len(packed) % 2)
        table.append(struct.pack("<HHI", tag, _TIFF_TYPES[kind], len(values)) + field_value)
    return struct.pack("<H", count) + b"".join(table) + b"\0\0\0\0" + extra


def tiff(
    width: int,
    height: int,
    strips: Sequence[bytes],
    *,
    rows_per_strip: int,
    bits: Sequence[int] = (8,),
    sample_format: int = 1,
    photometric: int = 1,
    compression: int = 1,
    predictor: int = 1,
    tile: tuple[int, int] | None = None,
    extra: dict[int, tuple[str, Sequence[int]]] | None = None,
) -> bytes:
    """A little-endian TIFF written by hand: the strips (or tiles) first, then the one IFD."""
    offsets, at = [], 8
    for strip in strips:
        offsets.append(at)
        at += len(strip)
    body = b"".join(strips)
    at += at % 2
    entries: dict[int, tuple[str, Sequence[int]]] = {
        256: ("I", [width]),
        257: ("I", [height]),
        258: ("H", list(bits)),
        259: ("H", [compression]),
        262: ("H", [photometric]),
        277: ("H", [len(bits)]),
        284: ("H", [1]),
        339: ("H", [sample_format] * len(bits)),
    }
    if predictor != 1:
        entries[317] = ("H", [predictor])
    if tile is None:
        entries |= {
            273: ("I", offsets),
            278: ("I", [rows_per_strip]),
            279: ("I", [len(strip) for strip in strips]),
        }
    else:
        entries |= {
            322: ("I", [tile[0]]),
            323: ("I", [tile[1]]),
            324: ("I", offsets),
            325: ("I", [len(strip) for strip in strips]),
        }
    entries |= extra or {}
    header = b"II*\0" + struct.pack("<I", at)
    return header + body + b"\0" * (at - 8 - len(body)) + _ifd(entries, at)


def float_tiff(width: int, height: int, *, rows_per_strip: int = 1, levels: int = 8) -> bytes:
    """A deflate-compressed 32-bit float grey TIFF: horizontal bands of ``levels`` values.

    At 10950x10950 (120 MP, 480 MB of floats) the file is under 1 MB: each strip compresses to
    a few dozen bytes, and there are ``levels`` different strips, written over and over.
    """
    strip_count = -(-height // rows_per_strip)
    distinct = [
        zlib.compress(np.full((rows_per_strip, width), level * 100.0 - 250.5, "<f4").tobytes())
        for level in range(levels)
    ]
    strips = [distinct[(index * levels) // strip_count] for index in range(strip_count)]
    return tiff(
        width,
        height,
        strips,
        rows_per_strip=rows_per_strip,
        bits=(32,),
        sample_format=3,
        compression=8,
    )


# --- JPEG -----------------------------------------------------------------------------------------


def _segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each header segment of a JPEG, up to and including SOS."""
    position = 2
    while position + 4 <= len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        yield marker, position, position + 2 + length
        if marker == 0xDA:
            return
        position += 2 + length


def with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with the frame header (SOF) claiming another size; the data unchanged."""
    for marker, start, _end in _segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            at = start + 5
            return data[:at] + struct.pack(">HH", height, width) + data[at + 4 :]
    raise ValueError("no frame header found")


def tall_jpeg(
    width: int, height: int, colour: Sequence[int] = (40, 120, 200), mode: str = "RGB"
) -> bytes:
    """A real, complete baseline JPEG of any size, made in milliseconds.

    Pillow encodes a few rows of MCUs with a restart marker after each MCU row; with one colour
    every row's entropy-coded data is the same, so the scan is that row written ``height / 16``
    times between restart markers (RST0-7 in turn), under a frame header saying ``height``.
    """
    sample = encode(
        Image.new(mode, (width, 64), tuple(colour)), "JPEG", quality=90, restart_marker_rows=1
    )
    for marker, start, end in _segments(sample):
        if marker in (0xC0, 0xC1):
            components = sample[start + 9]
            v_max = max(sample[start + 11 + 3 * i] & 0x0F for i in range(components))
        if marker == 0xDA:
            scan_start = end
    mcu_height = 8 * v_max
    scan = sample[scan_start : sample.rindex(b"\xff\xd9")]
    row = scan[: scan.index(b"\xff\xd0")]
    rows = -(-height // mcu_height)
    body = b"".join(row + bytes([0xFF, 0xD0 + index % 8]) for index in range(rows - 1)) + row
    head = with_jpeg_size(sample[:scan_start], width, height)
    return head + body + b"\xff\xd9"


def encode(image: Image.Image, file_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, file_format, **params)
    return buffer.getvalue()


# --- the corpus -----------------------------------------------------------------------------------

#: Peak memory (MB, beyond the file) posecheck.images states for a streamed decode.
STREAMED_BOUND_MB = 128


@dataclass(frozen=True)
class Case:
    """One hostile file and what posecheck must make of it.

    ``size`` is the upright (width, height) a readable file must come out as; ``errors`` the
    codes allowed instead (an empty tuple: it must be read). ``bound_mb`` is the stated memory
    bound for it (the whole-image decoders hold the image once: a few bytes a pixel).
    ``shows_photo``: it must come out as ``photo()``, upright (``PHOTO_CORNERS``).
    """

    name: str
    kind: str
    data: bytes
    size: tuple[int, int] | None = None
    errors: tuple[str, ...] = ()
    bound_mb: float = STREAMED_BOUND_MB
    note: str = ""
    shows_photo: bool = False


CORRUPT = ("corrupt_image",)
UNSUPPORTED = ("unsupported_format",)
TOO_MANY = ("too_many_pixels",)


#: The colours of ``photo()``'s quarters: top left, top right, bottom left, bottom right.
PHOTO_CORNERS = ((220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 220, 40))


def photo(width: int = 96, height: int = 64, seed: int = 0) -> Image.Image:
    """Four coloured quarters (``PHOTO_CORNERS``) and some noise: any format can hold it."""
    rgb = np.empty((height, width, 3), np.uint8)
    top, left = height // 2, width // 2
    rgb[:top, :left], rgb[:top, left:] = PHOTO_CORNERS[0], PHOTO_CORNERS[1]
    rgb[top:, :left], rgb[top:, left:] = PHOTO_CORNERS[2], PHOTO_CORNERS[3]
    noise = np.random.default_rng(seed).integers(-12, 13, rgb.shape)
    return Image.fromarray(np.clip(rgb + noise, 0, 255).astype(np.uint8))


def damaged(data: bytes, seed: int, flips: int = 40, start: float = 0.3) -> bytes:
    """``flips`` random bytes overwritten after the first ``start`` of the file (the header)."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    for position in rng.integers(int(len(data) * start), len(data), flips):
        out[position] = int(rng.integers(0, 256))
    return bytes(out)


def samples() -> dict[str, bytes]:
    """One valid small file of each format (96x64)."""
    image = photo()
    files = {
        "jpg": encode(image, "JPEG", quality=90),
        "png": encode(image, "PNG"),
        "webp": encode(image, "WEBP", quality=80),
        "bmp": encode(image, "BMP"),
        "tif": encode(image, "TIFF", compression="tiff_lzw"),
    }
    heic = heic_bytes(image)
    if heic is not None:
        files["heic"] = heic
    return files


def heic_bytes(image: Image.Image, **params: object) -> bytes | None:
    """HEIC through pillow-heif, or None when it is missing or its libheif cannot encode HEVC."""
    try:
        import pillow_heif
    except ImportError:
        return None
    if not pillow_heif.libheif_info().get("HEIF"):
        return None
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=90, **params)
    return buffer.getvalue()


def corrupt_cases() -> Iterator[Case]:
    files = samples()
    for extension, data in files.items():
        # damage may also decode to noise (JPEG, WebP and HEIC carry no checksum): ok or corrupt
        yield Case(f"scrambled.{extension}", "corrupt", damaged(data, 1), (96, 64), CORRUPT)
    png_data = files["png"]
    yield Case("bad_crc.png", "corrupt", png_data[:29] + b"\0\0\0\0" + png_data[33:], None, CORRUPT)
    idat = png_data.index(b"IDAT") + 4
    garbage = png_data[:idat] + bytes(range(256)) * 4 + png_data[idat + 1024 :]
    yield Case("garbage_idat.png", "corrupt", garbage, None, CORRUPT)
    tif = files["tif"]
    yield Case(
        "bad_ifd_offset.tif", "corrupt", tif[:4] + b"\xff\xff\xff\x7f" + tif[8:], None, CORRUPT
    )
    noise = np.random.default_rng(2).bytes(4000)
    yield Case("jpeg_magic_then_noise.jpg", "corrupt", b"\xff\xd8\xff\xe0" + noise, None, CORRUPT)
    yield Case(
        "riff_webp_then_noise.webp",
        "corrupt",
        b"RIFF\x00\x10\x00\x00WEBPVP8 " + noise,
        None,
        CORRUPT,
    )
    bmp = bytearray(files["bmp"])
    bmp[28:30] = struct.pack("<H", 7)  # 7 bits per pixel does not exist
    yield Case("bad_depth.bmp", "corrupt", bytes(bmp), None, CORRUPT + UNSUPPORTED)


def truncated_cases() -> Iterator[Case]:
    for extension, data in samples().items():
        yield Case(f"half.{extension}", "truncated", data[: len(data) // 2], None, CORRUPT)
        yield Case(f"header_only.{extension}", "truncated", data[:20], None, CORRUPT)
    big = tall_jpeg(4000, 3000)
    yield Case("cut_mid_scan.jpg", "truncated", big[: len(big) // 3], None, CORRUPT)


def empty_cases() -> Iterator[Case]:
    yield Case("zero_bytes.jpg", "zero_byte", b"", None, ("empty_file",))
    yield Case("signature_only.png", "empty", b"\x89PNG\r\n\x1a\n", None, CORRUPT)
    yield Case("no_idat.png", "empty", png(64, 64)[:33] + png_chunk(b"IEND", b""), None, CORRUPT)
    yield Case("soi_eoi.jpg", "empty", b"\xff\xd8\xff\xd9", None, CORRUPT)
    yield Case(
        "no_directory.tif",
        "empty",
        b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        None,
        CORRUPT,
    )
    yield Case("riff_only.webp", "empty", b"RIFF\x04\x00\x00\x00WEBP", None, CORRUPT + UNSUPPORTED)
    yield Case("whitespace.png", "empty", b"   \n\n  \t\n", None, UNSUPPORTED)


def bomb_cases(side: int) -> Iterator[Case]:
    """Small files of enormous pixel counts: refused from the header over the limit, decoded in
    bounded memory under it."""
    yield Case(
        "declared_2500mp.png",
        "bomb",
        png(50_000, 50_000, idat=zlib.compress(b"\0" * 64)),
        None,
        TOO_MANY,
    )
    yield Case("deflate_400mp.png", "bomb", png(20_000, 20_000, colour_type=0), None, TOO_MANY)
    yield Case("declared_268mp.webp", "bomb", lossless_webp(16383, 16383), None, TOO_MANY)
    yield Case(
        "declared_4gp.jpg",
        "bomb",
        with_jpeg_size(encode(photo(), "JPEG"), 65_000, 65_000),
        None,
        TOO_MANY,
    )
    gif = encode(photo().quantize(4), "GIF")
    yield Case(
        "declared_4gp.gif",
        "bomb",
        gif[:6] + struct.pack("<HH", 65535, 65535) + gif[10:],
        None,
        UNSUPPORTED,
    )
    megapixels = side * side / 1e6
    yield Case(
        f"deflate_{megapixels:.0f}mp_rgba16.png",
        "bomb",
        png(side, side, bit_depth=16, colour_type=6),
        (side, side),
    )
    yield Case(
        f"deflate_{megapixels:.0f}mp_float.tif", "bomb", float_tiff(side, side), (side, side)
    )
    yield Case(
        f"deflate_{megapixels:.0f}mp_palette.png",
        "bomb",
        png(side, side, colour_type=3, palette=bytes(range(256)) * 3),
        (side, side),
    )
    yield Case(f"restart_{megapixels:.0f}mp.jpg", "bomb", tall_jpeg(side, side), (side, side))
    # decoded whole by their libraries: the image once, at a few bytes a pixel (its bound: that)
    side = 4000
    for name, data, bytes_per_pixel in (
        ("lossless_16mp.webp", lossless_webp(side, side), 8),
        ("rle_16mp.bmp", rle_bmp(side, side), 2),
        ("interlaced_16mp.png", interlaced_png(side, side), 4),
    ):
        bound = STREAMED_BOUND_MB + bytes_per_pixel * side**2 / 2**20
        yield Case(name, "bomb", data, (side, side), bound_mb=bound)


def lying_cases() -> Iterator[Case]:
    """Headers that claim far more pixels than the file holds."""
    small = encode(photo(64, 64), "JPEG")
    yield Case(
        "10950x10950_of_64x64.jpg",
        "lying_header",
        with_jpeg_size(small, HUGE_SIDE, HUGE_SIDE),
        None,
        CORRUPT,
    )
    progressive = encode(photo(64, 64), "JPEG", progressive=True)
    yield Case(
        "progressive_10950_of_64.jpg",
        "lying_header",
        with_jpeg_size(progressive, HUGE_SIDE, HUGE_SIDE),
        None,
        CORRUPT,
    )
    rows = (b"\0" + bytes(HUGE_SIDE * 3)) * 64
    yield Case(
        "10950x10950_of_64_rows.png",
        "lying_header",
        png(HUGE_SIDE, HUGE_SIDE, idat=zlib.compress(rows)),
        None,
        CORRUPT,
    )
    strip = zlib.compress(bytes(HUGE_SIDE * 64))
    lying_tiff = tiff(HUGE_SIDE, HUGE_SIDE, [strip], rows_per_strip=64, compression=8)
    # These two can only be decoded whole, and declare more than a whole decode is allowed
    # (ImageLimits.max_whole_pixels): refused before a pixel is read, as too many pixels, since
    # a lie cannot be told from a big file without decoding it.
    whole = CORRUPT + TOO_MANY
    yield Case("10950x10950_of_one_strip.tif", "lying_header", lying_tiff, None, whole)
    bmp = bytearray(encode(photo(64, 64), "BMP"))
    bmp[18:26] = struct.pack("<ii", 8000, 8000)
    yield Case("8000x8000_of_64x64.bmp", "lying_header", bytes(bmp), None, whole)
    webp = bytearray(encode(photo(64, 64), "WEBP", quality=80))
    at = webp.index(b"VP8 ") + 8 + 6  # the key frame's width and height
    webp[at : at + 4] = struct.pack("<HH", 4000, 4000)
    yield Case("4000x4000_of_64x64.webp", "lying_header", bytes(webp), None, CORRUPT)


def huge_declared_cases() -> Iterator[Case]:
    yield Case(
        "2147483647x1.png",
        "huge_declared",
        png(2**31 - 1, 1, idat=zlib.compress(b"\0")),
        None,
        TOO_MANY + CORRUPT,
    )
    yield Case(
        "65535x65535.jpg",
        "huge_declared",
        with_jpeg_size(encode(photo(), "JPEG"), 65535, 65535),
        None,
        TOO_MANY,
    )
    yield Case(
        "4294967295x4294967295.tif",
        "huge_declared",
        tiff(2**32 - 1, 2**32 - 1, [b"\0" * 64], rows_per_strip=1),
        None,
        TOO_MANY + CORRUPT,
    )
    bmp = bytearray(encode(photo(), "BMP"))
    bmp[18:26] = struct.pack("<ii", 2**31 - 1, -(2**31 - 1))
    yield Case("2147483647_square.bmp", "huge_declared", bytes(bmp), None, TOO_MANY + CORRUPT)
    yield Case("16383x16383.webp", "huge_declared", lossless_webp(16383, 16383), None, TOO_MANY)


def animated_cases() -> Iterator[Case]:
    frames = [photo(seed=seed) for seed in range(3)]
    frames[1] = Image.new("RGB", (96, 64), (0, 0, 0))
    yield Case(
        "animated.gif",
        "animated",
        encode(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        None,
        UNSUPPORTED,
    )
    yield Case(
        "animated.webp",
        "animated",
        encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True),
        (96, 64),
        note="first frame",
        shows_photo=True,
    )
    yield Case(
        "animated.png",
        "animated",
        encode(frames[0], "PNG", save_all=True, append_images=frames[1:]),
        (96, 64),
        note="first frame (APNG)",
        shows_photo=True,
    )
    yield Case(
        "apng_hidden_default.png",
        "animated",
        encode(frames[0], "PNG", save_all=True, append_images=frames[1:], default_image=True),
        (96, 64),
        note="the default image, not part of the animation",
        shows_photo=True,
    )


def orientation_cases() -> Iterator[Case]:
    upright = photo(96, 64)
    turns = {
        1: lambda image: image,
        2: lambda image: image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        3: lambda image: image.transpose(Image.Transpose.ROTATE_180),
        4: lambda image: image.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        5: lambda image: image.transpose(Image.Transpose.TRANSPOSE),
        6: lambda image: image.transpose(Image.Transpose.ROTATE_90),
        7: lambda image: image.transpose(Image.Transpose.TRANSVERSE),
        8: lambda image: image.transpose(Image.Transpose.ROTATE_270),
    }
    for orientation, store in turns.items():
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = encode(store(upright), "JPEG", quality=90, exif=exif)
        yield Case(
            f"orientation_{orientation}.jpg", "orientation", data, (96, 64), shows_photo=True
        )


def mode_cases() -> Iterator[Case]:
    image = photo()
    cmyk = image.convert("CMYK")
    yield Case("cmyk.jpg", "cmyk", encode(cmyk, "JPEG", quality=90), (96, 64), shows_photo=True)
    yield Case("cmyk.tif", "cmyk", encode(cmyk, "TIFF"), (96, 64), shows_photo=True)
    palette = image.quantize(16)
    yield Case("palette.png", "palette", encode(palette, "PNG"), (96, 64), shows_photo=True)
    yield Case(
        "palette_transparent.png", "palette", encode(palette, "PNG", transparency=3), (96, 64)
    )
    yield Case("palette_4bit.png", "palette", encode(palette, "PNG", bits=4), (96, 64))
    yield Case("palette.bmp", "palette", encode(palette, "BMP"), (96, 64), shows_photo=True)
    yield Case("palette.tif", "palette", encode(palette, "TIFF"), (96, 64), shows_photo=True)
    gray16 = Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257)
    yield Case("gray16.png", "deep", encode(gray16, "PNG"), (96, 64))
    yield Case("gray16.tif", "deep", encode(gray16, "TIFF"), (96, 64))
    for colour_type, name in ((2, "rgb48"), (6, "rgba64"), (4, "gray_alpha32")):
        yield Case(
            f"{name}.png", "deep", png(96, 64, bit_depth=16, colour_type=colour_type), (96, 64)
        )
    floats = np.asarray(image.convert("L")).astype(np.float32) * 3.7 - 100
    floats[5, 5], floats[6, 6] = np.nan, np.inf
    yield Case("float32.tif", "float", encode(Image.fromarray(floats), "TIFF"), (96, 64))
    yield Case(
        "int32.tif",
        "float",
        encode(Image.fromarray(np.nan_to_num(floats, posinf=0).astype(np.int32) * 1000), "TIFF"),
        (96, 64),
    )


def not_an_image_cases() -> Iterator[Case]:
    yield Case(
        "video.jpg", "not_an_image", video_bytes(), None, UNSUPPORTED, note="an MP4 named .jpg"
    )
    yield Case(
        "text.png", "not_an_image", "Stand tall.\nÜnïcödé notes\n".encode() * 20, None, UNSUPPORTED
    )
    yield Case(
        "document.jpg",
        "not_an_image",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        None,
        UNSUPPORTED,
    )
    yield Case(
        "drawing.png",
        "not_an_image",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        None,
        UNSUPPORTED,
    )
    yield Case("archive.jpg", "not_an_image", b"PK\x03\x04" + bytes(100), None, UNSUPPORTED)
    yield Case("noise.png", "not_an_image", np.random.default_rng(4).bytes(5000), None, UNSUPPORTED)
    yield Case("photo.gif", "not_an_image", encode(photo().quantize(16), "GIF"), None, UNSUPPORTED)


def video_bytes() -> bytes:
    """A short real MP4 from OpenCV's writer; a bare ``ftyp`` box when it has no MP4 encoder."""
    import tempfile

    import cv2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (96, 64))
        if writer.isOpened():
            frame = cv2.cvtColor(np.asarray(photo()), cv2.COLOR_RGB2BGR)
            for _ in range(10):
                writer.write(frame)
        writer.release()
        if path.is_file() and path.stat().st_size > 0:
            return path.read_bytes()
    return b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(64)


def heic_cases() -> Iterator[Case]:
    data = heic_bytes(photo())
    if data is None:
        return
    yield Case("photo.heic", "heic", data, (96, 64), shows_photo=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    turned = heic_bytes(photo().transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    assert turned is not None
    yield Case(
        "orientation_6.heic", "heic", turned, (96, 64), note="libheif turns it", shows_photo=True
    )
    yield Case("cut_in_the_image.heic", "heic", data[: len(data) * 3 // 4], None, CORRUPT)


def odd_name_cases() -> Iterator[Case]:
    data = encode(photo(), "JPEG", quality=90)
    names = [
        "with  spaces  .jpg",
        "ünïcödé-фото-照片-😀.jpg",
        "a" * 251 + ".jpg",  # 255 bytes: the longest name most file systems allow
        "-starts-with-a-dash.jpg",
        "semi;colon$and'quote\".jpg",
        "no_extension",
        "wrong_extension.txt",
        os.fsdecode(b"latin1_caf\xe9.jpg"),  # bytes that are not UTF-8 (a surrogate escape)
    ]
    for name in names:
        yield Case(name, "odd_name", data, (96, 64), shows_photo=True)


def corpus(side: int = 6000) -> list[Case]:
    """Every case, in class order; ``side`` is the side of the decodable bombs."""
    groups = [
        corrupt_cases(),
        truncated_cases(),
        empty_cases(),
        bomb_cases(side),
        lying_cases(),
        huge_declared_cases(),
        animated_cases(),
        orientation_cases(),
        mode_cases(),
        not_an_image_cases(),
        heic_cases(),
        odd_name_cases(),
    ]
    return [case for group in groups for case in group]


def write(out: Path, cases: list[Case]) -> Path:
    """Write the files and ``corpus.json`` (the cases without their bytes); its path."""
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise ValueError(
            f"two cases share a name: {sorted(n for n in names if names.count(n) > 1)}"
        )
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for case in cases:
        (out / case.name).write_bytes(case.data)
        index.append(
            {
                "name": case.name,
                "class": case.kind,
                "bytes": len(case.data),
                "size": case.size,
                "errors": list(case.errors),
                "bound_mb": case.bound_mb,
                "note": case.note,
                "shows_photo": case.shows_photo,
            }
        )
    manifest = out / "corpus.json"
    manifest.write_text(json.dumps(index, indent=1) + "\n")  # names may hold surrogate escapes
    return manifest


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the files into")
    parser.add_argument(
        "--side",
        type=int,
        default=HUGE_SIDE,
        help=f"side of the decodable bombs, px (default {HUGE_SIDE}: 120 MP)",
    )
    args = parser.parse_args(argv)
    cases = corpus(args.side)
    manifest = write(args.out, cases)
    print(f"{len(cases)} files in {args.out} (index: {manifest.name})")


if __name__ == "__main__":
    main(sys.argv[1:])
