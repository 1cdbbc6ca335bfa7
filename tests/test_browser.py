"""The app in a real browser: Debian's chromium, driven by Selenium, with a fake camera.

The test starts ``streamlit run app.py`` on 127.0.0.1 and a headless chromium whose camera is a
``.y4m`` clip the test writes: a sample render held still (the stance check), and, where a
colleague's rendered exercise clips are present (``tests/data/clips``), heel raises (the coach's
count). On the Live page it presses Start, waits for annotated frames (the overlay's dark panel in
the picture's corner) and for the coach's state or count to change, and prints the processed frame
rate and the time from Start to the first annotated frame. On the Check page it uploads a sample
photo and waits for the report, and prints the time that took. Screenshots of each step go to
``out/screenshots/`` (look at them).

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian's ``chromium`` and ``chromium-driver``;
``.ci/run`` and ``make test-all`` install them: scripts/setup-system.sh --slow-tests); skips
with the reason otherwise.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np
import pytest

from posecheck import Analyzer, Coach
from posecheck.samples import sample_paths
from tests.appserver import app_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "out" / "screenshots"
CLIPS = ROOT / "tests" / "data" / "clips"
FPS = 15
SIZE = (640, 480)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.is_file() and CHROMEDRIVER.exists()),
        reason="Debian's chromium and chromium-driver are not installed (/usr/bin/chromium, "
        "/usr/bin/chromedriver); `bash scripts/setup-system.sh --slow-tests` installs them",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402

T = TypeVar("T")


def needs_a_network_interface() -> None:
    """WebRTC here (aioice) never offers loopback addresses: with no other interface up, the
    browser and the server cannot connect (the page then offers the snapshot)."""
    from aioice.ice import get_host_addresses

    if not get_host_addresses(use_ipv4=True, use_ipv6=True):
        pytest.skip("no network interface besides loopback is up: WebRTC cannot connect here")


# --- the fake camera's clip ----------------------------------------------------------------------


def letterbox(bgr: np.ndarray, fill: int = 200) -> np.ndarray:
    """A picture fitted inside a 640x480 camera frame, the rest plain grey."""
    width, height = SIZE
    scale = min(width / bgr.shape[1], height / bgr.shape[0])
    small = cv2.resize(bgr, (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale)))
    canvas = np.full((height, width, 3), fill, dtype=np.uint8)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas


def write_y4m(frames: Iterator[np.ndarray], path: Path) -> int:
    """A 640x480, 15 fps YUV4MPEG2 clip of BGR frames (4:2:0, as chromium's fake camera reads);
    returns the number of frames."""
    count = 0
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{SIZE[0]} H{SIZE[1]} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for bgr in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(letterbox(bgr), cv2.COLOR_BGR2YUV_I420).tobytes())
            count += 1
    return count


def still_clip(path: Path, stem: str = "woman_neutral_front", seconds: float = 2.0) -> Path:
    """A sample render held still (chromium loops the file, so it never ends)."""
    image = cv2.imread(str(next(p for p in sample_paths() if p.stem == stem)))
    write_y4m((image for _ in range(round(seconds * FPS))), path)
    return path


#: Each frame of an exercise clip is shown this many times: the movement plays this much slower,
#: so that even when the two cores are busy (a few processed frames a second under load, against
#: 11-12 when quiet) every repetition spans enough processed frames to be seen and counted.
SLOW_MOTION = 3


def exercise_clip(path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """A colleague's rendered exercise clip (mp4 and its truth) as y4m, played SLOW_MOTION times
    slower; skips when absent."""
    video, truth = CLIPS / f"{name}.mp4", CLIPS / f"{name}.json"
    if not (video.is_file() and truth.is_file()):
        pytest.skip(f"the rendered clip {video.name} is absent (made by `make clips`)")
    capture = cv2.VideoCapture(str(video))

    def frames() -> Iterator[np.ndarray]:
        while True:
            ok, bgr = capture.read()
            if not ok:
                return
            for _ in range(SLOW_MOTION):
                yield bgr

    try:
        count = write_y4m(frames(), path)
    finally:
        capture.release()
    if count == 0:
        pytest.skip(f"the rendered clip {video.name} cannot be read")
    return path, json.loads(truth.read_text(encoding="utf-8"))


# --- the server and the browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server("app.py", tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def streamlit_server(script: str, log: Path) -> AbstractContextManager[str]:
    """``streamlit run script`` (a path from the repository's root) on 127.0.0.1: its URL."""
    return app_server(log, script=script)


def chromium(
    profile: Path, camera: Path | None, size: tuple[int, int], *, extra: Sequence[str] = ()
) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    flags = [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
        f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}", "--hide-scrollbars",
    ]  # fmt: skip
    if camera is not None:
        flags += [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}",
        ]
    for flag in [*flags, *extra]:
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    try:
        return webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        pytest.skip(f"chromium could not be started here: {error.msg}")


