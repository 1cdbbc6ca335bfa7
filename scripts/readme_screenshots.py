"""The README's screenshots, from the ones the real-browser tests take (out/screenshots/):

    .venv/bin/pytest -s tests/test_browser*.py && .venv/bin/python scripts/readme_screenshots.py

Each chosen screenshot is cut to its first screen and scaled down, then written to
docs/screenshots/ as a JPEG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "out" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"

#: (the test's screenshot, the README's name, the width to scale to, the height to keep).
CHOSEN = (
    ("21-report-desktop-top.png", "check-desktop.jpg", 900, 1100),
    ("22-report-desktop-body-map-and-cards.png", "measures-desktop.jpg", 900, 1100),
    ("25-report-phone-body-map.png", "check-phone.jpg", 400, 800),
    ("26-report-phone-cards.png", "measures-phone.jpg", 400, 800),
    ("02-live-stance-measured.png", "live-desktop.jpg", 900, 1100),
    ("06b-live-heel-raises-said-aloud.png", "coach-desktop.jpg", 900, 1000),
    ("15-live-recorded-clip-result.png", "clip-desktop.jpg", 900, 900),
    ("phone-2-live-over-https.png", "live-phone-https.jpg", 400, 800),
    ("20-correct-desktop-2-corrected.png", "correct-desktop.jpg", 900, 1000),
    ("h02-history-side-by-side.png", "history-desktop.jpg", 900, 1100),
    ("h05-history-phone-trend.png", "history-phone.jpg", 400, 800),
    ("pictures-1280-1-heel_raises.png", "exercises-desktop.jpg", 900, 700),
)


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = [name for name, *_ in CHOSEN if not (SOURCE / name).is_file()]
    if missing:
        print(f"run the browser tests first; missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    for name, out, width, keep in CHOSEN:
        with Image.open(SOURCE / name) as image:
            picture = image.convert("RGB")
        scale = width / picture.width
        picture = picture.resize((width, round(picture.height * scale)), Image.Resampling.LANCZOS)
        picture = picture.crop((0, 0, width, min(keep, picture.height)))
        picture.save(TARGET / out, quality=88, optimize=True)
        size = (TARGET / out).stat().st_size // 1024
        print(f"{out}: {picture.width}x{picture.height}, {size} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
