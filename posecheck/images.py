"""Loading and validating user images.

``load_image`` (a path) and ``decode_image`` (bytes, e.g. an upload) turn a photo into a
``LoadedImage``: an upright, 8-bit RGB working copy no larger than ``max_side`` on its long side,
plus the original size so that results can be mapped back (``original = working / scale``).

Every way an input can fail raises ``InvalidImageError`` with a stable ``code`` and a message that
says what happened and what to do; the decoder's own exception is kept as ``__cause__``.

Order of checks, cheapest first, so that nothing large is decoded before it has been vetted:
file size (stat or ``len``), format (magic bytes, via Pillow's lazy ``open``), pixel count and
minimum side (from the header), a JPEG's data against the size its header claims, then decoding.
Complete RGB and gray JPEGs are decoded by OpenCV with DCT scaling straight to the smallest size
still >= 0.6 x ``max_side`` (a 12 MP photo at 1/4 scale), other JPEGs by Pillow's ``draft``.

Memory: reduce first, convert after. The pixels reach ``_WorkingCopy`` as bands of rows in the
decoder's own mode; each band is converted to a mode that averages correctly (gray, RGB, alpha
premultiplied, float) and reduced by a whole factor (Pillow's ``reduce``, a box average) before
the next band is decoded; alpha is composited onto white and float stretched to 0..255 on the
reduced image, and ``cv2.INTER_AREA`` does the last step (< 2x). Beyond the file's own bytes, the
peak is bounded by the working copy, not by the pixel count, wherever the format allows:

* JPEG (baseline), non-interlaced PNG, TIFF in strips or tiles: at most ``_WHOLE_IMAGE_BYTES``
  (64 MB: an image Pillow decodes whole only if it takes no more) or about ten bands of
  ``_BAND_BYTES`` (4 MB; a larger PNG is inflated and unfiltered a band at a time, a larger TIFF
  read a band of strips at a time), plus a few working copies (5 MB each at 1280 px): under
  128 MB whatever the pixel count. Measured on 120-megapixel files of 1-6 MB: 17-42 MB
  (``tests/test_images_memory.py``; up to 2.4 GB before).
* Formats decoded whole by their library: the image once more at the decoder's depth. WebP
  (OpenCV's libwebp: 4 bytes a pixel, 8 when lossless), HEIC (libheif and pillow-heif: about
  8), interlaced PNG, BMP and a TIFF strip larger than a band (1-4; twice for a run-length BMP),
  and progressive JPEG (libjpeg keeps every DCT coefficient: 2 bytes a sample, 3 bytes a pixel
  for 4:2:0 colour, up to 8 for 4:4:4 CMYK). Such files are refused past
  ``ImageLimits.max_whole_pixels`` (50 MP), which bounds this to about 400 MB (it reached about
  1 GB at the 120 MP limit).

Nothing here changes global state on import. The only global change at call time is registering
pillow-heif's HEIF opener with Pillow, once, on the first call.
"""

from __future__ import annotations

import io
import math
import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import ExifTags, Image, ImageFile, TiffImagePlugin, UnidentifiedImageError

from posecheck.errors import ErrorCode, InvalidImageError
from posecheck.names import printable_name

__all__ = [
    "DEFAULT_MAX_SIDE",
    "SUPPORTED_FORMATS",
    "ImageLimits",
    "LoadedImage",
    "decode_image",
    "load_image",
]

UInt8Array = npt.NDArray[np.uint8]

#: Long side of the working copy. The pose model reads a 256x256 crop of the body, but a person
#: far from the camera fills little of the frame: at 1024 (a 720x1280 photo decoded at half size,
#: 3 ms faster) the foot angles' error on the hard test renders rose from 3.7 to 4.1 degrees and
#: two false findings appeared (``posecheck.dev screening out/synth/hard_test``), so it stays 1280.
DEFAULT_MAX_SIDE: Final = 1280

#: File extensions we read (lower case, no dot): pass to a file uploader as the accepted types.
SUPPORTED_FORMATS: Final[tuple[str, ...]] = (
    "jpg",
    "jpeg",
    "png",
    "webp",
    "bmp",
    "tif",
    "tiff",
    "heic",
    "heif",
)

_FORMATS_TEXT: Final = "JPEG, PNG, WebP, BMP, TIFF or HEIC"
_CHOOSE_ANOTHER: Final = f"Choose a photo saved as {_FORMATS_TEXT}."