def wait_for(
    what: str,
    condition: Callable[[], T | None],
    seconds: float,
    step: float = 0.05,
    last: Callable[[], str] | None = None,
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``seconds``, saying what
    ``last`` reports of the last try if given."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f" (last: {last()})" if last is not None else ""
            pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}{detail}")
        time.sleep(step)


def first(elements: Iterable[WebElement]) -> WebElement | None:
    """The first of ``elements``, or None when there is none."""
    return next(iter(elements), None)


def click_when_ready(
    driver: WebDriver, what: str, find: Callable[[], WebElement | None], seconds: float = 10.0
) -> WebElement:
    """Click what ``find`` returns once the page lets it be clicked. While a block opens, is drawn
    anew or moves, Chromium can find an element and still refuse the click ("element not
    interactable", "element click intercepted") or lose it ("stale element"): a person would
    click again a moment later, and so does this, failing after ``seconds``."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        StaleElementReferenceException,
    )

    refused = (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        StaleElementReferenceException,
    )
    last = ["not found"]

    def try_click() -> WebElement | None:
        element = find()
        if element is None:
            return None
        try:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
        except refused as error:
            last[0] = type(error).__name__
            return None
        return element

    return wait_for(f"{what} to take a click", try_click, seconds, 0.3, lambda: last[0])


def uploader(driver: WebDriver) -> WebElement:
    """The Check page's file chooser, once the page has drawn it."""
    chooser: list[WebElement] = wait_for(
        "the uploader",
        lambda: driver.find_elements(By.CSS_SELECTOR, "input[type=file]"),
        90,
        step=0.3,
    )
    return chooser[0]


def upload(driver: WebDriver, url: str, files: list[Path]) -> None:
    """Open the Check page and choose ``files`` in its uploader, all at once."""
    driver.get(url)
    uploader(driver).send_keys("\n".join(str(f) for f in files))


def shot(driver: WebDriver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def shot_at(driver: WebDriver, xpath: str, name: str) -> Path:
    """A screenshot with the element at ``xpath`` (a heading) scrolled to the top."""
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.XPATH, xpath))
    time.sleep(1)
    return shot(driver, name)


def page_text(driver: WebDriver) -> str:
    driver.switch_to.default_content()
    return str(driver.find_element(By.TAG_NAME, "body").text)


# --- the Live page -------------------------------------------------------------------------------

#: In the component's frame: the <video>'s state, and whether the picture carries the overlay
#: (the see-through dark text panel drawn in its top-left corner darkens the camera's light grey,
#: 200, to about 86: ``draw_live.PANEL_SEE_THROUGH``).
_VIDEO_STATE = """
const video = document.querySelector('video');
if (!video || video.readyState < 2 || !video.videoWidth) return null;
const canvas = document.createElement('canvas');
canvas.width = video.videoWidth; canvas.height = video.videoHeight;
const context = canvas.getContext('2d');
context.drawImage(video, 0, 0);
const pixel = context.getImageData(6, 6, 1, 1).data;
const quality = video.getVideoPlaybackQuality();
return {width: video.videoWidth, height: video.videoHeight,
        corner: (pixel[0] + pixel[1] + pixel[2]) / 3, frames: quality.totalVideoFrames,
        time: performance.now()};
"""


#: A corner darker than this carries the panel (the camera's own is 200; the panel's about 86).
PANEL_CORNER = 140


