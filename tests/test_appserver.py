"""The tests' app server: it is the app that answers, not another server on the same port."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import appserver


class _Healthy(http.server.BaseHTTPRequestHandler):
    """Answers every request "ok", as Streamlit's health check does."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def other_server() -> Iterator[int]:
    """Another server holding a port, and answering a health check there."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Healthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow  # starts the app: seconds
def test_a_port_another_server_holds_is_not_taken_for_the_app(
    other_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """free_port's port is free only until someone binds it: when another test's server took it
    first, the app's server exits ("Port ... is not available") while the other answers the
    health check. The app is then started again on another port, never mistaken for the other."""
    real = appserver.free_port
    ports = iter([other_server])
    monkeypatch.setattr(appserver, "free_port", lambda: next(ports, None) or real())
    log = tmp_path / "streamlit.log"
    with appserver.app_server(log) as url:
        assert not url.endswith(f":{other_server}")
        with urllib.request.urlopen(url, timeout=10) as response:  # the app's own page
            assert b"<html" in response.read().lower()
        assert "You can now view your Streamlit app" in log.read_text()
