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

Memory: reduce first, convert after (``posecheck.bands``). The pixels reach ``WorkingCopy`` as
bands of rows in the decoder's own mode; each band is converted to a mode that averages correctly
(gray, RGB, alpha premultiplied, float) and reduced by a whole factor (Pillow's ``reduce``, a box
average) before the next band is decoded; alpha is composited onto white and float stretched to
0..255 on the reduced image, and ``cv2.INTER_AREA`` does the last step (< 2x). Beyond the file's
own bytes, the peak is bounded by the working copy, not by the pixel count, wherever the format
allows:

* JPEG (baseline), non-interlaced PNG, TIFF in strips or tiles: at most ``bands._WHOLE_IMAGE_BYTES``
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
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, UnidentifiedImageError

from posecheck.bands import (
    DECODE_ERRORS,
    WorkingCopy,
    decoded_pixels,
    exif_orientation,
    fit,
    png_pixels,
    tiff_pixels,
    webp_pixels,
)
from posecheck.errors import ErrorCode, InvalidImageError, stat_file, unreadable
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
    info = stat_file(path, name, InvalidImageError)
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
        raise unreadable(name, error, InvalidImageError) from error
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
        except DECODE_ERRORS as error:
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
    except DECODE_ERRORS as error:
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
    mode (``Pixels``) and each band is reduced before the next is decoded where the format
    allows (``png_pixels``, ``tiff_pixels``); elsewhere the decoder's image is cut into bands.
    """
    size = image.size
    target = fit(size, max_side)
    if image.format in ("JPEG", "MPO"):
        _check_jpeg_data(data)
        if max_side is not None and _complete_jpeg(image, data):
            fast = _scaled_jpeg(data, size, max_side)
            if fast is not None:
                turn = exif_orientation(image)
                return _apply_orientation(fast, turn), _upright(size, turn)
        if target != size:
            # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, to no less than target each way.
            image.draft("RGB", target)
    pixels = png_pixels(image, data, max_side) or tiff_pixels(image, data, max_side)
    if pixels is None:
        _check_whole(image, size, max_whole_pixels)
        pixels = webp_pixels(image, data, max_side) or decoded_pixels(image, size, max_side)
    builder = WorkingCopy(pixels.size, fit(pixels.stored_size, max_side))
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
    target = fit((rgb.shape[1], rgb.shape[0]), max_side)
    if target != (rgb.shape[1], rgb.shape[0]):
        rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_LINEAR)
    return np.asarray(rgb, dtype=np.uint8)


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
