"""The Exercises page's pictures in a real browser (Debian's chromium through Selenium).

An exercise opened on the page must show each of its pictures, loaded (not a broken image), with
its caption as the image's text alternative and under it, beside the steps at 1280 pixels wide
and above them at 400 (a phone), never wider than the screen. Screenshots go to
``out/screenshots/`` (look at them).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from posecheck import exercise_pictures, load_catalogue
from tests.test_browser import (
    By,
    WebDriver,
    WebElement,
    chromium,
    page_text,
    profile,
    pytestmark,
    server,
    shot,
    wait_for,
)

__all__ = ["profile", "pytestmark", "server"]  # fixtures and the skips, used by pytest

#: Opened on the page: a standing exercise with two positions, a lying one and a foot close-up.
OPENED = ("heel_raises", "glute_bridge", "toe_pencil_grip")

_IMAGES = """
const [box] = arguments;
return Array.from(box.querySelectorAll('img')).map(img => {
  const r = img.getBoundingClientRect();
  return {alt: img.alt, loaded: img.complete && img.naturalWidth > 0, left: r.left,
          right: r.right, top: r.top, bottom: r.bottom, width: r.width};
});
"""


def _expander(driver: WebDriver, name: str) -> WebElement | None:
    driver.switch_to.default_content()
    for details in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] details"):
        summary = details.find_element(By.TAG_NAME, "summary")
        if name in summary.text:
            return details
    return None


def _open(driver: WebDriver, name: str) -> WebElement:
    details = wait_for(f"the {name} expander", lambda: _expander(driver, name), 30, 0.2)
    summary = details.find_element(By.TAG_NAME, "summary")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
    summary.click()
    return details


def _images(driver: WebDriver, details: WebElement, count: int) -> list[dict[str, Any]]:
    def loaded() -> list[dict[str, Any]] | None:
        images: list[dict[str, Any]] = driver.execute_script(_IMAGES, details)
        done = len(images) == count and all(i["loaded"] for i in images)
        return images if done else None

    return wait_for(f"{count} loaded pictures", loaded, 30, 0.2)


_STEP_TOP = """
const [box, words] = arguments;
const item = Array.from(box.querySelectorAll('li')).find(li => li.textContent.includes(words));
return item ? item.getBoundingClientRect().top : null;
"""


def _step_top(driver: WebDriver, details: WebElement, step: str) -> float:
    top = driver.execute_script(_STEP_TOP, details, step[:40])
    if top is None:
        pytest.fail(f"step not found: {step[:40]}")
    return float(top)


@pytest.mark.parametrize("width", [1280, 400])
def test_exercise_pictures_in_a_real_browser(server: str, profile: Path, width: int) -> None:
    catalogue = {exercise.id: exercise for exercise in load_catalogue()}
    driver = chromium(profile, None, (width, 1000))
    try:
        driver.get(f"{server}/exercises")
        wait_for("the Exercises page", lambda: "Only those the live coach" in page_text(driver),
                 60, 0.3)  # fmt: skip
        viewport = float(driver.execute_script("return window.innerWidth"))
        for number, exercise_id in enumerate(OPENED, start=1):
            exercise = catalogue[exercise_id]
            pictures = exercise_pictures(exercise_id)
            details = _open(driver, exercise.name)
            images = _images(driver, details, len(pictures))
            assert [i["alt"] for i in images] == [p.caption for p in pictures]
            text = str(driver.execute_script("return arguments[0].textContent", details))
            for picture in pictures:
                assert picture.caption in text  # the caption shows under the picture too
            for image in images:
                assert image["left"] >= -1 and image["right"] <= viewport + 1, image
                assert image["width"] >= min(200.0, viewport / 3), image
            step = _step_top(driver, details, exercise.steps[0])
            if width >= 1000:  # beside the steps: the first step starts level with the pictures
                assert step < images[0]["bottom"], (step, images[0])
                assert min(i["left"] for i in images) < 0.5 * viewport
            else:  # a phone: pictures first, then the steps below them
                assert step > max(i["bottom"] for i in images) - 1
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", details)
            time.sleep(0.5)
            shot(driver, f"pictures-{width}-{number}-{exercise_id}")
    finally:
        driver.quit()