# Pillow format ids we let Pillow try, in order. "JPEG" also opens MPO (multi-picture) JPEGs.
_PILLOW_FORMATS: Final = ("JPEG", "PNG", "WEBP", "BMP", "TIFF")
_HEIF: Final = "HEIF"
_DISPLAY_NAMES: Final = {"WEBP": "WebP", "HEIF": "HEIC", "MPO": "JPEG"}

# What decoders raise on damaged data besides OSError; anything here means "corrupt".
_DECODE_ERRORS: Final = (
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


@dataclass(frozen=True)
class ImageLimits:
    """What we agree to decode. All limits are checked before any pixel is decoded.

    Attributes:
        max_file_bytes: largest file or upload, bytes.
        max_pixels: largest width x height declared in the header (decompression bomb guard).
            Pillow refuses anything over ``2 * PIL.Image.MAX_IMAGE_PIXELS`` (about 179 MP) on its
            own; that is reported the same way.
        min_side: smallest width or height, pixels.
        max_whole_pixels: largest width x height of a file that can only be decoded whole
            (progressive JPEG, interlaced PNG, WebP, BMP, HEIC, GIF, a TIFF not in strips): its
            decoder holds up to 8 bytes a pixel, so this bounds that to about 400 MB.
    """

    max_file_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 120_000_000
    min_side: int = 32
    max_whole_pixels: int = 50_000_000

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pixels", "min_side", "max_whole_pixels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ImageLimits.{name}: expected a positive int, got {value!r}")


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded photo: the upright working copy and the size of the original.

    Attributes:
        rgb: (H, W, 3) uint8 RGB, C-contiguous, read-only (copy it before drawing on it): the
            working copy, EXIF orientation applied, long side <= ``max_side``.
        width: the original image's width after EXIF orientation, pixels.
        height: the original image's height after EXIF orientation, pixels.
        scale: working-copy pixels per original pixel, ``rgb.shape[1] / width``, in (0, 1].
            A point ``(x, y)`` in ``rgb`` is ``(x / scale, y / scale)`` in the original.
        format: the file's format as Pillow names it: "JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF".
        name: the path or upload name, for messages.
    """

    rgb: UInt8Array
    width: int
    height: int
    scale: float
    format: str
    name: str

    def __post_init__(self) -> None:
        rgb = self.rgb
        if not isinstance(rgb, np.ndarray):
            raise ValueError(f"LoadedImage.rgb: expected a numpy array, got {type(rgb).__name__}")
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.shape[0] < 1 or rgb.shape[1] < 1:
            raise ValueError(f"LoadedImage.rgb: expected shape (H, W, 3), got {rgb.shape}")
        if rgb.dtype != np.uint8:
            raise ValueError(f"LoadedImage.rgb: expected dtype uint8, got {rgb.dtype}")
        if not rgb.flags.c_contiguous:
            raise ValueError("LoadedImage.rgb: expected a C-contiguous array, got a strided view")
        if self.width < 1 or self.height < 1:
            raise ValueError(
                f"LoadedImage: expected positive width and height, got {self.width}x{self.height}"
            )
        if rgb.shape[1] > self.width or rgb.shape[0] > self.height:
            raise ValueError(
                f"LoadedImage.rgb: expected at most {self.height}x{self.width} (the original), "
                f"got {rgb.shape[0]}x{rgb.shape[1]}"
            )
        expected_scale = rgb.shape[1] / self.width
        if not abs(self.scale - expected_scale) <= 1e-9:
            raise ValueError(
                f"LoadedImage.scale: expected rgb.shape[1] / width = {expected_scale}, "
                f"got {self.scale}"
            )

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the original, as ``Pose.image_size`` wants it."""
        return self.width, self.height


def load_image(
    path: str | Path,
    *,
    max_side: int | None = DEFAULT_MAX_SIDE,
    limits: ImageLimits = ImageLimits(),
) -> LoadedImage:
    """Read and decode the image file at ``path``; see ``decode_image``.

    Raises:
        InvalidImageError: ``not_found``, ``not_a_file``, ``unreadable``, or any code of
            ``decode_image``.
    """
    _check_max_side(max_side)
    path = Path(path)
    name = printable_name(path)  # messages are valid UTF-8 whatever bytes the name holds
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError) as error:
        raise InvalidImageError(
            f'Cannot find "{name}". Check the path and the file name, then try again.',
            code=ErrorCode.NOT_FOUND,
            extra={"name": name},
        ) from error
    except OSError as error:
        raise _unreadable(name, error) from error
    if stat.S_ISDIR(info.st_mode):
        raise InvalidImageError(
            f'"{name}" is a folder, not a file. Choose a photo inside it ({_FORMATS_TEXT}).',
            code=ErrorCode.NOT_A_FILE,
            extra={"name": name},
        )
    if not stat.S_ISREG(info.st_mode):
        raise InvalidImageError(
            f'"{name}" is not a regular file (a device, pipe or socket). {_CHOOSE_ANOTHER}',
            code=ErrorCode.NOT_A_FILE,
            extra={"name": name},
        )
    _check_byte_count(info.st_size, name, limits)
    try:
        with path.open("rb") as file:
            # One byte more than allowed, in case the file grew since stat().
            data = file.read(limits.max_file_bytes + 1)
    except OSError as error:
        raise _unreadable(name, error) from error
    _check_byte_count(len(data), name, limits)
    return _decode(data, name, max_side, limits)