class LivePage:
    """The Live page in a browser: the camera component lives in its own frame."""

    def __init__(self, driver: WebDriver, url: str, path: str = "/live") -> None:
        self.driver = driver
        driver.get(f"{url}{path}")
        self.frame = wait_for("the camera component", self._component, 90, step=0.3)

    def _component(self) -> WebElement | None:
        self.driver.switch_to.default_content()
        frames = self.driver.find_elements(By.CSS_SELECTOR, "iframe[title*='webrtc']")
        return frames[0] if frames and frames[0].size["height"] > 0 else None

    def _button(self, label: str) -> WebElement | None:
        self.driver.switch_to.default_content()
        self.driver.switch_to.frame(self.frame)
        for button in self.driver.find_elements(By.TAG_NAME, "button"):
            if button.text.strip().lower() == label.lower() and button.is_enabled():
                return button
        return None

    def press(self, label: str) -> float:
        """Press the player's button; the time it was pressed."""
        button = wait_for(f"the {label} button", lambda: self._button(label), 60, step=0.2)
        pressed = time.monotonic()
        button.click()
        return pressed

    def video(self) -> dict[str, float] | None:
        self.driver.switch_to.default_content()
        self.driver.switch_to.frame(self.frame)
        state = self.driver.execute_script(_VIDEO_STATE)
        return state if isinstance(state, dict) else None

    def annotated(self) -> dict[str, float] | None:
        state = self.video()
        return state if state is not None and state["corner"] < PANEL_CORNER else None

    def choose(self, name: str) -> None:
        """Pick an exercise (not the stance check) in the page's chooser (a selectbox)."""
        self.driver.switch_to.default_content()
        box = self.driver.find_element(By.CSS_SELECTOR, "div[data-testid='stSelectbox'] input")
        # scrolled to, not under the page's navigation bar
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
        box.send_keys(name)
        box.send_keys(Keys.ENTER)

        # the stance check has no dose line: an exercise's shows it was chosen
        wait_for(f"{name} chosen", lambda: "Dose:" in page_text(self.driver), 30, step=0.2)


def speed(driver: WebDriver) -> dict[str, float]:
    """The page's own figures: frames checked, frames per second, the first frame's delay and
    the time to check one."""
    text = page_text(driver)
    figures: dict[str, float] = {}
    for key, pattern in (
        ("frames", r"camera pictures checked: (\d+)"),
        ("fps", r"checked: \d+ · ([\d.]+) a second"),
        ("first", r"the first ([\d.]+) s after Start"),
        ("frame_ms", r"(\d+) ms to check each"),
    ):
        found = re.search(pattern, text)
        if found:
            figures[key] = float(found.group(1))
    return figures


def _with_fps(figures: dict[str, float]) -> dict[str, float] | None:
    return figures if "fps" in figures else None


def settled(driver: WebDriver) -> bool:
    """The page's last rerun is drawn (none of its elements left over from the one before)."""
    driver.switch_to.default_content()
    return not driver.find_elements(By.CSS_SELECTOR, "[data-stale='true']")


def wait_settled(driver: WebDriver) -> None:
    """Waits until the page's last rerun is drawn: a click before then can be lost."""
    wait_for("the page's last rerun drawn", partial(settled, driver), 30, 0.1)


def _live_state(live: LivePage) -> str:
    """What the Live page shows, for a failure's message: the video, the page's own figures and
    any alert."""
    video = live.video()  # in the camera's frame
    figures = speed(live.driver)  # on the page
    alerts = [a.text for a in live.driver.find_elements(By.CSS_SELECTOR, "[data-testid='stAlert']")]
    return f"video {video}; the page's figures {figures}; alerts {alerts}"


def start_and_measure(live: LivePage, label: str) -> dict[str, float]:
    """Start, wait for the first annotated frame, then count displayed frames for 5 s."""
    # a press just before (the voice's switch) reruns the page: Start is pressed once it is drawn
    time.sleep(1)
    wait_settled(live.driver)
    pressed = live.press("Start")
    first = wait_for(
        "the first annotated frame", live.annotated, 90, last=partial(_live_state, live)
    )
    first_s = time.monotonic() - pressed
    time.sleep(5)
    later = wait_for("annotated frames", live.annotated, 30)
    displayed_fps = (later["frames"] - first["frames"]) / ((later["time"] - first["time"]) / 1000)
    figures = wait_for("the page's speed figures", lambda: _with_fps(speed(live.driver)), 30)
    with Path("/proc/loadavg").open() as loadavg:
        load = loadavg.read().split()[0]
    print(
        f"\n[{label}] Start to the first annotated frame: {first_s:.2f} s in the browser "
        f"({figures.get('first', float('nan')):.2f} s from the processor's start); processed "
        f"{figures['fps']:.1f} frames/s (the page's figure over the last 3 s), "
        f"{figures.get('frame_ms', float('nan')):.0f} ms of analysis per frame; the browser "
        f"showed {displayed_fps:.1f} frames/s (repeats included); load average {load}"
    )
    assert (first["width"], first["height"]) == SIZE
    return {"first_s": first_s, "displayed_fps": displayed_fps, **figures}


