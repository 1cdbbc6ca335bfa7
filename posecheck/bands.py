"""Decoding a photo's pixels a band of rows at a time, reduced as they come, so that memory is
bounded by the working copy rather than by the pixel count (``posecheck.images`` decides what to
decode and checks it first; this module only turns a vetted file into a working copy).

The pixels reach ``WorkingCopy`` as bands of rows in the decoder's own mode (``Pixels``); each band
is converted to a mode that averages correctly (gray, RGB, alpha premultiplied, float) and reduced
by a whole factor (Pillow's ``reduce``, a box average) before the next band is decoded; alpha is
composited onto white and float stretched to 0..255 on the reduced image, and ``cv2.INTER_AREA``
does the last step (< 2x). Non-interlaced PNGs are inflated and unfiltered here a band at a time
(``png_pixels``), TIFFs in strips or tiles are read a band of strips at a time (``tiff_pixels``),
WebP is decoded once by OpenCV (``webp_pixels``); anything else is decoded by Pillow and cut into
bands (``decoded_pixels``).
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import ExifTags, Image, ImageFile, TiffImagePlugin

UInt8Array = npt.NDArray[np.uint8]

# What decoders raise on damaged data besides OSError; anything here means "corrupt".
DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    struct.error,
    zlib.error,
    RuntimeError,
    cv2.error,
)


# --- pixels in bands ----------------------------------------------------------------------------

#: Rows are decoded, converted and reduced this many bytes (in the decoder's mode) at a time.
_BAND_BYTES: Final = 4 * 1024 * 1024


#: Images that decode to at most this many bytes (in Pillow's mode) are decoded whole by Pillow,
#: the fastest way; larger PNGs and TIFFs are decoded a band at a time.
_WHOLE_IMAGE_BYTES: Final = 64 * 1024 * 1024


def _band_rows(
    size: tuple[int, int],
    stored_size: tuple[int, int],
    max_side: int | None,
    bytes_per_pixel: int = 4,
) -> int:
    """Rows per band: about ``_BAND_BYTES`` at 4 bytes a pixel (what most modes convert to) or
    more, a whole number of the boxes ``WorkingCopy`` reduces by (so no rows carry over)."""
    factor = _reduce_factor(size, fit(stored_size, max_side))
    rows = _BAND_BYTES // max(1, max(4, bytes_per_pixel) * size[0])
    return max(factor, rows - rows % factor)


def _reduce_factor(size: tuple[int, int], target: tuple[int, int]) -> int:
    """The whole factor a (width, height) image can be reduced by and stay >= ``target``."""
    return max(1, min(size[0] // target[0], size[1] // target[1]))


def _small_enough_whole(image: Image.Image) -> bool:
    """Whether Pillow's whole image, at its bytes per pixel, fits ``_WHOLE_IMAGE_BYTES``."""
    mode = image.mode
    per_pixel = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    return image.width * image.height * per_pixel <= _WHOLE_IMAGE_BYTES


@dataclass(frozen=True)
class Pixels:
    """The decoded image as bands of whole rows, top to bottom, in the decoder's own mode.

    Attributes:
        bands: Pillow images of the full width; each is decoded when the iterator reaches it.
        size: (width, height) of the image the bands make up; smaller than ``stored_size`` when
            the decoder already scaled it down (JPEG's ``draft``).
        stored_size: the original's (width, height) as stored, before orientation.
        orientation: the EXIF orientation still to apply, 1-8.
    """

    bands: Iterator[Image.Image]
    size: tuple[int, int]
    stored_size: tuple[int, int]
    orientation: int


def decoded_pixels(
    image: ImageFile.ImageFile, stored_size: tuple[int, int], max_side: int | None
) -> Pixels:
    """Any format: the decoder holds the whole image (in its own mode); bands are cut from it."""
    image.load()  # Pillow turns a TIFF upright here (and drops its orientation tag)
    orientation = exif_orientation(image)

    def crops() -> Iterator[Image.Image]:
        width, height = image.size
        rows = _band_rows(image.size, stored_size, max_side)
        for top in range(0, height, rows):
            yield image.crop((0, top, width, min(height, top + rows)))

    return Pixels(crops(), image.size, stored_size, orientation)


