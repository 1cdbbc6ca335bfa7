"""The app's server for a test: ``streamlit run`` on a free port, optionally under a tracer
(strace), ready when its health check answers, and stopped with everything it started (the
tracer and the server are one process group)."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT = Path(sys.executable).parent / "streamlit"


def _serving(log: Path) -> bool:
    """Whether the server writing ``log`` says it serves (Streamlit's words once it is bound)."""
    return "You can now view your Streamlit app" in log.read_text(errors="replace")


#: Tries at a free port: another test's server may take it between ``free_port`` and the bind.
PORT_TRIES = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def app_server(
    log: Path,
    *,
    script: str = "app.py",
    prefix: Sequence[str] = (),
    address: str | None = "127.0.0.1",
    seconds: float = 120.0,
    tls: tuple[Path, Path] | None = None,
) -> Iterator[str]:
    """The URL of ``streamlit run script`` (a path from the repository's root), its output in
    ``log``; ``prefix`` runs it under another command (a tracer); ``address`` None keeps the
    app's own setting (``.streamlit/config.toml``), as a user gets it; ``tls`` (certificate,
    key) serves it over https."""
    context = None
    if tls is not None:
        context = ssl.create_default_context(cafile=str(tls[0]))
        context.check_hostname = False  # the health check asks 127.0.0.1
    for _ in range(PORT_TRIES):
        port = free_port()
        command = [*prefix, str(STREAMLIT), "run", script, "--server.port", str(port)]
        command += ["--server.headless", "true"]
        if address is not None:
            command += ["--server.address", address]
        if tls is not None:
            command += ["--server.sslCertFile", str(tls[0]), "--server.sslKeyFile", str(tls[1])]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        if _started(process, url, log, context, seconds):
            break
        _stop(process)
        if "is not available" not in log.read_text(errors="replace"):
            pytest.fail(f"the app did not start:\n{log.read_text(errors='replace')}")
    else:
        pytest.fail(f"no free port in {PORT_TRIES} tries:\n{log.read_text(errors='replace')}")
    try:
        yield url
    finally:
        _stop(process)


def _started(
    process: subprocess.Popen[bytes],
    url: str,
    log: Path,
    context: ssl.SSLContext | None,
    seconds: float,
) -> bool:
    """Whether the server at ``url`` answers and is this ``process`` (its log says it serves),
    within ``seconds``; False once the process has ended or the time is up."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            health = f"{url}/_stcore/health"
            with urllib.request.urlopen(health, timeout=2, context=context) as response:
                # ours, not another test's server that took the port first (the loser exits
                # with "Port ... is not available")
                if response.read() == b"ok" and _serving(log):
                    return True
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.3)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)