#: Put into every frame before its own scripts: a stand-in for the browser's speech with two
#: voices, one on the device and one online (as Chrome's "Google" voices are), that keeps what it
#: is asked to say and with which voice. Headless chromium here has no voice of its own.
_SPEECH_STAND_IN = """
(() => {
  const voices = [
    {name: "Stand-in online voice", lang: "en-US", localService: false, default: true,
     voiceURI: "online"},
    {name: "Stand-in device voice", lang: "en-US", localService: true, default: false,
     voiceURI: "device"},
  ];
  const said = [];
  window.__said = said;
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.voice = null; }
    addEventListener() {}
  };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    getVoices: () => voices,
    speak: utterance => said.push(
      {text: utterance.text, voice: utterance.voice ? utterance.voice.name : null}),
    cancel: () => {},
    addEventListener: () => {},
  }});
})();
"""


class Voice:
    """The Live page's voice switch, in its own frame."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.frame = wait_for("the voice's switch", self._frame, 60, step=0.3)

    def _frame(self) -> WebElement | None:
        self.driver.switch_to.default_content()
        frames = self.driver.find_elements(By.CSS_SELECTOR, "iframe[title*='speech']")
        return frames[0] if frames and frames[0].size["height"] > 0 else None

    def _inside(self) -> None:
        self.driver.switch_to.default_content()
        self.driver.switch_to.frame(self.frame)

    def switch_on(self) -> None:
        """Presses the switch once the page's last rerun is drawn: a click in a frame the rerun
        is about to replace can be lost (a full run of this module lost one, 2026-12-06)."""
        wait_settled(self.driver)
        self.frame = wait_for("the voice's switch", self._frame, 60, step=0.3)
        self._inside()
        self.driver.find_element(By.ID, "toggle").click()

    def status(self) -> str:
        self._inside()
        return str(self.driver.find_element(By.ID, "status").text)

    def said(self) -> list[dict[str, str]]:
        self._inside()
        return list(self.driver.execute_script("return window.__said || []"))

    def local_voices(self) -> list[str]:
        self._inside()
        script = "return speechSynthesis.getVoices().filter(v => v.localService).map(v => v.name)"
        return list(self.driver.execute_script(script))

    def counted(self) -> list[dict[str, str]] | None:
        """What was said, once it includes a count."""
        said = self.said()
        return said if any(words["text"].isdigit() for words in said) else None


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    folder = tmp_path / "profile"
    folder.mkdir()
    return folder


def test_live_stance_check_in_a_real_browser(server: str, tmp_path: Path, profile: Path) -> None:
    needs_a_network_interface()
    camera = still_clip(tmp_path / "still.y4m")
    driver = chromium(profile, camera, (1280, 1400))
    try:
        live = LivePage(driver, server)
        shot(driver, "01-live-before-start")
        # the browser's own speech: where it has no voice on the device, the page says so
        voice = Voice(driver)
        voice.switch_on()
        local = voice.local_voices()
        expected = "Said by" if local else "No voice on this device"
        wait_for(f"'{expected}'", lambda: expected in voice.status(), 10, last=voice.status)
        print(f"[stance check] voices on this device: {local or 'none'}; '{voice.status()}'")
        voice.switch_on()  # and off again
        wait_for("the voice off", lambda: voice.status().startswith("Off"), 10, last=voice.status)
        start_and_measure(live, "stance check")
        # the stance check's state changes: moving -> holding still -> measured
        # the caption and the table come in one update of the page, which a busy machine may
        # show half done: wait for both
        wait_for(
            "the stance to be measured",
            lambda: (
                "Averaged over" in (seen := page_text(driver)) and "mean ± error (spread)" in seen
            ),
            60,
            step=0.5,
        )
        shot(driver, "02-live-stance-measured")
        text = page_text(driver)
        # the camera's tilt, found in the scene's edges: the page says what it found
        said = ("straight edges show the camera tilted", "tilt is not known", "only roughly known")
        assert any(words in text for words in said), text
        assert "mean ± error (spread)" in text
        # the table: every measure of the view in words, a number or "not measured" with why
        caption = "//*[starts-with(text(), 'Body map of the averaged')]"
        shot_at(driver, caption, "02-live-stance-table")
        table = text[text.index("mean ± error (spread)") :]
        print(f"[stance check] the table and the notes under it:\n{table[:1500]}")
        assert "left knee angle from the front" in table and "left foot angle" in table
        frame = live._component()
        assert frame is not None
        frame.screenshot(str(SCREENSHOTS / "03-live-video-frame.png"))
        driver.set_window_size(400, 900)  # a phone: the video, then the coach's panel below it
        time.sleep(2)
        shot(driver, "04-live-phone")
        driver.set_window_size(1280, 1400)
        # an exercise chosen while the camera runs: the same video goes on (its frame is not made
        # anew, which would stop it), now coached, and what the choice shows above it (the side,
        # how to do it) does not move it
        before = wait_for("annotated frames", live.annotated, 30)
        live.choose("Ankle circles")
        wait_for(
            "the ankle circles coached",
            lambda: re.search(r"Ankle circles — (right|left) side", page_text(driver)),
            30,
            step=0.3,
        )
        time.sleep(1)
        later = wait_for("annotated frames", live.annotated, 30)
        assert later["frames"] > before["frames"] and later["time"] > before["time"]
        live.press("Stop")
        wait_for("the session summary", lambda: "Session summary" in page_text(driver), 30)
        time.sleep(1)
        shot(driver, "05-live-summary")
    finally:
        driver.quit()


def test_the_voice_switch_pressed_before_the_page_speaks_to_it_stays_on(profile: Path) -> None:
    """The voice's component on its own, the page's messages played by the test: a press that
    comes before the page's first message (a CI run's click landed there, and that message's
    'off' undid it) stays on, and words are then said once each, with the device's voice."""
    with speech_component(profile, _SPEECH_STAND_IN) as driver:
        driver.find_element(By.ID, "toggle").click()
        play_render(driver, 4, "said before the frame loaded", on=False)
        play_render(driver, 5, "7", on=False)
        play_render(driver, 5, "7", on=False)  # drawn again: not said again
        said = wait_for(
            "the words said",
            lambda: (w := driver.execute_script("return window.__said")) and len(w) >= 2 and w,
            5,
        )
        time.sleep(0.3)
        texts = [words["text"] for words in driver.execute_script("return window.__said")]
        assert texts == ["Cues aloud", "7"], texts
        assert {words["voice"] for words in said} == {"Stand-in device voice"}
        status = driver.find_element(By.ID, "status").text
        assert status.startswith("Said by Stand-in device voice"), status


