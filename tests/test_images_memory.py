"""posecheck.images keeps its peak memory within the bound its docstring states, whatever the
pixel count: each case is a small file declaring (and holding) about 120 megapixels, loaded in a
child process that measures its own peak resident memory (VmHWM, reset just before loading).

tracemalloc would not do: the pixels live in C allocations (Pillow, libpng, libtiff, OpenCV).
The files come from ``scripts/hostile_corpus.py``'s builders, made here in milliseconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from posecheck.images import DEFAULT_MAX_SIDE

pytestmark = pytest.mark.slow  # a child process per case: seconds each

REPO = Path(__file__).resolve().parents[1]

#: The bound stated in posecheck/images.py for formats decoded a band at a time (baseline JPEG,
#: non-interlaced PNG, TIFF in strips or tiles): peak growth while loading, beyond the file.
STREAMED_BOUND_MB = 128

# The child: warm every decoder up on small files (libraries load, first-use buffers), then for
# each path reset the peak (writing 5 to /proc/self/clear_refs), load it, and report the peak
# growth over the resident memory just before, the outcome and the time.
CHILD = r"""
import io, json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
from PIL import Image
import posecheck.images as images
from posecheck.errors import InvalidImageError

def status_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)

small = Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 80, 3), np.uint8))
deflate = {"compression": "tiff_adobe_deflate"}
for file_format, params in [("JPEG", {}), ("PNG", {}), ("TIFF", deflate), ("WEBP", {}),
                            ("BMP", {})]:
    buffer = io.BytesIO()
    small.save(buffer, file_format, **params)
    images.decode_image(buffer.getvalue())
results = []
for path in sys.argv[1:]:
    before = status_mb("VmRSS")
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # the peak (VmHWM) starts again from the current size
    loaded, corners, start = None, None, time.perf_counter()
    try:
        loaded = images.load_image(path)
        outcome = ["ok", loaded.width, loaded.height, list(loaded.rgb.shape)]
        height, width = loaded.rgb.shape[:2]  # the colour at the middle of each quarter
        corners = [loaded.rgb[y * height // 4, x * width // 4].tolist()
                   for y in (1, 3) for x in (1, 3)]
    except InvalidImageError as error:
        outcome = ["error", error.code.value]
    seconds = time.perf_counter() - start
    results.append({"path": path, "peak_mb": status_mb("VmHWM") - before,
                    "seconds": seconds, "outcome": outcome, "corners": corners})
    del loaded
print(json.dumps(results))
"""


@cache
def hostile_corpus() -> ModuleType:
    """``scripts/hostile_corpus.py`` as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "hostile_corpus", REPO / "scripts" / "hostile_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("hostile_corpus", module)
    spec.loader.exec_module(module)
    return module


def measure(paths: list[Path], *, timeout: float, env: dict[str, str] | None = None) -> list[dict]:
    """Load each path in one child process; its peak memory growth, outcome and time per path."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc/self/clear_refs to reset the peak memory between files")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def huge_cases() -> dict[str, object]:
    """name -> builder of the bytes; each declares and holds about 120 megapixels."""
    corpus = hostile_corpus()
    side = corpus.HUGE_SIDE
    palette = bytes(range(256)) * 3
    return {
        # the reproducer: 0.86 MB, 480 MB of floats; 2.4 GB before the fix
        "float32.tif": lambda: corpus.float_tiff(side, side),
        # 4 MB, 960 MB of samples; 1.4 GB before
        "rgba16.png": lambda: corpus.png(side, side, bit_depth=16, colour_type=6),
        # 1.2 MB, 240 MB of samples; 690 MB before
        "gray16.png": lambda: corpus.png(side, side, bit_depth=16, colour_type=0),
        # 5.6 MB; 30 MB before (Pillow's DCT scaling)
        "cmyk.jpg": lambda: corpus.tall_jpeg(side, side, (10, 20, 30, 40), "CMYK"),
        # 0.7 MB; 580 MB before
        "palette.png": lambda: corpus.png(side, side, colour_type=3, palette=palette),
        # 1.9 MB; 17 MB before (the DCT-scaled fast path, unchanged)
        "rgb.jpg": lambda: corpus.tall_jpeg(side, side),
    }


@pytest.mark.parametrize("name", sorted(huge_cases()))
def test_peak_memory_of_a_120_megapixel_file_is_bounded(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(huge_cases()[name]())  # type: ignore[operator]
    [result] = measure([path], timeout=120)
    side = hostile_corpus().HUGE_SIDE
    assert result["outcome"] == ["ok", side, side, [DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE, 3]], result
    assert result["peak_mb"] <= STREAMED_BOUND_MB, result
    assert result["peak_mb"] >= 0.5, "the measurement saw nothing: is VmHWM being reset?"


def test_a_lying_jpeg_header_is_refused_before_decoding(tmp_path: Path) -> None:
    """64x64 pixels of data under a header claiming 10950x10950: corrupt, and nothing decoded."""
    corpus = hostile_corpus()
    small = corpus.encode(corpus.Image.new("RGB", (64, 64), (200, 120, 40)), "JPEG")
    path = tmp_path / "lying.jpg"
    path.write_bytes(corpus.with_jpeg_size(small, corpus.HUGE_SIDE, corpus.HUGE_SIDE))
    [result] = measure([path], timeout=60)
    assert result["outcome"] == ["error", "corrupt_image"], result
    assert result["peak_mb"] <= 8, result


def test_a_file_decoded_whole_is_refused_past_its_limit_before_decoding(tmp_path: Path) -> None:
    """Lossless WebP, interlaced PNG, run-length BMP: their decoders hold the whole image (up to
    8 bytes a pixel, about 1 GB at 120 MP). Past ImageLimits.max_whole_pixels (50 MP) they are
    refused as too many pixels, having cost next to nothing; under it they are read."""
    from posecheck.images import ImageLimits

    corpus = hostile_corpus()
    limit = ImageLimits().max_whole_pixels
    side = int(limit**0.5) + 400  # just past the limit
    files = {
        "big.webp": corpus.lossless_webp(side, side),
        "big_interlaced.png": corpus.interlaced_png(side, side),
        "big.bmp": corpus.rle_bmp(side, side),
        "small.webp": corpus.lossless_webp(2000, 2000),
    }
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    results = {Path(r["path"]).name: r for r in measure(paths, timeout=120)}
    for name in ("big.webp", "big_interlaced.png", "big.bmp"):
        assert results[name]["outcome"] == ["error", "too_many_pixels"], results[name]
        assert results[name]["peak_mb"] < 16, results[name]
    assert results["small.webp"]["outcome"][0] == "ok", results["small.webp"]