def encode_jpeg(rgb: UInt8Array, *, side: int | None = None, quality: int = 90) -> bytes | None:
    """An (H, W, 3) uint8 RGB picture as JPEG bytes, first shrunk (area-averaged) to at most
    ``side`` pixels on its long side if given; None if the encoder fails. Encoded in memory:
    OpenCV's own file writing crashed on some file names."""
    scale = 1.0 if side is None else min(1.0, side / max(rgb.shape[:2]))
    picture = np.ascontiguousarray(rgb)
    if scale < 1.0:
        size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
        picture = np.asarray(cv2.resize(picture, size, interpolation=cv2.INTER_AREA))
    bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return encoded.tobytes() if ok else None


def decode_image(
    data: bytes,
    *,
    name: str = "upload",
    max_side: int | None = DEFAULT_MAX_SIDE,
    limits: ImageLimits = ImageLimits(),
) -> LoadedImage:
    """Decode an encoded image (the bytes of a file) into an upright RGB working copy.

    Args:
        data: the file's bytes: JPEG, PNG, WebP, BMP, TIFF (first page) or HEIC/HEIF.
        name: what to call the image in messages (the upload's file name).
        max_side: long side of the working copy, pixels; ``None`` keeps full resolution.
            Smaller images are never enlarged.
        limits: file size, pixel count and minimum side we accept.

    Raises:
        InvalidImageError: ``empty_file``, ``file_too_large``, ``unsupported_format``,
            ``corrupt_image``, ``too_many_pixels`` or ``image_too_small``.
    """
    _check_max_side(max_side)
    name = printable_name(name)
    data = bytes(data)  # the same object for bytes; a bytearray or memoryview is copied once
    _check_byte_count(len(data), name, limits)
    return _decode(data, name, max_side, limits)


# --- the steps --------------------------------------------------------------------------------


def _decode(data: bytes, name: str, max_side: int | None, limits: ImageLimits) -> LoadedImage:
    image = _open(data, name, limits)
    with image:
        stored_width, stored_height = image.size
        _check_dimensions(stored_width, stored_height, name, limits)
        file_format = "JPEG" if image.format == "MPO" else str(image.format)
        try:
            rgb, (width, height) = _upright_working_copy(
                image, data, max_side, limits.max_whole_pixels
            )
        except _WholeTooLargeError as error:
            raise InvalidImageError(
                f'"{name}" is {stored_width}×{stored_height} pixels '
                f"({_megapixels(stored_width * stored_height)} megapixels) in a kind of file "
                f"({file_format}{', progressive' if image.info.get('progressive') else ''}) "
                "that can only be decoded whole, which posecheck does up to "
                f"{_megapixels(limits.max_whole_pixels)} megapixels. Save it as a standard "
                "JPEG (or export a smaller copy) and try again.",
                code=ErrorCode.TOO_MANY_PIXELS,
                extra={
                    "name": name,
                    "width": stored_width,
                    "height": stored_height,
                    "max_pixels": limits.max_whole_pixels,
                },
            ) from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name, stored_width, stored_height, limits) from error
        except MemoryError as error:
            raise InvalidImageError(
                f'Ran out of memory decoding "{name}" ({stored_width}×{stored_height} pixels). '
                "Try a smaller copy of the photo.",
                code=ErrorCode.TOO_MANY_PIXELS,
                extra={"name": name, "width": stored_width, "height": stored_height},
            ) from error
        except _DECODE_ERRORS as error:
            raise _corrupt(name, file_format, error) from error
    rgb.flags.writeable = False
    return LoadedImage(
        rgb=rgb,
        width=width,
        height=height,
        scale=rgb.shape[1] / width,
        format=file_format,
        name=name,
    )