@contextmanager
def speech_component(profile: Path, stand_in: str) -> Iterator[WebDriver]:
    """The voice's component alone in a browser, ``stand_in`` (a script) in place of the
    browser's speech; the test plays the page's messages to it (``play_render``)."""
    driver = chromium(profile, None, (800, 300))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stand_in})
        driver.get((ROOT / "posecheck/ui/speech/index.html").as_uri())
        yield driver
    finally:
        driver.quit()


def play_render(driver: WebDriver, number: int, text: str, *, on: bool) -> None:
    """The page's message to the voice's component: the words numbered ``number``, and whether
    the page last knew the switch on."""
    driver.execute_script(
        "window.postMessage({type: 'streamlit:render', args: {number: arguments[0], "
        "text: arguments[1], on: arguments[2]}}, '*')",
        number,
        text,
        on,
    )


#: A stand-in for a browser's speech that, as Chrome does, says nothing until the person has
#: clicked in the frame: an utterance before that ends, soon after, in a "not-allowed" error. It
#: also keeps the messages the component sends to its page (here the page is the frame itself).
_SPEECH_NEEDS_A_CLICK = """
(() => {
  const voices = [{name: "Stand-in device voice", lang: "en-US", localService: true,
                   default: true, voiceURI: "device"}];
  window.__said = [];
  window.__sent = [];
  window.addEventListener("message", event => {
    if (event.data && event.data.isStreamlitMessage) window.__sent.push(event.data);
  });
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.voice = null; this.errors = []; }
    addEventListener(type, listener) { if (type === "error") this.errors.push(listener); }
  };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    getVoices: () => voices,
    speak: utterance => navigator.userActivation.hasBeenActive
      ? window.__said.push(utterance.text)
      : setTimeout(() => utterance.errors.forEach(l => l({error: "not-allowed"}))),
    cancel: () => {},
    addEventListener: () => {},
  }});
})();
"""


