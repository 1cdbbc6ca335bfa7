"""An audit hook that records (and refuses) every network connection a process tries to open.

Used by test_network.py in subprocesses: ``python -c "import netguard; netguard.install(); ..."``.
Loopback addresses are allowed when NETGUARD_ALLOW_LOOPBACK=1 (the app's own local server).
Every attempt is appended to the file named by NETGUARD_LOG, one line each.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

_EVENTS = {"socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname"}
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""}


def _is_loopback(host: object) -> bool:
    text = str(host)
    return text in _LOOPBACK_NAMES or text.startswith("127.")


def _target_host(event: str, args: tuple[Any, ...]) -> object:
    if event in {"socket.connect", "socket.sendto"}:
        address = args[1]
        if isinstance(address, tuple) and address:
            return address[0]
        return address  # a Unix socket path
    return args[0]


def install() -> None:
    log_path = os.environ["NETGUARD_LOG"]
    allow_loopback = os.environ.get("NETGUARD_ALLOW_LOOPBACK") == "1"

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in _EVENTS:
            return
        host = _target_host(event, args)
        if isinstance(host, (str, bytes)) and str(host).startswith("/"):
            return  # Unix domain sockets are local IPC, not network
        allowed = allow_loopback and _is_loopback(host)
        with Path(log_path).open("a", encoding="utf-8") as log:
            log.write(f"{'allowed' if allowed else 'BLOCKED'} {event} {host!r}\n")
        if not allowed:
            raise ConnectionRefusedError(f"netguard: network access blocked ({event} {host!r})")

    sys.addaudithook(hook)