def _open(data: bytes, name: str, limits: ImageLimits) -> ImageFile.ImageFile:
    """Pillow's lazy open: reads the header only; the pixels are decoded by ``load()``."""
    formats = (*_PILLOW_FORMATS, _HEIF) if _ensure_heif_opener() else _PILLOW_FORMATS
    try:
        return Image.open(io.BytesIO(data), formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard fired before we could read the size. Its limit is a global we read
        # but never change; the warning only arrives here when warnings are turned into errors.
        limit = limits.max_pixels
        if Image.MAX_IMAGE_PIXELS is not None:
            factor = 2 if isinstance(error, Image.DecompressionBombError) else 1
            limit = min(limit, factor * Image.MAX_IMAGE_PIXELS)
        raise InvalidImageError(
            f'"{name}" has too many pixels to open safely (the limit is {_megapixels(limit)} '
            "megapixels). Resize the photo or export a smaller copy, then try again.",
            code=ErrorCode.TOO_MANY_PIXELS,
            extra={"name": name, "max_pixels": limit},
        ) from error
    except UnidentifiedImageError as error:
        raise _not_recognised(data, name) from error
    except _DECODE_ERRORS as error:
        raise _corrupt(name, _sniff(data), error) from error


class _WholeTooLargeError(Exception):
    """A file that only decodes whole declares more pixels than ``max_whole_pixels``."""


def _check_whole(image: ImageFile.ImageFile, size: tuple[int, int], max_whole: int) -> None:
    """Before a format is decoded whole: refuse it past ``max_whole`` pixels (a baseline JPEG,
    scaled while decoding, is not held whole; a progressive one keeps every coefficient)."""
    baseline_jpeg = image.format in ("JPEG", "MPO") and not image.info.get("progressive")
    if not baseline_jpeg and size[0] * size[1] > max_whole:
        raise _WholeTooLargeError


def _upright_working_copy(
    image: ImageFile.ImageFile, data: bytes, max_side: int | None, max_whole_pixels: int
) -> tuple[UInt8Array, tuple[int, int]]:
    """Decode, shrink to ``max_side``, convert to RGB, make upright.

    Returns the working copy and the original's upright (width, height). Shrinking happens in the
    stored (unrotated) frame, before orientation: the long side is the same either way, and
    rotating the small copy is cheaper. The pixels come as bands of rows in the decoder's own
    mode (``_Pixels``) and each band is reduced before the next is decoded where the format
    allows (``_png_pixels``, ``_tiff_pixels``); elsewhere the decoder's image is cut into bands.
    """
    size = image.size
    target = _fit(size, max_side)
    if image.format in ("JPEG", "MPO"):
        _check_jpeg_data(data)
        if max_side is not None and _complete_jpeg(image, data):
            fast = _scaled_jpeg(data, size, max_side)
            if fast is not None:
                orientation = _orientation(image)
                return _apply_orientation(fast, orientation), _upright(size, orientation)
        if target != size:
            # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, to no less than target each way.
            image.draft("RGB", target)
    pixels = _png_pixels(image, data, max_side) or _tiff_pixels(image, data, max_side)
    if pixels is None:
        _check_whole(image, size, max_whole_pixels)
        pixels = _webp_pixels(image, data, max_side) or _decoded_pixels(image, size, max_side)
    builder = _WorkingCopy(pixels.size, _fit(pixels.stored_size, max_side))
    for band in pixels.bands:
        builder.add(band)
    rgb = _apply_orientation(builder.result(), pixels.orientation)
    return rgb, _upright(pixels.stored_size, pixels.orientation)


def _upright(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation >= 5 else size  # 5-8 swap the axes


def _complete_jpeg(image: ImageFile.ImageFile, data: bytes) -> bool:
    """An RGB or gray JPEG whose data ends with the end-of-image marker.

    Only those take the fast path: OpenCV decodes a truncated JPEG with a grey bottom instead of
    failing, so anything else goes through Pillow, which reports the damage.
    """
    if image.format not in ("JPEG", "MPO") or image.mode not in ("RGB", "L"):
        return False
    return data.rstrip(b"\0\r\n ")[-2:] == b"\xff\xd9"


#: Fewest bits an 8x8 block can take in a Huffman-coded JPEG, by frame type: a sequential scan
#: codes a DC difference and an AC symbol (EOB at least) per block, a progressive file's first DC
#: scan a DC difference. Arithmetic coding (rare) has no such floor and is not checked.
_JPEG_MIN_BITS_PER_BLOCK: Final = {0xC0: 2, 0xC1: 2, 0xC2: 1}


def _check_jpeg_data(data: bytes) -> None:
    """Refuse a JPEG whose header declares more pixels than its data can hold.

    libjpeg (in Pillow and OpenCV alike) fills missing blocks with flat grey and only warns, so a
    64x64 photo whose frame header says 10950x10950 would decode as a big grey picture. No real
    file spends less than ``_JPEG_MIN_BITS_PER_BLOCK`` per 8x8 block of its first component, so
    fewer bytes after the first scan header than that is a lie or a truncation. Reads only the
    header segments: microseconds, whatever the file's size.
    """
    position, frame = 2, None
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _JPEG_MIN_BITS_PER_BLOCK and frame is None and length >= 8:
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            frame = marker, width, height
        if marker == 0xDA and frame is not None:
            kind, width, height = frame
            blocks = -(-width // 8) * -(-height // 8)
            needed = blocks * _JPEG_MIN_BITS_PER_BLOCK[kind] // 8
            held = len(data) - (position + 2 + length)
            if held < needed:
                raise OSError(
                    f"the header declares {width}×{height} pixels, which take at least "
                    f"{needed} bytes of image data, but the file holds {max(held, 0)}"
                )
            return
        if marker in (0xD9, 0xDA):
            return
        position += 2 + length


#: The DCT-scaled JPEG is used as it is when its long side is at least this share of max_side.
_MIN_WORKING_FRACTION: Final = 0.6
_REDUCED_FLAGS: Final = {
    8: cv2.IMREAD_REDUCED_COLOR_8,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    1: cv2.IMREAD_COLOR,
}


def _scaled_jpeg(data: bytes, size: tuple[int, int], max_side: int) -> UInt8Array | None:
    """Decode a JPEG at 1/2, 1/4 or 1/8 scale with libjpeg-turbo's DCT scaling (OpenCV's build).

    The largest reduction whose long side is still >= 0.6 x ``max_side`` is taken, so a 12 MP
    photo is decoded at 1/4 scale straight to about 1000 px, with no resize after; only a copy
    still over ``max_side`` is shrunk (bilinear: under 2x there is little to alias). About 3x
    faster than Pillow's ``draft`` path here. None when OpenCV cannot decode it.
    """
    long_side = max(size)
    factor = next(
        f for f in (8, 4, 2, 1) if f == 1 or long_side / f >= _MIN_WORKING_FRACTION * max_side
    )
    flags = _REDUCED_FLAGS[factor] | cv2.IMREAD_IGNORE_ORIENTATION
    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if bgr is None or bgr.ndim != 3:
        return None
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    target = _fit((rgb.shape[1], rgb.shape[0]), max_side)
    if target != (rgb.shape[1], rgb.shape[0]):
        rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_LINEAR)
    return np.asarray(rgb, dtype=np.uint8)


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
    more, a whole number of the boxes ``_WorkingCopy`` reduces by (so no rows carry over)."""
    factor = _reduce_factor(size, _fit(stored_size, max_side))
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
class _Pixels:
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


def _decoded_pixels(
    image: ImageFile.ImageFile, stored_size: tuple[int, int], max_side: int | None
) -> _Pixels:
    """Any format: the decoder holds the whole image (in its own mode); bands are cut from it."""
    image.load()  # Pillow turns a TIFF upright here (and drops its orientation tag)
    orientation = _orientation(image)

    def crops() -> Iterator[Image.Image]:
        width, height = image.size
        rows = _band_rows(image.size, stored_size, max_side)
        for top in range(0, height, rows):
            yield image.crop((0, top, width, min(height, top + rows)))

    return _Pixels(crops(), image.size, stored_size, orientation)


class _WorkingCopy:
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


def _png_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> _Pixels | None:
    """A big non-interlaced PNG, inflated and unfiltered a band of rows at a time; else None.

    Pillow's PNG decoder fills the whole image before anything can be reduced (a 120 MP 16-bit
    RGBA file of a few MB takes 480 MB), so the compressed stream is inflated here, a few MB at
    a time, and Pillow undoes the row filters of each band, handed the band as a small stored
    (uncompressed) PNG whose first row is the previous band's last row, unfiltered.
    Interlaced files and those Pillow reads in another mode go to ``_decoded_pixels``.
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
    return _Pixels(bands, image.size, image.size, _orientation(image))


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


def _tiff_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> _Pixels | None:
    """A TIFF in strips or tiles, decoded a few MB of rows at a time; None otherwise.

    Pillow (libtiff) decodes a compressed TIFF whole, and turns it upright in a second copy, so
    a 0.8 MB float TIFF of 120 MP takes 1 GB. Here each band is a small TIFF of its own: the
    decoding tags of the original and the band's strips (or tiles), which Pillow decodes like
    the original, in the same mode, without turning it. Old-style JPEG, a layout that does not
    add up, or a band Pillow reads in another mode go to ``_decoded_pixels``.
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
    except _DECODE_ERRORS:
        return None  # a stand-in Pillow cannot open: let it judge the original whole
    rows = min(layout.height, layout.units_per_band * layout.unit_rows)
    if first.mode != image.mode or first.size != (layout.width, rows):
        first.close()
        return None
    orientation = tags.get(ExifTags.Base.Orientation, 1)
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        orientation = 1
    size = (layout.width, layout.height)
    return _Pixels(_tiff_bands(first, tags.prefix, entries, layout, data), size, size, orientation)


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
    step = _reduce_factor(size, _fit(size, max_side))
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


def _webp_pixels(image: ImageFile.ImageFile, data: bytes, max_side: int | None) -> _Pixels | None:
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

    return _Pixels(bands(), image.size, image.size, _orientation(image))


def _orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation, 1-8; 1 when absent or unreadable.

    HEIF needs nothing here: libheif applies the rotation itself and pillow-heif resets the tag.
    """
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, struct.error):
        return 1  # damaged EXIF is no reason to refuse pixels that decode fine
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _apply_orientation(rgb: UInt8Array, orientation: int) -> UInt8Array:
    """Turn stored pixels upright per EXIF orientation (2-8); 1 returns ``rgb`` itself."""
    if orientation == 2:
        result = cv2.flip(rgb, 1)
    elif orientation == 3:
        result = cv2.rotate(rgb, cv2.ROTATE_180)
    elif orientation == 4:
        result = cv2.flip(rgb, 0)
    elif orientation == 5:
        result = cv2.transpose(rgb)
    elif orientation == 6:
        result = cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE)
    elif orientation == 7:
        result = cv2.rotate(cv2.transpose(rgb), cv2.ROTATE_180)
    elif orientation == 8:
        result = cv2.rotate(rgb, cv2.ROTATE_90_COUNTERCLOCKWISE)
    else:
        return rgb
    return np.asarray(result, dtype=np.uint8)


