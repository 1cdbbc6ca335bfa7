"""Hostile files through the real upload, and several people at once (issue 11).

In Debian's chromium, on the Check page of one ``streamlit run app.py`` server:

- a corrupt JPEG and an empty file uploaded beside a good photo: each bad one gets a clear message
  naming it, the good one still gets its report;
- files whose names are HTML, markdown and a very long unicode name: each name is shown as text,
  exactly as it is (no element, link or script comes from a name);
- the server keeps answering its health check, and its memory (the RSS of the streamlit process,
  from /proc) stays within a stated bound over rounds of such uploads;
- three browser sessions upload different photos at the same moment: each gets its own report
  (its photo's name and the summary the same photo gets through the Python API), and no other
  session's photo shows up in it.

Screenshots go to out/screenshots/ (``hostile-*``, ``sessions-*``).
"""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException, WebDriverException

from posecheck import Analysis, Analyzer
from posecheck.samples import sample_paths
from posecheck.ui.analyses import PHOTO_BOTH_WAYS, PHOTO_MODEL
from tests.test_browser import (
    By,
    WebDriver,
    _report_on_screen,
    chromium,
    page_text,
    profile,
    pytestmark,
    server,
    shot,
    upload,
    uploader,
    wait_for,
)

__all__ = ["profile", "pytestmark", "server"]  # fixtures and the skips, used by pytest

SAMPLES = {p.stem: p for p in sample_paths()}
#: growth of the server's resident memory over the rounds after the first that we accept (MB):
#: each browser session keeps at most 6 analyses of a few MB (posecheck/ui/analyses.py)
RSS_GROWTH_BOUND_MB = 200
ROUNDS = 3


# --- helpers -------------------------------------------------------------------------------------


def server_pid(url: str) -> int:
    """The streamlit process serving ``url`` (found by its port on its command line)."""
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(w.endswith(b"streamlit") for w in words) and port.encode() in words:
            return int(entry.name)
    pytest.fail(f"no streamlit process serves port {port}")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert found, status
    return int(found.group(1)) / 1024


def healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        return bool(response.status == 200 and response.read() == b"ok")


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def bad_and_good(folder: Path) -> dict[str, Path]:
    """A corrupt JPEG (the sample cut to a third), an empty file and a good photo."""
    good = SAMPLES["man_misaligned_front"].read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "corrupt": written(folder, "corrupt photo.jpg", good[: len(good) // 3]),
        "empty": written(folder, "empty.jpg", b""),
        "good": written(folder, "good photo.jpg", good),
    }


def problem_shown(driver: WebDriver, name: str) -> str | None:
    """The text of the error naming ``name``, once it is on the page."""
    for alert in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stAlert']"):
        text = str(alert.text)
        if f"Could not analyse {name}" in text:
            return text
    return None


def check_bad_and_good(driver: WebDriver, url: str, files: dict[str, Path]) -> None:
    upload(driver, url, list(files.values()))
    wait_for("the report", lambda: _report_on_screen(driver, "Your report"), 180, step=0.3)
    corrupt = wait_for(
        "the corrupt file's message", lambda: problem_shown(driver, "corrupt photo.jpg"), 30
    )
    empty = wait_for("the empty file's message", lambda: problem_shown(driver, "empty.jpg"), 30)
    assert "corrupt_image" in corrupt or "could not be decoded" in corrupt, corrupt
    assert "empty" in empty.split("empty.jpg", 1)[1], empty
    assert "good photo.jpg" in page_text(driver)  # its tab and its picture's caption
    assert not problem_shown(driver, "good photo.jpg")


# --- hostile files -------------------------------------------------------------------------------


def test_bad_files_get_a_message_and_the_good_one_its_report(
    server: str, profile: Path, tmp_path: Path
) -> None:
    driver = chromium(profile, None, (1280, 2000))
    try:
        check_bad_and_good(driver, server, bad_and_good(tmp_path / "files"))
        time.sleep(1)
        shot(driver, "hostile-1-bad-beside-good")
    finally:
        driver.quit()
    assert healthy(server)


#: names that would become markup if a page rendered them: HTML, markdown, and a very long name
#: in several scripts (232 bytes of UTF-8 with its suffix, within the 255 a file system allows)
HOSTILE_NAMES = {
    "html": "<img src=x onerror=alert(1)><script>alert(2)<script>.jpg",
    "markdown": "[click](javascript:alert(1)) **bold** _it_ `code` # head.jpg",
    "long": ("ünïcødé 名前 имя שם " * 6)[:-1] + ".jpg",
}


def no_markup_from_names(driver: WebDriver) -> None:
    """Nothing in the page came from a name: no image with a handler, no script link, no alert."""
    assert not driver.find_elements(By.CSS_SELECTOR, "img[onerror], img[src='x']")
    assert not driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")
    try:
        opened = driver.switch_to.alert.text
    except NoAlertPresentException:
        opened = None
    assert opened is None, f"a name opened an alert: {opened!r}"


def test_hostile_names_are_shown_as_text(server: str, profile: Path, tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    assert len(HOSTILE_NAMES["long"].encode()) < 255
    front = SAMPLES["man_misaligned_front"].read_bytes()
    files = [
        written(folder, HOSTILE_NAMES["html"], front[:2000]),  # corrupt: the name in an error
        written(folder, "front.jpg", front),
        written(folder, HOSTILE_NAMES["long"], SAMPLES["man_misaligned_right"].read_bytes()),
    ]
    driver = chromium(profile, None, (1280, 2400))
    try:
        upload(driver, server, files)
        wait_for(
            "the report",
            lambda: _report_on_screen(driver, "Your report from 2 photos"),
            180,
            step=0.3,
        )
        time.sleep(1)
        shot(driver, "hostile-2-names")
        assert problem_shown(driver, HOSTILE_NAMES["html"]), "the HTML name is not shown as text"
        wait_for(  # its tab's label, drawn after the report
            "the long name shown as it is",
            lambda: HOSTILE_NAMES["long"] in page_text(driver).splitlines(),
            30,
            step=0.3,
        )
        no_markup_from_names(driver)
    finally:
        driver.quit()
    assert healthy(server)


def test_a_markdown_name_is_shown_as_it_is(server: str, profile: Path, tmp_path: Path) -> None:
    folder = tmp_path / "markdown"
    folder.mkdir()
    name = HOSTILE_NAMES["markdown"]
    photo = written(folder, name, SAMPLES["man_misaligned_front"].read_bytes())
    driver = chromium(profile, None, (1280, 2400))
    try:
        upload(driver, server, [photo])
        wait_for("the report", lambda: _report_on_screen(driver, "Your report"), 180, step=0.3)
        time.sleep(1)
        shot(driver, "hostile-3-markdown-name")
        no_markup_from_names(driver)
        shown = [
            str(caption.text)
            for caption in driver.find_elements(
                By.CSS_SELECTOR, "[data-testid='stCaptionContainer']"
            )
            if "(720×1280)" in str(caption.text)
        ]
        assert shown, "the photo's caption is missing"
        assert all(text.startswith(f"{name} (720×1280)") for text in shown), shown
    finally:
        driver.quit()


def test_the_server_stays_up_and_its_memory_bounded(
    server: str, profile: Path, tmp_path: Path
) -> None:
    pid = server_pid(server)
    resident = []
    for round_ in range(ROUNDS):
        driver = chromium(profile.parent / f"profile-{round_}", None, (1280, 2000))
        try:
            check_bad_and_good(driver, server, bad_and_good(tmp_path / f"round-{round_}"))
        finally:
            driver.quit()
        assert healthy(server), f"the server stopped answering after round {round_ + 1}"
        resident.append(rss_mb(pid))
    growth = resident[-1] - resident[0]
    print(
        f"\n[hostile] server RSS after each of {ROUNDS} rounds (a corrupt JPEG, an empty file and "
        f"a good photo, each round a new browser session): "
        + ", ".join(f"{mb:.0f} MB" for mb in resident)
        + f"; growth after the first {growth:+.0f} MB (bound {RSS_GROWTH_BOUND_MB} MB)"
    )
    assert growth < RSS_GROWTH_BOUND_MB


# --- several sessions at once ---------------------------------------------------------------------

SESSION_PHOTOS = ["woman_neutral_front", "man_misaligned_front", "child_front"]


def test_sessions_at_once_each_get_their_own_report(
    server: str, profile: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    photos = {
        stem: written(folder, f"session {i} {stem}.jpg", SAMPLES[stem].read_bytes())
        for i, stem in enumerate(SESSION_PHOTOS)
    }
    # the same photos through the Python API, one by one, as the app looks at them
    with Analyzer.open(PHOTO_MODEL, both_ways=PHOTO_BOTH_WAYS) as analyzer:
        expected = {}
        for stem, path in photos.items():
            result = analyzer.analyze_bytes(path.read_bytes(), path.name)
            assert isinstance(result, Analysis), result
            expected[stem] = result.assessment.summary
    drivers = {
        stem: chromium(profile.parent / f"profile-{stem}", None, (1280, 2000))
        for stem in SESSION_PHOTOS
    }
    try:
        choosers = {}
        for stem, driver in drivers.items():  # every page open and ready first
            driver.get(server)
            choosers[stem] = uploader(driver)
        start = threading.Barrier(len(drivers))
        errors: list[Exception] = []

        def send(stem: str) -> None:
            try:
                chooser = choosers[stem]
                start.wait(timeout=30)
                chooser.send_keys(str(photos[stem]))
            except (WebDriverException, threading.BrokenBarrierError) as error:  # said below
                errors.append(error)

        senders = [threading.Thread(target=send, args=(stem,)) for stem in drivers]
        began = time.monotonic()
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
        assert not errors, errors
        took = {}
        for stem, driver in drivers.items():
            wait_for(
                f"{stem}'s report",
                lambda d=driver: _report_on_screen(d, "Your report"),
                240,
                step=0.3,
            )
            took[stem] = time.monotonic() - began
        for stem, driver in drivers.items():
            # the report comes first; the photos section below it is still being drawn
            wait_for(
                f"{stem}'s page to name its photo",
                lambda d=driver, n=photos[stem].name: n in " ".join(page_text(d).split()),
                120,
                step=0.3,
            )
            shot(driver, f"sessions-{stem}")
            text = " ".join(page_text(driver).split())
            others = [photos[o].name for o in photos if o != stem]
            assert not [o for o in others if o in text], f"{stem}'s page shows another's photo"
            assert " ".join(expected[stem].split()) in text, (
                f"{stem}'s page does not show the summary the Python API gives for its photo"
            )
        print(
            f"\n[sessions] {len(drivers)} browser sessions uploading at the same moment, upload "
            "to report on screen: "
            + ", ".join(f"{stem} {seconds:.1f} s" for stem, seconds in took.items())
        )
    finally:
        for driver in drivers.values():
            driver.quit()
    assert healthy(server)
