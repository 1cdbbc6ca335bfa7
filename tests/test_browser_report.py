"""The report in a real browser: press a sample on the Check page, see the body map and the measure
cards, switch a photo layer, download the PDF and read it (pdftotext); at 1280 px and on a phone
(400 px). Screenshots go to out/screenshots/ (21-27)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from posecheck import MEASURES
from tests.test_browser import (  # noqa: F401  (server and profile are fixtures)
    By,
    WebDriver,
    WebElement,
    chromium,
    first,
    page_text,
    profile,
    server,
    settled,
    shot,
    wait_for,
)

pytestmark = pytest.mark.slow
PDFTOTEXT = shutil.which("pdftotext")
LABELS = tuple(spec.label.capitalize() for spec in MEASURES)


def _ready(driver: WebDriver) -> bool:
    """The report, its body map and its cards are on screen and the page has stopped updating."""
    if not settled(driver):
        return False
    if not driver.find_elements(By.XPATH, "//h3[contains(., 'At a glance')]"):
        return False
    return bool(
        driver.execute_script(
            "return [...document.querySelectorAll(\"[data-testid='stImage']\")].some(box =>"
            " box.innerText.trim().startsWith('Body map') && box.querySelector('img').complete)"
        )
    )


def _images(driver: WebDriver) -> list[WebElement]:
    """Streamlit's image boxes: the picture and its caption (its text alternative)."""
    return list(driver.find_elements(By.CSS_SELECTOR, "[data-testid='stImage']"))


def _button(driver: WebDriver, words: str) -> WebElement | None:
    driver.switch_to.default_content()
    return first(driver.find_elements(By.XPATH, f"//button[contains(., '{words}')]"))


def _captions(driver: WebDriver, start: str) -> list[str]:
    """The captions that begin with ``start``, read in one go (the page may be redrawing)."""
    driver.switch_to.default_content()
    texts = driver.execute_script(
        "return [...document.querySelectorAll(\"[data-testid='stImage']\")]"
        ".map(box => box.innerText)"
    )
    return [str(text).strip() for text in texts if str(text).strip().startswith(start)]


def _scroll_to(driver: WebDriver, xpath: str, block: str = "start") -> None:
    element = driver.find_element(By.XPATH, xpath)
    driver.execute_script(f"arguments[0].scrollIntoView({{block: '{block}'}})", element)
    time.sleep(0.8)


def test_report_body_map_cards_and_pdf_in_a_real_browser(
    server: str,  # noqa: F811
    profile: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chromium(profile, None, (1280, 1400))
    try:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        driver.get(f"{server}/")
        sample = wait_for("the sample buttons", lambda: _button(driver, "man misaligned"), 90, 0.3)
        pressed = time.monotonic()
        sample.click()
        wait_for("the report with its body map", lambda: _ready(driver), 180, 0.2)
        took = time.monotonic() - pressed
        print(f"\n[report] sample pressed to body map on screen: {took:.2f} s")
        # the whole page drawn: the photos' layer switches come after the report
        wait_for(
            "the photos below the report",
            lambda: driver.find_elements(By.XPATH, "//button[normalize-space(.)='labels']"),
            60,
            0.2,
        )
        text = page_text(driver)
        assert "Your report from 3 photos" in text and "Your measures" in text
        assert len(_captions(driver, "Body map")) == 1
        assert "Left knee: " in text and "Head: " in text  # the regions in words beside it
        scales = _captions(driver, "Scale: usual range")
        cards = [label for label in LABELS if f"{label} · " in text]
        assert len(scales) >= 15 and len(cards) >= 15, (len(scales), cards)
        assert "_" not in " ".join(cards)
        time.sleep(1)
        shot(driver, "21-report-desktop-top")
        _scroll_to(driver, "//h3[contains(., 'At a glance')]")
        shot(driver, "22-report-desktop-body-map-and-cards")

        # a photo layer switched off: the picture's caption says what is drawn
        labels = wait_for(
            "the photo's layer switches",
            lambda: driver.find_elements(By.XPATH, "//button[normalize-space(.)='labels']"),
            60,
            0.2,
        )
        _scroll_to(driver, "//p[normalize-space(.)='Show on the photo']")
        shot(driver, "23-report-desktop-photo-with-status-labels")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", labels[0])
        labels[0].click()
        wait_for(
            "the photo without its labels",
            lambda: any(
                "with skeleton, measure lines;" in alt for alt in _captions(driver, "man_")
            ),
            60,
            0.2,
        )
        time.sleep(1)
        shot(driver, "24-report-desktop-photo-without-labels")

        # the PDF, made when the button is pressed
        pdf_button = wait_for(
            "the PDF button", lambda: _button(driver, "Download the report (PDF)"), 30
        )
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pdf_button)
        pdf_button.click()
        saved = wait_for(
            "the PDF download",
            lambda: [p for p in downloads.glob("*.pdf") if p.stat().st_size > 0],
            90,
            0.3,
        )[0]
        time.sleep(0.5)  # let chromium finish renaming it
        assert saved.read_bytes().startswith(b"%PDF")
        if PDFTOTEXT is not None:
            pdf_text = subprocess.run(
                [PDFTOTEXT, "-layout", str(saved), "-"], capture_output=True, check=True, text=True
            ).stdout
            for words in ("posecheck report", "At a glance", "left foot angle", "hip level"):
                assert words in pdf_text, words
            print(f"[report] the PDF: {saved.stat().st_size} bytes, {len(pdf_text)} characters")

        # a phone: the cards stack, nothing runs off the side
        driver.set_window_size(400, 900)
        time.sleep(2)
        _scroll_to(driver, "//h3[contains(., 'At a glance')]")
        shot(driver, "25-report-phone-body-map")
        _scroll_to(driver, "//h3[contains(., 'Your measures')]")
        shot(driver, "26-report-phone-cards")
        widths = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1] + 1, f"the page is wider than the phone: {widths}"
        scales = [box for box in _images(driver) if box.text.startswith("Scale: usual range")]
        boxes = [box.find_element(By.TAG_NAME, "img").rect for box in scales]
        # stacked in reading order: each card's scale below the one before, inside the screen
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= 400 for b in boxes), boxes
        assert all(a["y"] < b["y"] for a, b in itertools.pairwise(boxes)), boxes
        _scroll_to(driver, "//button[contains(., 'the report (PDF)')]", "center")
        shot(driver, "27-report-phone-downloads")
    finally:
        driver.quit()
