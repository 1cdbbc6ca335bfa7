"""Nothing leaves the machine, proven below Python: every connect() of the CLI, the app's page
code and the app's server is watched with strace, which sees native code (MediaPipe's libcurl,
Streamlit's address lookups) that a Python audit hook cannot. Only loopback is allowed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from posecheck.samples import sample_paths
from tests.appserver import app_server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STRACE = shutil.which("strace")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (.ci/run installs it)"),
]

_INET = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?, (?P<address>[^}]*)\}")
_LOOPBACK = ('inet_addr("127.', 'inet_pton(AF_INET6, "::1"', "::ffff:127.")


def outbound(log: Path) -> list[str]:
    """Every connect() to an address that is not this machine's loopback, and any DNS query."""
    bad = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _INET.search(line)
        if (
            match and not any(mark in match["address"] for mark in _LOOPBACK)
        ) or "htons(53)" in line:
            bad.append(line)
    return bad


def _tracer(log: Path) -> list[str]:
    assert STRACE is not None
    return [STRACE, "-f", "-qq", "-e", "trace=connect", "-o", str(log)]


def _traced(command: list[str], log: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*_tracer(log), *command], cwd=ROOT, **kwargs)  # type: ignore[call-overload,no-any-return]


def test_the_parser_sees_an_outbound_connect(tmp_path: Path) -> None:
    log = tmp_path / "trace.txt"
    log.write_text(
        "12 connect(6, {sa_family=AF_INET, sin_port=htons(53), "
        'sin_addr=inet_addr("10.1.2.3")}, 16) = 0\n'
        "12 connect(6, {sa_family=AF_INET, sin_port=htons(9), "
        'sin_addr=inet_addr("127.0.0.1")}, 16) = -1\n'
        '12 connect(7, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1\n',
        encoding="utf-8",
    )
    assert len(outbound(log)) == 1 and "10.1.2.3" in outbound(log)[0]


def test_analyze_opens_no_outside_connection(tmp_path: Path) -> None:
    log = tmp_path / "analyze.txt"
    photo = str(sample_paths()[0])
    process = _traced([str(BIN / "posecheck"), "analyze", photo, "--json"], log,
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode(errors="replace")
    assert "127.0.0.1" in log.read_text(encoding="utf-8"), "MediaPipe's logger hit the dead proxy"
    assert outbound(log) == []


def test_the_app_page_with_an_upload_opens_no_outside_connection(tmp_path: Path) -> None:
    log = tmp_path / "apptest.txt"
    photo = str(sample_paths()[0])
    script = (
        "from pathlib import Path\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=120).run()\n"
        f"data = Path({photo!r}).read_bytes()\n"
        "at.file_uploader[0].set_value(('front.jpg', data, 'image/jpeg'))\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "assert len(at.get('image')) >= 1\n"
    )
    process = _traced([sys.executable, "-c", script], log, stderr=subprocess.PIPE)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
    assert outbound(log) == []


def test_the_app_server_binds_loopback_and_looks_nothing_up(tmp_path: Path) -> None:
    log = tmp_path / "server.txt"
    # the app's own settings decide the address, as a user gets it
    with app_server(tmp_path / "streamlit.log", prefix=_tracer(log), address=None) as url:
        page = urllib.request.urlopen(f"{url}/", timeout=5)
        with page:
            assert page.status == 200
    assert outbound(log) == []


def test_the_app_for_a_phone_looks_nothing_up(tmp_path: Path) -> None:
    """``make run-phone``: the app on every address, over https, reaches nothing beyond this
    machine (with no address named, Streamlit would ask a DNS server and an outside service for
    this computer's internet address at start)."""
    import os
    import signal
    import ssl
    import time

    from tests.appserver import free_port

    log, port = tmp_path / "phone.txt", free_port()
    env = {**os.environ, "POSECHECK_HOME": str(tmp_path / "home")}
    command = [str(BIN / "python"), "-m", "posecheck.ui.phone", str(port)]
    # from another folder: it starts the app where the app's settings are
    server = subprocess.Popen(
        [*_tracer(log), *command], cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # self-signed, by design
    try:
        deadline, health = time.monotonic() + 90, b""
        while time.monotonic() < deadline and health != b"ok":
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{port}/_stcore/health", timeout=2, context=context
                ) as response:
                    health = response.read()
            except OSError:
                time.sleep(0.3)
        assert health == b"ok", "the app for a phone did not start"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        printed, _ = server.communicate(timeout=60)
    assert b"https://" in printed and b"?key=" in printed  # the address to open, key included
    assert outbound(log) == []