def _fit(size: tuple[int, int], max_side: int | None) -> tuple[int, int]:
    """(width, height) with the long side shrunk to ``max_side``; never enlarged."""
    width, height = size
    long_side = max(width, height)
    if max_side is None or long_side <= max_side:
        return width, height
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side


def _ensure_heif_opener() -> bool:
    """Register pillow-heif with Pillow on first use (not at import); False if not installed."""
    if _HEIF in Image.OPEN:
        return True
    try:
        import pillow_heif  # imported here: registering is a global change, made on first use
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


# --- checks and messages ----------------------------------------------------------------------


def _check_max_side(max_side: int | None) -> None:
    if max_side is not None and (isinstance(max_side, bool) or max_side < 1):
        raise ValueError(f"max_side: expected a positive int or None, got {max_side!r}")


def _check_byte_count(size: int, name: str, limits: ImageLimits) -> None:
    if size == 0:
        raise InvalidImageError(
            f'"{name}" is empty (0 bytes). {_CHOOSE_ANOTHER}',
            code=ErrorCode.EMPTY_FILE,
            extra={"name": name},
        )
    if size > limits.max_file_bytes:
        raise InvalidImageError(
            f'"{name}" is {_megabytes(size)}; the limit is {_megabytes(limits.max_file_bytes)}. '
            "Export a smaller copy (a 12-megapixel JPEG is plenty) and try again.",
            code=ErrorCode.FILE_TOO_LARGE,
            extra={"name": name, "bytes": size, "max_file_bytes": limits.max_file_bytes},
        )


