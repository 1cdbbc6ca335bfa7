"""After setup, analyze, bench and the app open no network connection (bar the app's server).

Each runs in a subprocess with an audit hook that records and refuses every socket connection,
name lookup and datagram; the test then reads the record.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.appserver import free_port
from tests.conftest import photo

REPO = Path(__file__).resolve().parents[1]


def _run_guarded(code: str, tmp_path: Path, *, allow_loopback: bool = False) -> tuple[int, str]:
    log = tmp_path / "net.log"
    log.touch()
    env = dict(os.environ)
    env["NETGUARD_LOG"] = str(log)
    env["NETGUARD_ALLOW_LOOPBACK"] = "1" if allow_loopback else "0"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tests"), str(REPO)])
    script = "import netguard\nnetguard.install()\n" + textwrap.dedent(code)
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.returncode, log.read_text(encoding="utf-8")


def test_netguard_catches_a_connection(tmp_path: Path) -> None:
    """The guard itself works: an outbound connection attempt is recorded and refused."""
    status, log = _run_guarded(
        """
        import socket
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=1)
        except OSError as exc:
            print("refused", exc)
        """,
        tmp_path,
    )
    assert status == 0
    assert "BLOCKED" in log


@pytest.mark.slow
def test_analyze_and_bench_open_no_connection(tmp_path: Path) -> None:
    image = photo("front_standing_01.jpg")
    status, log = _run_guarded(
        f"""
        import sys
        from posecheck.cli import main
        from posecheck.dev.cli import main as dev_main
        assert main(["analyze", {str(image)!r}, "--json"]) == 0
        assert dev_main(["bench", {str(image)!r}, "--repeats", "1", "--model", "lite"]) == 0
        """,
        tmp_path,
    )
    assert status == 0
    assert log == "", f"network activity:\n{log}"


@pytest.mark.slow
def test_app_opens_no_connection(tmp_path: Path) -> None:
    """The app, driven through Streamlit's AppTest with a real upload, stays off the network."""
    image = photo("front_standing_01.jpg")
    status, log = _run_guarded(
        f"""
        from pathlib import Path
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file("app.py", default_timeout=120).run()
        data = Path({str(image)!r}).read_bytes()
        at.file_uploader[0].set_value(("front.jpg", data, "image/jpeg"))
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        captions = [p.caption for image in at.get("image") for p in image.proto.imgs]
        assert sum(c.startswith("front.jpg") for c in captions) == 1
        """,
        tmp_path,
        allow_loopback=True,
    )
    assert status == 0
    assert "BLOCKED" not in log, f"network activity:\n{log}"


@pytest.mark.slow  # `streamlit run` in a subprocess
def test_app_server_opens_no_outside_connection(tmp_path: Path) -> None:
    """`streamlit run app.py` serves the page and reaches nothing beyond this machine."""
    import time
    import urllib.request

    port = free_port()
    log = tmp_path / "net.log"
    log.touch()
    env = dict(os.environ)
    env.update(
        NETGUARD_LOG=str(log),
        NETGUARD_ALLOW_LOOPBACK="1",
        PYTHONPATH=os.pathsep.join([str(REPO / "tests"), str(REPO)]),
    )
    script = (
        "import sys, netguard\nnetguard.install()\nfrom streamlit.web import cli\n"
        f"sys.argv = ['streamlit', 'run', 'app.py', '--server.port', '{port}',"
        " '--server.address', '127.0.0.1', '--server.headless', 'true']\ncli.main()\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = ""
        while time.monotonic() < deadline and not health:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    health = r.read().decode()
            except OSError:
                time.sleep(0.5)
        assert health == "ok", "the app server did not start within 60 s"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert b"<html" in page.read().lower()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
    assert "BLOCKED" not in log.read_text(encoding="utf-8")
