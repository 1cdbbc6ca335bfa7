"""What the user's browser allows the app: the camera only on a secure page."""

from __future__ import annotations

import urllib.parse

#: Hosts a browser counts as this computer's own, where plain http still gets the camera.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def on_another_device(url: str | None) -> bool:
    """Whether the page is shown on another device than the computer running posecheck (a
    phone on the network): its address is not this computer's own. False when not known."""
    if not url:
        return False
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return not (host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."))


def camera_blocked(url: str | None) -> bool:
    """Whether a browser at ``url`` (the page's address as the browser shows it) gets no camera:
    browsers give it only to secure pages, https or this computer's own address (localhost,
    127.0.0.0/8, ::1), so a phone reaching the app over plain http on a home network gets none.
    False when the address is not known."""
    if not url:
        return False
    return urllib.parse.urlsplit(url).scheme == "http" and on_another_device(url)