def _check_dimensions(width: int, height: int, name: str, limits: ImageLimits) -> None:
    if width * height > limits.max_pixels:
        raise _too_many_pixels(name, width, height, limits)
    if min(width, height) < limits.min_side:
        raise InvalidImageError(
            f'"{name}" is only {width}×{height} pixels; posecheck needs at least '
            f"{limits.min_side} pixels on each side. Use the original photo, not a thumbnail.",
            code=ErrorCode.IMAGE_TOO_SMALL,
            extra={"name": name, "width": width, "height": height, "min_side": limits.min_side},
        )


def _too_many_pixels(name: str, width: int, height: int, limits: ImageLimits) -> InvalidImageError:
    return InvalidImageError(
        f'"{name}" is {width}×{height} pixels ({_megapixels(width * height)} megapixels); '
        f"the limit is {_megapixels(limits.max_pixels)} megapixels. "
        "Resize the photo or export a smaller copy, then try again.",
        code=ErrorCode.TOO_MANY_PIXELS,
        extra={"name": name, "width": width, "height": height, "max_pixels": limits.max_pixels},
    )


def _corrupt(name: str, file_format: str | None, error: BaseException) -> InvalidImageError:
    reason = " ".join(str(error).split())[:160] or type(error).__name__
    what = f"a {_DISPLAY_NAMES.get(file_format, file_format)}" if file_format else "an image"
    return InvalidImageError(
        f'"{name}" looks like {what} file but could not be decoded ({reason}); it may be '
        "truncated or damaged. Open it in a photo viewer and save or download it again, "
        f"or choose another photo ({_FORMATS_TEXT}).",
        code=ErrorCode.CORRUPT_IMAGE,
        extra={"name": name, "reason": reason},
    )