class WorkingCopy:
    """Turns bands of the decoded image into the working copy, one band at a time.

    Each band is converted to a mode that averages correctly (gray, RGB, alpha premultiplied,
    float) and reduced by the whole factor that keeps it >= ``target`` (Pillow's ``reduce``, a
    box average; band edges fall on whole boxes, so the result is that of reducing the whole
    image); at the end alpha is composited onto white, float is stretched to 0..255, and
    ``cv2.INTER_AREA`` shrinks the rest (< 2x). Memory: one band plus the reduced image.
    """

    def __init__(self, size: tuple[int, int], target: tuple[int, int]) -> None:
        width, height = size
        self._factor = _reduce_factor(size, target)
        self._shape = (-(-height // self._factor), -(-width // self._factor))
        self._target = target
        self._reduced: npt.NDArray[Any] | None = None
        self._mode = ""
        self._row = 0
        self._carry: Image.Image | None = None  # the last rows of a band, short of a whole box
        self._low, self._high = float("inf"), float("-inf")  # of float pixels, full resolution

    def add(self, band: Image.Image) -> None:
        band = self._averageable(band)
        if self._carry is not None:
            if self._carry.mode != band.mode or self._carry.width != band.width:
                raise OSError("the decoder's bands do not match")
            joined = Image.new(band.mode, (band.width, self._carry.height + band.height), None)
            joined.paste(self._carry, (0, 0))
            joined.paste(band, (0, self._carry.height))
            band, self._carry = joined, None
        whole = band.height - band.height % self._factor
        if whole < band.height:
            self._carry = band.crop((0, whole, band.width, band.height))
            if whole == 0:
                return
            band = band.crop((0, 0, band.width, whole))
        self._store(band)

    def result(self) -> UInt8Array:
        if self._carry is not None:
            self._store(self._carry)  # Pillow averages the partial boxes of the last rows
            self._carry = None
        reduced = self._reduced
        if reduced is None or self._row != reduced.shape[0]:
            raise OSError("image file is truncated (fewer rows than the header declares)")
        if self._mode == "F":
            span = self._high - self._low
            if not span > 0:
                pixels: UInt8Array = np.zeros(reduced.shape, dtype=np.uint8)
            else:
                alpha = 255 / span
                pixels = np.asarray(
                    cv2.convertScaleAbs(reduced, alpha=alpha, beta=-self._low * alpha), np.uint8
                )
        elif self._mode in ("La", "RGBa"):  # premultiplied: on white, colour + (255 - alpha)
            colour, alpha_band = reduced[..., :-1], reduced[..., -1:]
            white = np.add(colour, 255 - alpha_band, dtype=np.uint16)
            pixels = np.minimum(white, 255).astype(np.uint8)
            if self._mode == "La":
                pixels = pixels[..., 0]
        else:  # L or RGB
            pixels = reduced
        if (pixels.shape[1], pixels.shape[0]) != self._target:
            pixels = np.asarray(
                cv2.resize(pixels, self._target, interpolation=cv2.INTER_AREA), np.uint8
            )
        if pixels.ndim == 2:
            pixels = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB), np.uint8)
        return np.ascontiguousarray(pixels)

    def _averageable(self, band: Image.Image) -> Image.Image:
        """The band as L, RGB, La, RGBa (alpha premultiplied) or F, the modes ``reduce`` averages.

        16-bit gray maps 0..65535 onto 0..255 (rounded); 32-bit int or float gray keeps its
        values (the stretch to 0..255 needs the whole image's range: kept in ``_low``/``_high``).
        Conversions that depend on the neighbours (none do) would be wrong here.
        """
        mode = band.mode
        if mode.startswith("I") or mode == "F":
            values = np.asarray(band)
            if values.dtype.kind == "u" and values.dtype.itemsize == 2:
                native = values.astype(np.uint16, copy=False)  # I;16B arrives big-endian
                gray = np.asarray(cv2.convertScaleAbs(native, alpha=255 / 65535), np.uint8)
                return Image.fromarray(gray, "L")
            floats = values.astype(np.float32)  # a copy: Pillow's array is read-only
            not_finite = ~np.isfinite(floats)
            if not_finite.any():
                floats[not_finite] = 0.0
            del not_finite
            if floats.size:
                self._low = min(self._low, float(floats.min()))
                self._high = max(self._high, float(floats.max()))
            return Image.fromarray(floats, "F")
        if mode in ("La", "RGBa"):
            return band
        if mode == "LA":
            return band.convert("La")
        if band.has_transparency_data:  # RGBA, PA, or P/L/RGB with a transparent colour
            rgba = band if mode == "RGBA" else band.convert("RGBA")
            return rgba.convert("RGBa")
        if mode in ("L", "RGB"):
            return band
        return band.convert("L" if mode == "1" else "RGB")

    def _store(self, band: Image.Image) -> None:
        reduced = np.asarray(band.reduce(self._factor) if self._factor > 1 else band)
        if self._reduced is None:
            self._mode = band.mode
            self._reduced = np.empty((*self._shape, *reduced.shape[2:]), dtype=reduced.dtype)
        end = self._row + reduced.shape[0]
        if (
            band.mode != self._mode
            or end > self._shape[0]
            or reduced.shape[1:] != (self._reduced.shape[1:])
        ):
            raise OSError("the decoder gave more or other pixels than the header declares")
        self._reduced[self._row : end] = reduced
        self._row = end