def test_the_voice_says_when_the_browser_stops_it(profile: Path) -> None:
    """The voice's component loaded again after the person switched it on (the page says 'on',
    but nobody has clicked in this new frame): the browser refuses to speak, and the component
    says so, switches off, tells the page, and speaks again once pressed."""
    with speech_component(profile, _SPEECH_NEEDS_A_CLICK) as driver:
        play_render(driver, 1, "", on=True)  # the page's first words: the switch was on
        status = driver.find_element(By.ID, "status")
        wait_for("the switch on", lambda: status.text.startswith("Said by"), 5)
        play_render(driver, 2, "7", on=True)
        stopped = "The browser stopped the voice: press the button to switch it on again."
        wait_for("the voice stopped", lambda: status.text == stopped, 5)
        toggle = driver.find_element(By.ID, "toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        sent = driver.execute_script("return window.__sent")
        values = [m["value"] for m in sent if m["type"] == "streamlit:setComponentValue"]
        assert values == [False], sent  # the page is told: its switch shows off too
        assert driver.execute_script("return window.__said") == []
        toggle.click()
        wait_for("words said", lambda: driver.execute_script("return window.__said"), 5)
        assert driver.execute_script("return window.__said") == ["Cues aloud"]
        assert toggle.get_attribute("aria-pressed") == "true"
        assert status.text.startswith("Said by Stand-in device voice"), status.text


def test_live_heel_raises_are_counted_in_a_real_browser(
    server: str, tmp_path: Path, profile: Path
) -> None:
    needs_a_network_interface()
    camera, truth = exercise_clip(tmp_path / "heel_raises.y4m", "heel_raises_side")
    driver = chromium(profile, camera, (1280, 1400))
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": _SPEECH_STAND_IN}
        )
        live = LivePage(driver, server)
        live.choose("Heel raises")
        # how to do it: the steps under the chooser, opened and closed again
        how = "//details[.//summary[contains(., 'How to do it, step by step')]]/summary"
        driver.switch_to.default_content()
        driver.find_element(By.XPATH, how).click()
        wait_for("the steps", lambda: "Rise onto the balls" in page_text(driver), 10)
        shot_at(driver, "//h1[contains(., 'Live')]", "06a-live-how-to-do-it")
        driver.find_element(By.XPATH, how).click()
        voice = Voice(driver)
        voice.switch_on()
        wait_for(
            "the voice on",
            lambda: "Said by Stand-in device voice, on this device" in voice.status(),
            10,
            last=voice.status,
        )
        start_and_measure(live, "heel raises")

        def count() -> int:
            # heel raises are two sets of ten: "Count, set 1 of 2" above "3 of 10"
            found = re.search(r"Count, set \d of 2\s+(\d+) of 10", page_text(driver))
            return int(found.group(1)) if found else 0

        # The frames from the browser reach the coach, which finds the person side-on, takes its
        # baseline from them and counts. The clip loops from wherever the camera starts: a
        # baseline taken on the held top of a raise comes down at the next still rest.
        try:
            wait_for(
                "the coach to be counting",
                lambda: "Following your exercise" in page_text(driver),
                90,
            )
            reached = wait_for("the first counted heel raise", count, 90, step=0.5)
        finally:
            shot(driver, "06-live-heel-raises-counted")
        print(f"[heel raises] count {reached} (the clip holds {truth['reps']} per loop)")
        # the count was said aloud too, with the device's voice only
        said = wait_for(
            "a count said aloud",
            lambda: voice.counted(),
            30,
            step=0.5,
        )
        print(f"[heel raises] said aloud: {[w['text'] for w in said]}")
        assert said[0]["text"] == "Cues aloud"
        assert {w["voice"] for w in said} == {"Stand-in device voice"}
        shot(driver, "06b-live-heel-raises-said-aloud")
        driver.set_window_size(400, 900)  # a phone: the count and the voice's switch fit
        time.sleep(2)
        driver.switch_to.default_content()
        shot_at(driver, "//h3[starts-with(., 'Heel raises')]", "06c-live-heel-raises-phone")
        driver.set_window_size(1280, 1400)
        live.press("Stop")
    finally:
        driver.quit()


#: In the page: the first <video> outside the camera's frame, as the browser plays it.
_PLAYED = """
const video = document.querySelector('[data-testid="stVideo"]');
if (!video) return null;
return {ready: video.readyState, width: video.videoWidth, height: video.videoHeight,
        duration: video.duration, error: video.error ? video.error.code : null};
"""


