"""Encode raw RGB frames into an MP4: H.264 through PyAV (libx264), else MPEG-4 Part 2 through
OpenCV.

.venv-synth has no video writer (imageio there has neither imageio-ffmpeg nor PyAV), so
``synth.clips`` runs this file as a script with posecheck's interpreter (``.venv/bin/python``,
which has PyAV and OpenCV) and pipes the frames to it::

    python synth/encode.py --out clip.mp4 --size 360x640 --fps 15 [--crf 23] < frames.rgb

stdin holds the frames back to back, each ``width * height * 3`` bytes of RGB (rows top to
bottom). Prints ``<frames> frames <codec> <bytes>`` on success. Standalone: it imports neither
``synth`` nor ``posecheck``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

#: libx264 settings: one thread (the same bytes every run) and a keyframe every 2 s.
X264_PRESET = "slow"


def read_frames(stream: BinaryIO, width: int, height: int) -> Iterator[bytes]:
    size = width * height * 3
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        if len(chunk) != size:
            raise ValueError(f"a partial frame: {len(chunk)} of {size} bytes")
        yield chunk


def encode_h264(frames: Iterator[bytes], out: Path, width: int, height: int, fps: float,
                crf: int) -> int:  # fmt: skip
    import av
    import numpy as np

    rate = Fraction(fps).limit_denominator(1001)
    count = 0
    container: Any = av.open(str(out), mode="w")
    try:
        stream: Any = container.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = 1
        stream.codec_context.gop_size = max(1, round(2 * fps))
        stream.options = {"crf": str(crf), "preset": X264_PRESET}
        for chunk in frames:
            rgb = np.frombuffer(chunk, dtype=np.uint8).reshape(height, width, 3)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = count
            frame.time_base = 1 / rate
            for packet in stream.encode(frame):
                container.mux(packet)
            count += 1
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    return count


def encode_mp4v(frames: Iterator[bytes], out: Path, width: int, height: int, fps: float) -> int:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {out} with mp4v")
    count = 0
    try:
        for chunk in frames:
            rgb = np.frombuffer(chunk, dtype=np.uint8).reshape(height, width, 3)
            writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
            count += 1
    finally:
        writer.release()
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Raw RGB frames on stdin -> MP4.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", required=True, help="WIDTHxHEIGHT")
    parser.add_argument("--fps", type=float, required=True)
    parser.add_argument("--crf", type=int, default=23, help="H.264 quality (lower is better)")
    parser.add_argument("--codec", choices=("auto", "h264", "mp4v"), default="auto")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    frames = read_frames(sys.stdin.buffer, width, height)
    codec = args.codec
    if codec == "auto":
        try:
            import av  # noqa: F401

            codec = "h264"
        except ImportError:
            codec = "mp4v"
    if codec == "h264":
        count = encode_h264(frames, args.out, width, height, args.fps, args.crf)
    else:
        count = encode_mp4v(frames, args.out, width, height, args.fps)
    print(f"{count} frames {codec} {args.out.stat().st_size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
