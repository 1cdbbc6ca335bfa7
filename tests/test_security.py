"""The app's server refuses uploads without the XSRF token, listens on loopback only, and shows
users no tracebacks or developer menu (its settings are checked as Streamlit reads them)."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.appserver import app_server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_the_settings_users_get() -> None:
    script = (
        f"import os; os.chdir({str(ROOT)!r})\n"
        "import streamlit.config as c\n"
        "c.get_config_options(force_reparse=True)\n"
        "print(c.get_option('server.enableXsrfProtection'), c.get_option('server.address'),"
        " c.get_option('client.showErrorDetails'), c.get_option('client.toolbarMode'),"
        " c.get_option('browser.gatherUsageStats'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "127.0.0.1", "none", "minimal", "False"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The app as a user starts it: its own settings decide the address."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with app_server(log, address=None) as url:
        yield int(url.rsplit(":", 1)[1])


@pytest.mark.slow  # `streamlit run` in a subprocess (the module's server)
def test_an_upload_without_the_xsrf_token_is_refused(server: int) -> None:
    boundary = "posecheck"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--{boundary}--\r\n"
    ).encode("latin-1")
    request = urllib.request.Request(
        f"http://127.0.0.1:{server}/_stcore/upload_file/session/file",
        data=body,
        method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def _outside_address() -> str | None:
    """This machine's address on its network, if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: a UDP connect only picks a route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


@pytest.mark.slow
def test_the_server_listens_on_loopback_only(server: int) -> None:
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback to try")
    with socket.socket() as client:
        client.settimeout(2)
        assert client.connect_ex((address, server)) != 0, f"the app answers on {address}"


def test_uploads_stay_in_memory() -> None:
    from starlette.formparsers import MultiPartParser

    from posecheck.ui.uploads import keep_uploads_in_memory

    size = keep_uploads_in_memory(50)
    assert size >= 51 * 1024 * 1024 and MultiPartParser.spool_max_size == size
    # and app.py asks for it at start, with the configured limit
    assert "keep_uploads_in_memory(" in (ROOT / "app.py").read_text(encoding="utf-8")