def test_live_page_a_recorded_clip_is_counted_and_played_back_in_a_real_browser(
    server: str, profile: Path
) -> None:
    """No webcam: a clip filmed beforehand (the committed rendered heel raises) is uploaded,
    counted by the real lite model, and its annotated copy plays in the browser."""
    clip = ROOT / "tests" / "data" / "clips" / "heel_raises_side.mp4"
    truth = json.loads(clip.with_suffix(".json").read_text(encoding="utf-8"))
    driver = chromium(profile, None, (1280, 1600))
    try:
        live = LivePage(driver, server)
        live.choose("Heel raises")
        driver.switch_to.default_content()
        chooser = uploader(driver)
        shot_at(driver, "//h2[contains(., 'Or a recorded clip')]", "15-live-recorded-clip-upload")
        sent = time.monotonic()
        chooser.send_keys(str(clip))
        wait_for(
            "the clip's result",
            lambda: "Download the clip with the overlay" in page_text(driver),
            180,
        )
        analysed_s = time.monotonic() - sent
        counted = re.search(r"set: (\d+) of 20", page_text(driver))
        assert counted is not None and int(counted.group(1)) == truth["reps"]
        played = wait_for(
            "the annotated clip to play",
            lambda: (state := driver.execute_script(_PLAYED)) and state["ready"] >= 2 and state,
            60,
        )
        assert played["error"] is None and played["width"] > 0
        assert played["duration"] == pytest.approx(truth["duration_ms"] / 1000, abs=0.5)
        print(
            f"\n[recorded clip] {truth['frames']} frames ({truth['duration_ms'] / 1000:.0f} s) "
            f"uploaded to counted in {analysed_s:.1f} s; {counted.group(1)} raises (truth "
            f"{truth['reps']}); the annotated copy plays at {played['width']}x{played['height']}"
        )
        result = "//h3[contains(., 'heel_raises_side.mp4')]"
        shot_at(driver, result, "15-live-recorded-clip-result")
        driver.set_window_size(400, 900)  # a phone
        time.sleep(2)
        shot_at(driver, result, "16-live-recorded-clip-phone")
    finally:
        driver.quit()


# --- the Check page ------------------------------------------------------------------------------


#: How long the upload test waits on the Check page before choosing the first photo.
READING_S = 2.0


def _report_on_screen(driver: WebDriver, heading: str) -> bool:
    """The report's heading is shown, the page has finished updating (no stale elements left)
    and the photo in view has loaded (a photo in a tab not shown loads later, lazily)."""
    driver.switch_to.default_content()
    if not driver.find_elements(By.XPATH, f"//h2[contains(., '{heading}')]"):
        return False
    if not settled(driver):
        return False
    pictures = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stImage'] img")
    return any(driver.execute_script("return arguments[0].complete", p) for p in pictures)


