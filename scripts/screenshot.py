"""Screenshot of the app for the README: start it, open it in headless Chromium, load photos.

    .venv/bin/python scripts/screenshot.py OUT.png [PHOTO ...]

Without photos it presses the first "try a sample" button. Needs Debian's chromium and
chromium-driver (`apt-get install chromium chromium-driver`).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_server(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not start at {url}")


def browser(profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1400,2400", "--hide-scrollbars",
    ):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main(out: Path, photos: list[Path]) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_server(url)
        with tempfile.TemporaryDirectory() as profile:
            driver = browser(profile)
            try:
                driver.get(url)
                wait = WebDriverWait(driver, 120)
                if photos:
                    upload = wait.until(
                        ec.presence_of_element_located((By.CSS_SELECTOR, "input[type=file]"))
                    )
                    upload.send_keys("\n".join(str(p.resolve()) for p in photos))
                else:
                    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button[kind]")))
                    buttons = driver.find_elements(By.CSS_SELECTOR, "button[kind]")
                    next(b for b in buttons if "Browse" not in b.text).click()
                wait.until(
                    ec.presence_of_element_located((By.XPATH, "//h2[contains(., 'Your report')]"))
                )
                time.sleep(3)  # let the pictures finish drawing
                driver.save_screenshot(str(out))
            finally:
                driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