# --- PNG, a band at a time ------------------------------------------------------------------------

#: Channels of each PNG colour type (gray, RGB, palette, gray+alpha, RGBA).
_PNG_CHANNELS: Final = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
#: The (bit depth, colour type) of the stand-in PNG a band is unfiltered as, by bytes per pixel
#: (the filters' stride): one whose every byte Pillow hands back unchanged, as L, I;16 (two bytes
#: as one big-endian number), RGB or RGBA.
_PNG_STAND_IN: Final = {1: (8, 0), 2: (16, 0), 3: (8, 2), 4: (8, 6)}
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class _PngLayout:
    """A PNG's rows: as stored, and as the stand-in that unfilters them.

    PNG filters work on bytes: each byte is predicted from the byte one pixel to its left, the
    one above and the one above-left, never from a neighbouring byte of the same pixel. So the
    high bytes of a 16-bit colour image are an 8-bit image of their own, filtered the same way;
    Pillow keeps only those, and so do we (``high_bytes``): half the work. 16-bit gray keeps
    both bytes, as Pillow does.
    """

    width: int
    height: int
    depth: int
    colour_type: int
    row_bytes: int  # as stored, without the filter byte
    high_bytes: bool  # 16-bit colour: unfilter only the high byte of each sample

    @property
    def stand_in_bytes_per_pixel(self) -> int:
        bits = _PNG_CHANNELS[self.colour_type] * (8 if self.high_bytes else self.depth)
        return max(1, bits // 8)

    @property
    def stand_in_row_bytes(self) -> int:
        return self.row_bytes // 2 if self.high_bytes else self.row_bytes


def png_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> Pixels | None:
    """A big non-interlaced PNG, inflated and unfiltered a band of rows at a time; else None.

    Pillow's PNG decoder fills the whole image before anything can be reduced (a 120 MP 16-bit
    RGBA file of a few MB takes 480 MB), so the compressed stream is inflated here, a few MB at
    a time, and Pillow undoes the row filters of each band, handed the band as a small stored
    (uncompressed) PNG whose first row is the previous band's last row, unfiltered.
    Interlaced files and those Pillow reads in another mode go to ``decoded_pixels``.
    """
    if image.format != "PNG" or _small_enough_whole(image) or data[12:16] != b"IHDR":
        return None
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    channels = _PNG_CHANNELS.get(colour_type)
    if interlace or channels is None or (width, height) != image.size:
        return None
    if depth not in (1, 2, 4, 8, 16) or _png_mode(depth, colour_type) != image.mode:
        return None
    high_bytes = depth == 16 and colour_type != 0
    layout = _PngLayout(
        width, height, depth, colour_type, (width * channels * depth + 7) // 8, high_bytes
    )
    if layout.stand_in_bytes_per_pixel not in _PNG_STAND_IN:
        return None
    if "exif" not in image.info:  # else Pillow would decode the whole image to look for it
        exif = next((body for kind, body in _png_chunks(data) if kind == b"eXIf"), None)
        image.info["exif"] = b"" if exif is None else b"Exif\x00\x00" + bytes(exif)
    rows = _band_rows(image.size, image.size, max_side, -(-layout.row_bytes // width))
    bands = _png_bands(image, data, layout, rows)
    return Pixels(bands, image.size, image.size, exif_orientation(image))


def _png_mode(depth: int, colour_type: int) -> str:
    """The mode Pillow gives a PNG of this depth and colour type (16 bits kept only for gray;
    16-bit gray+alpha comes as RGBA)."""
    if colour_type == 0:
        return {1: "1", 16: "I;16"}.get(depth, "L")
    if colour_type == 4 and depth == 16:
        return "RGBA"
    return {2: "RGB", 3: "P", 4: "LA", 6: "RGBA"}[colour_type]


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """(type, payload) of each chunk; a payload is short when the file is cut inside it."""
    view, position = memoryview(data), len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        yield kind, view[position + 8 : position + 8 + length]
        if kind == b"IEND":
            return
        position += 12 + length


def _png_idat(data: bytes) -> Iterator[memoryview]:
    """The payloads of the consecutive IDAT chunks: the compressed image."""
    seen = False
    for kind, payload in _png_chunks(data):
        if kind == b"IDAT":
            seen = True
            yield payload
        elif seen:
            return


def _inflated(chunks: Iterable[memoryview], piece: int) -> Iterator[bytes]:
    """The zlib stream split over ``chunks``, decompressed ``piece`` bytes at most at a time."""
    inflater = zlib.decompressobj()
    for chunk in chunks:
        pending: bytes | memoryview = chunk
        while True:
            out = inflater.decompress(pending, piece)
            pending = inflater.unconsumed_tail
            if not out:
                break  # all input taken (or the stream ended)
            yield out
        if inflater.eof:
            return


def _png_bands(
    image: Image.Image, data: bytes, layout: _PngLayout, rows: int
) -> Iterator[Image.Image]:
    line = layout.row_bytes + 1  # each row starts with its filter type
    previous = bytes(layout.stand_in_row_bytes)  # the filters see zeros above the first row
    pending, done = bytearray(), 0
    for piece in _inflated(_png_idat(data), max(line, rows * line // 4)):
        pending += piece
        while done < layout.height and len(pending) >= min(rows, layout.height - done) * line:
            count = min(rows, layout.height - done)
            filtered = np.frombuffer(pending, np.uint8, count * line).reshape(count, line)
            if layout.high_bytes:
                high = np.empty((count, 1 + layout.stand_in_row_bytes), np.uint8)
                high[:, 0], high[:, 1:] = filtered[:, 0], filtered[:, 1::2]
                filtered = high
            unfiltered, previous = _png_unfilter(filtered, previous, layout)
            del filtered
            del pending[: count * line]
            done += count
            yield _png_band(unfiltered, image, layout)
        if done == layout.height:
            return
    received = done + len(pending) // line
    raise OSError(f"image file is truncated ({received} of {layout.height} rows)")


def _png_unfilter(
    filtered: npt.NDArray[np.uint8], previous: bytes, layout: _PngLayout
) -> tuple[Image.Image, bytes]:
    """Undo the row filters of a band: the rows as a stand-in image, and the last row's bytes.

    The stand-in is a PNG of one row more than the band, stored (not compressed): the previous
    band's last row, unfiltered (filter type 0), then this band's rows as they are. Pillow
    decodes it as L, I;16, RGB or RGBA (``_PNG_STAND_IN``), every byte unchanged.
    """
    count = filtered.shape[0]
    depth, colour_type = _PNG_STAND_IN[layout.stand_in_bytes_per_pixel]
    width = layout.stand_in_row_bytes // layout.stand_in_bytes_per_pixel
    header = struct.pack(">IIBBBBB", width, count + 1, depth, colour_type, 0, 0, 0)
    stored = zlib.compressobj(0)
    idat = [stored.compress(b"\0" + previous), stored.compress(filtered.data), stored.flush()]
    stand_in = b"".join(
        [
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            struct.pack(">I", sum(map(len, idat))) + b"IDAT",
            *idat,
            b"\0\0\0\0",  # Pillow does not check the CRC of image data
            _png_chunk(b"IEND", b""),
        ]
    )
    del idat
    with Image.open(io.BytesIO(stand_in), formats=("PNG",)) as decoded:
        decoded.load()
        last = np.asarray(decoded.crop((0, count, width, count + 1)))[0]
        rows = decoded.crop((0, 1, width, count + 1))
    if last.dtype != np.uint8:  # I;16: back to the file's big-endian bytes
        last = last.astype(">u2")
    return rows, last.tobytes()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(kind))
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png_band(rows: Image.Image, image: Image.Image, layout: _PngLayout) -> Image.Image:
    """Unfiltered rows (``_png_unfilter``) as the image Pillow's decoder makes (``_png_mode``)."""
    depth, colour_type, width = layout.depth, layout.colour_type, layout.width
    if colour_type in (0, 3) and depth <= 8:  # the stand-in was L: the file's bytes
        raw = np.asarray(rows)
        if depth < 8:  # 1, 2 or 4 bits: unpack each byte, first pixel in the high bits
            shifts = np.arange(8 - depth, -1, -depth, dtype=np.uint8)
            unpacked = (raw[:, :, None] >> shifts) & ((1 << depth) - 1)
            raw = unpacked.reshape(raw.shape[0], -1)[:, :width].astype(np.uint8)
        if colour_type == 3:
            band = Image.fromarray(raw, "P")
            if image.palette is not None:
                band.putpalette(image.palette.palette, image.palette.rawmode or "RGB")
        elif depth == 1:
            band = Image.fromarray(raw.astype(bool))
        else:
            band = Image.fromarray(raw * (255 // ((1 << depth) - 1)), "L")
    elif colour_type == 4:  # the stand-in was I;16: gray in the high byte, alpha in the low
        values = np.asarray(rows)
        band = Image.fromarray(np.dstack([values >> 8, values & 0xFF]).astype(np.uint8), "LA")
        if depth == 16:
            band = band.convert("RGBA")  # as Pillow's decoder gives it
    else:  # I;16 (16-bit gray), RGB or RGBA: the stand-in's mode is the file's
        band = rows
    if "transparency" in image.info:
        band.info["transparency"] = image.info["transparency"]
    return band


# --- TIFF, a band of strips or tiles at a time ----------------------------------------------------

#: Tags a band's stand-in TIFF copies from the original: what decoding needs, nothing else.
_TIFF_COPIED: Final = (258, 259, 262, 266, 277, 284, 317, 320, 338, 339, 347, 529, 530, 531, 532)
_TIFF_RATIONALS: Final = frozenset({529, 532})
_TIFF_OLD_JPEG: Final = 6  # its data is found through other tags; left to Pillow


@dataclass(frozen=True)
class _TiffLayout:
    width: int
    height: int
    unit_rows: int  # rows in a strip or a row of tiles
    units: int  # strips, or rows of tiles, down the image (per plane)
    per_unit: int  # pieces (strips or tiles) across one unit
    planes: int  # 1, or the samples per pixel when each is stored separately
    offsets: tuple[int, ...]
    counts: tuple[int, ...]
    tile: tuple[int, int] | None

    units_per_band: int  # a whole number of strips or tile rows


def tiff_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> Pixels | None:
    """A TIFF in strips or tiles, decoded a few MB of rows at a time; None otherwise.

    Pillow (libtiff) decodes a compressed TIFF whole, and turns it upright in a second copy, so
    a 0.8 MB float TIFF of 120 MP takes 1 GB. Here each band is a small TIFF of its own: the
    decoding tags of the original and the band's strips (or tiles), which Pillow decodes like
    the original, in the same mode, without turning it. Old-style JPEG, a layout that does not
    add up, or a band Pillow reads in another mode go to ``decoded_pixels``.
    """
    if not isinstance(image, TiffImagePlugin.TiffImageFile) or _small_enough_whole(image):
        return None
    tags = image.tag_v2
    layout = _tiff_layout(tags, max_side)
    if layout is None:
        return None
    entries = _tiff_entries(tags)
    if entries is None:
        return None
    try:
        first = _tiff_band(tags.prefix, entries, layout, 0, data)
    except DECODE_ERRORS:
        return None  # a stand-in Pillow cannot open: let it judge the original whole
    rows = min(layout.height, layout.units_per_band * layout.unit_rows)
    if first.mode != image.mode or first.size != (layout.width, rows):
        first.close()
        return None
    orientation = tags.get(ExifTags.Base.Orientation, 1)
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        orientation = 1
    size = (layout.width, layout.height)
    return Pixels(_tiff_bands(first, tags.prefix, entries, layout, data), size, size, orientation)


def _tiff_layout(
    tags: TiffImagePlugin.ImageFileDirectory_v2, max_side: int | None
) -> _TiffLayout | None:
    width, height = tags.get(256), tags.get(257)
    if not isinstance(width, int) or not isinstance(height, int) or width < 1 or height < 1:
        return None
    if tags.get(259, 1) == _TIFF_OLD_JPEG:
        return None
    planes = tags.get(277, 1) if tags.get(284, 1) == 2 else 1
    if 322 in tags:  # tiles
        tile = (tags.get(322), tags.get(323))
        offsets, counts = tags.get(324), tags.get(325)
        if not all(isinstance(side, int) and side > 0 for side in tile):
            return None
        assert isinstance(tile[0], int) and isinstance(tile[1], int)
        unit_rows, per_unit, checked_tile = tile[1], -(-width // tile[0]), (tile[0], tile[1])
    else:
        rows_per_strip = tags.get(278, height)
        offsets, counts = tags.get(273), tags.get(279)
        if not isinstance(rows_per_strip, int) or rows_per_strip < 1:
            return None
        unit_rows, per_unit, checked_tile = min(rows_per_strip, height), 1, None
    units = -(-height // unit_rows)
    offsets, counts = _int_tuple(offsets), _int_tuple(counts)
    if not isinstance(planes, int) or offsets is None or counts is None:
        return None
    if min(len(offsets), len(counts)) < planes * units * per_unit:
        return None
    # as many strips as make a band, a whole number of reduction boxes if they can
    size = (width, height)
    rows = _band_rows(size, size, max_side)
    step = _reduce_factor(size, fit(size, max_side))
    step //= math.gcd(unit_rows, step)
    units_per_band = max(step, rows // unit_rows - (rows // unit_rows) % step)
    return _TiffLayout(
        width,
        height,
        unit_rows,
        units,
        per_unit,
        planes,
        offsets,
        counts,
        checked_tile,
        units_per_band,
    )


def _int_tuple(value: object) -> tuple[int, ...] | None:
    values = value if isinstance(value, tuple) else (value,)
    if all(isinstance(item, int) and item >= 0 for item in values):
        return tuple(int(item) for item in values)
    return None


def _tiff_entries(
    tags: TiffImagePlugin.ImageFileDirectory_v2,
) -> list[tuple[int, int, list[int] | bytes]] | None:
    """The copied tags as (tag, TIFF type, values): SHORT or LONG ints, RATIONAL, UNDEFINED."""
    entries: list[tuple[int, int, list[int] | bytes]] = []
    for tag in _TIFF_COPIED:
        if tag not in tags:
            continue
        value = tags[tag]
        values = value if isinstance(value, tuple) else (value,)
        if isinstance(value, bytes):
            entries.append((tag, 7, value))
        elif tag in _TIFF_RATIONALS:
            numbers: list[int] = []
            for rational in values:
                parts = getattr(rational, "numerator", None), getattr(rational, "denominator", None)
                if not all(isinstance(part, int) and 0 <= part < 2**32 for part in parts):
                    return None
                numbers += [int(part) for part in parts if isinstance(part, int)]
            entries.append((tag, 5, numbers))
        elif all(isinstance(v, int) and 0 <= v < 2**32 for v in values):
            kind = 3 if all(v < 2**16 for v in values) else 4
            entries.append((tag, kind, [int(v) for v in values]))
        else:
            return None
    return entries


def _tiff_band(
    prefix: bytes,
    entries: list[tuple[int, int, list[int] | bytes]],
    layout: _TiffLayout,
    first_unit: int,
    data: bytes,
) -> ImageFile.ImageFile:
    """The stand-in TIFF of the band that starts at ``first_unit``, opened (not decoded)."""
    last_unit = min(layout.units, first_unit + layout.units_per_band)
    top = first_unit * layout.unit_rows
    height = min(layout.height, last_unit * layout.unit_rows) - top
    pieces = [
        data[layout.offsets[index] : layout.offsets[index] + layout.counts[index]]
        for plane in range(layout.planes)
        for index in range(
            (plane * layout.units + first_unit) * layout.per_unit,
            (plane * layout.units + last_unit) * layout.per_unit,
        )
    ]
    positions, at = [], 8
    for piece in pieces:
        positions.append(at)
        at += len(piece)
    body = b"".join(pieces)
    own: list[tuple[int, int, list[int] | bytes]] = [(256, 4, [layout.width]), (257, 4, [height])]
    if layout.tile is None:
        own += [
            (273, 4, positions),
            (278, 4, [layout.unit_rows]),
            (279, 4, [len(p) for p in pieces]),
        ]
    else:
        own += [(322, 4, [layout.tile[0]]), (323, 4, [layout.tile[1]])]
        own += [(324, 4, positions), (325, 4, [len(p) for p in pieces])]
    ifd_at = 8 + len(body) + len(body) % 2
    order = "<" if prefix == b"II" else ">"
    header = prefix + struct.pack(f"{order}HI", 42, ifd_at)
    ifd = _tiff_ifd(sorted(entries + own), ifd_at, order)
    stand_in = header + body + b"\0" * (len(body) % 2) + ifd
    return Image.open(io.BytesIO(stand_in), formats=("TIFF",))


def _tiff_ifd(entries: list[tuple[int, int, list[int] | bytes]], at: int, order: str) -> bytes:
    """One IFD at offset ``at``; values longer than 4 bytes follow it."""
    formats = {3: "H", 4: "I", 5: "I", 7: "B"}
    after = at + 2 + 12 * len(entries) + 4
    table, extra = [], b""
    for tag, kind, values in entries:
        packed = (
            values
            if isinstance(values, bytes)
            else struct.pack(f"{order}{len(values)}{formats[kind]}", *values)
        )
        count = len(packed) if kind == 7 else len(values) // (2 if kind == 5 else 1)
        if len(packed) <= 4:
            field = packed.ljust(4, b"\0")
        else:
            field = struct.pack(f"{order}I", after + len(extra))
            extra += packed + b"\0" * (len(packed) % 2)
        table.append(struct.pack(f"{order}HHI", tag, kind, count) + field)
    return struct.pack(f"{order}H", len(entries)) + b"".join(table) + b"\0\0\0\0" + extra


def _tiff_bands(
    first: ImageFile.ImageFile,
    prefix: bytes,
    entries: list[tuple[int, int, list[int] | bytes]],
    layout: _TiffLayout,
    data: bytes,
) -> Iterator[Image.Image]:
    band = first
    for unit in range(0, layout.units, layout.units_per_band):
        if unit:
            band = _tiff_band(prefix, entries, layout, unit, data)
        with band:
            band.load()
            yield band


# --- WebP ---------------------------------------------------------------------------------------


def webp_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> Pixels | None:
    """A WebP decoded by OpenCV's libwebp straight into one array; None if it cannot.

    Pillow's WebP decoder holds the image three times (libwebp's canvas, a bytes copy, the
    image): 1.4 GB for a 30-byte lossless file of 120 MP. OpenCV's holds it once (3 or 4 bytes a
    pixel); the first frame of an animation.
    """
    if image.format != "WEBP":
        return None
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if (
        decoded is None
        or decoded.dtype != np.uint8
        or decoded.ndim != 3
        or decoded.shape[2] not in (3, 4)
        or (decoded.shape[1], decoded.shape[0]) != image.size
    ):
        return None
    code, mode = (
        (cv2.COLOR_BGRA2RGBA, "RGBA") if decoded.shape[2] == 4 else (cv2.COLOR_BGR2RGB, "RGB")
    )

    def bands() -> Iterator[Image.Image]:
        rows = _band_rows(image.size, image.size, max_side)
        for top in range(0, decoded.shape[0], rows):
            yield Image.fromarray(cv2.cvtColor(decoded[top : top + rows], code), mode)

    return Pixels(bands(), image.size, image.size, exif_orientation(image))


def exif_orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation, 1-8; 1 when absent or unreadable.

    HEIF needs nothing here: libheif applies the rotation itself and pillow-heif resets the tag.
    """
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, struct.error):
        return 1  # damaged EXIF is no reason to refuse pixels that decode fine
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def fit(size: tuple[int, int], max_side: int | None) -> tuple[int, int]:
    """(width, height) with the long side shrunk to ``max_side``; never enlarged."""
    width, height = size
    long_side = max(width, height)
    if max_side is None or long_side <= max_side:
        return width, height
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side