def test_check_page_upload_to_report_in_a_real_browser(server: str, profile: Path) -> None:
    samples = {p.stem: p for p in sample_paths()}
    front, side = samples["man_misaligned_front"], samples["man_misaligned_right"]
    with Analyzer.open("full") as analyzer:  # the same photo through the Python path, for scale
        analyzer.analyze_path(side)
        timings = []
        for _ in range(5):
            begun = time.perf_counter()
            analyzer.analyze_path(side)
            timings.append(time.perf_counter() - begun)
    begun = time.perf_counter()
    command = [str(Path(sys.executable).parent / "posecheck"), "analyze", str(side), "--json"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    cli_s = time.perf_counter() - begun
    driver = chromium(profile, None, (1280, 2000))
    try:
        driver.get(server)
        chooser = uploader(driver)
        shot(driver, "07-check-start")
        time.sleep(READING_S)  # a user glances at the guide; the model loads meanwhile
        sent = time.monotonic()
        chooser.send_keys(str(front))  # the first photo of this server
        wait_for("the report", lambda: _report_on_screen(driver, "Your report"), 120)
        cold_s = time.monotonic() - sent
        assert "What we saw" in page_text(driver)
        chooser = uploader(driver)
        driver.execute_script("arguments[0].value = ''", chooser)  # else it sends both files
        sent = time.monotonic()
        chooser.send_keys(str(side))  # a second photo: one more analysis, then the combined report
        wait_for(
            "the combined report",
            lambda: _report_on_screen(driver, "Your report from 2 photos"),
            120,
        )
        warm_s = time.monotonic() - sent
        analyse_s = statistics.median(timings)
        print(
            f"\n[check] upload to report on screen: {cold_s:.2f} s for the server's first photo "
            f"(chosen {READING_S:.0f} s after the page opened), {warm_s:.2f} s for a second photo "
            f"(its analysis and the combined report); the same photo through "
            f"Analyzer.analyze_path {analyse_s:.3f} s (median of "
            f"5), through `posecheck analyze --json` {cli_s:.2f} s (a new process, model load "
            f"included); second photo / CLI = {warm_s / cli_s:.2f}"
        )
        time.sleep(1)  # let the pictures finish drawing
        shot(driver, "08-check-report")
        driver.set_window_size(400, 900)  # a phone
        time.sleep(2)
        shot(driver, "09-check-phone-top")
        shot_at(driver, "//h2[contains(., 'Your report')]", "10-check-phone-report")
    finally:
        driver.quit()


def test_check_page_snapshot_from_the_camera_in_a_real_browser(
    server: str, tmp_path: Path, profile: Path
) -> None:
    """No file at hand: the device's camera (chromium's fake one, showing a sample render) takes
    the photo, and it gets its report."""
    camera = still_clip(tmp_path / "still.y4m", "man_misaligned_front", seconds=2.0)
    driver = chromium(profile, camera, (1280, 1800))
    try:
        driver.get(server)
        switch = wait_for(
            "the camera switch",
            lambda: driver.find_elements(By.XPATH, '//label[contains(., "this device\'s camera")]'),
            90,
            step=0.3,
        )[0]
        switch.click()
        take = wait_for(
            "the camera's button",
            lambda: [
                b
                for b in driver.find_elements(
                    By.CSS_SELECTOR, "[data-testid='stCameraInput'] button"
                )
                if "Take Photo" in b.text and b.is_enabled()
            ],
            60,
            step=0.3,
        )[0]
        time.sleep(1.5)  # the fake camera's first frames
        take.click()
        wait_for("the report", lambda: _report_on_screen(driver, "Your report"), 120)
        # the photo's own section, below the report, names it
        wait_for("the snapshot's name", lambda: "camera photo.jpg" in page_text(driver), 60)
        time.sleep(1)
        shot(driver, "13-check-camera-snapshot")
    finally:
        driver.quit()


def _heading(driver: WebDriver, tag: str, words: str) -> bool:
    driver.switch_to.default_content()
    found = driver.find_elements(By.XPATH, f"//{tag}[contains(., '{words}')]")
    return bool(found) and settled(driver)


def _shown_button(driver: WebDriver) -> WebElement | None:
    """The one "Do it with the live coach" button on screen (the closed expanders' are not)."""
    driver.switch_to.default_content()
    buttons = driver.find_elements(By.XPATH, "//button[contains(., 'Do it with the live coach')]")
    shown = [b for b in buttons if b.is_displayed()]
    return shown[0] if len(shown) == 1 else None


def test_exercises_and_about_pages_in_a_real_browser(server: str, profile: Path) -> None:
    driver = chromium(profile, None, (1280, 1600))
    try:
        driver.get(f"{server}/exercises")
        wait_for("the Exercises page", lambda: _heading(driver, "h1", "Exercises"), 60, 0.3)
        time.sleep(1)
        shot(driver, "11-exercises")
        assert page_text(driver).count("live coach") >= 9
        # an exercise opened, and from it the live coach on that exercise
        driver.find_element(By.XPATH, "//summary[contains(., 'Toe pressing')]").click()
        button = wait_for("the live coach's button", partial(_shown_button, driver), 10, 0.2)
        time.sleep(0.5)
        shot_at(driver, "//summary[contains(., 'Toe pressing')]", "11a-exercise-opened")
        button.click()
        camera = Coach("toe_pressing").summary().camera
        wait_for("the Live page on toe pressing", lambda: camera in page_text(driver), 30, 0.3)
        assert "/live" in driver.current_url
        time.sleep(1)
        shot(driver, "11b-live-coach-from-the-exercise")
        driver.get(f"{server}/about")
        wait_for("the About page", lambda: _heading(driver, "h2", "Privacy"), 60, 0.3)
        time.sleep(1)
        shot(driver, "12-about")
        assert "Everything runs on this machine" in page_text(driver)
        # on a phone both pages fit the screen: nothing to scroll sideways
        driver.set_window_size(400, 900)
        for page, tag, words, name in (
            ("exercises", "h1", "Exercises", "11-exercises-phone"),
            ("about", "h2", "Privacy", "12-about-phone"),
        ):
            driver.get(f"{server}/{page}")
            wait_for(f"the {page} page on a phone", partial(_heading, driver, tag, words), 60, 0.3)
            time.sleep(1)
            shot(driver, name)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= 400, f"the {page} page is {width} px wide on a 400 px screen"
    finally:
        driver.quit()