def _unreadable(name: str, error: OSError) -> InvalidImageError:
    if isinstance(error, PermissionError):
        what, hint = "permission denied", "Check the file's permissions, or copy it somewhere"
    else:
        what, hint = error.strerror or type(error).__name__, "Check the disk, or copy the file"
    return InvalidImageError(
        f'Cannot read "{name}": {what}. {hint} you can read and try again.',
        code=ErrorCode.UNREADABLE,
        extra={"name": name, "reason": what},
    )


def _not_recognised(data: bytes, name: str) -> InvalidImageError:
    """Pillow could not open it: a damaged file of a format we read, or another format."""
    supported = _sniff(data)
    if supported == "HEIC" and not _ensure_heif_opener():
        what = "a HEIC photo, but HEIC support (the pillow-heif package) is not installed"
        return _unsupported(name, what)
    if supported:
        return _corrupt(name, supported, UnidentifiedImageError("the header is unreadable"))
    return _unsupported(name, _describe_unsupported(data))


def _unsupported(name: str, what: str | None) -> InvalidImageError:
    said = (
        f"is {what}, which posecheck cannot read" if what else "is not an image posecheck can read"
    )
    return InvalidImageError(
        f'"{name}" {said}. {_CHOOSE_ANOTHER}',
        code=ErrorCode.UNSUPPORTED_FORMAT,
        extra={"name": name, "supported": list(SUPPORTED_FORMATS)},
    )


def _sniff(data: bytes) -> str | None:
    """The supported format these bytes claim to be (by magic number), if any."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[:2] == b"BM" and len(head) >= 18 and head[14] in (12, 16, 40, 52, 56, 64, 108, 124):
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIC"
    return None


_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)

_UNSUPPORTED_MAGIC: Final = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"8BPS", "a Photoshop document"),
    (b"\x00\x00\x00\x0cJXL ", "a JPEG XL image"),
    (b"\xff\x0a", "a JPEG XL image"),
    (b"PK\x03\x04", "a ZIP archive"),
)


def _describe_unsupported(data: bytes) -> str | None:
    """What these bytes look like, if we can tell: "a GIF image", "a text file", ..."""
    head = data[:1024]
    for magic, what in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            return what
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "an AVIF image"
    if head[4:8] == b"ftyp":
        return "a video or other media file"
    if b"<svg" in head.lower():
        return "an SVG drawing"
    if _looks_like_text(head):
        return "a text file"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut off at the end
            return False
        text = head[: error.start].decode("utf-8")
    return all(char.isprintable() or char in "\t\r\n" for char in text)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.0f}" if pixels >= 10_000_000 else f"{pixels / 1e6:.1f}"
