"""The app for a phone on the same network (``make run-phone``): served over https on this
computer's network address with a certificate made here, and only to the printed key.

A phone cannot be driven here; Debian's chromium stands in for its browser, with a fake camera,
reaching the app at this machine's network address (not localhost, where plain http would do)
and accepting the self-signed certificate as the phone's user does once
(``--ignore-certificate-errors``). The live video must start and come back annotated.
"""

from __future__ import annotations

import datetime
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509

from posecheck.ui.phone import (
    ACCESS_KEY_ENV,
    RENEW_BEFORE,
    access_allowed,
    certificate,
    command,
    lan_addresses,
)
from tests.appserver import app_server
from tests.test_browser import (
    LivePage,
    chromium,
    needs_a_network_interface,
    page_text,
    profile,
    shot,
    start_and_measure,
    still_clip,
    wait_for,
)
from tests.test_browser import pytestmark as browser_marks

__all__ = ["profile"]  # a fixture, used by name


def names(path: Path) -> set[str]:
    made = x509.load_pem_x509_certificate(path.read_bytes())
    alternative = made.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(ip) for ip in alternative.get_values_for_type(x509.IPAddress)}


def test_the_certificate_is_made_once_for_the_addresses_and_its_key_kept_private(
    tmp_path: Path,
) -> None:
    made = certificate(tmp_path, ["192.168.1.20"])
    assert names(made.cert) == {"127.0.0.1", "192.168.1.20"}
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    again = certificate(tmp_path, ["192.168.1.20"])
    assert again.cert.read_bytes() == made.cert.read_bytes()  # reused
    moved = certificate(tmp_path, ["10.0.0.5"])  # the computer joined another network
    assert names(moved.cert) == {"127.0.0.1", "10.0.0.5"}
    before = moved.cert.read_bytes()
    assert certificate(tmp_path, ["10.0.0.5"]).cert.read_bytes() == before
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=365) - RENEW_BEFORE
    renewed = certificate(tmp_path, ["10.0.0.5"], now=later)
    assert renewed.cert.read_bytes() != before  # about to end: made again


def test_only_the_printed_key_opens_the_app() -> None:
    assert access_allowed(None, None) and access_allowed("", "anything")  # `make run`: local
    assert access_allowed("s3cret", "s3cret")
    assert not access_allowed("s3cret", None) and not access_allowed("s3cret", "s3cre")


def test_the_app_is_served_on_every_address_over_https(tmp_path: Path) -> None:
    made = certificate(tmp_path, ["192.168.1.20"])
    run = command(made, 8600)
    assert run[1] == "run" and Path(run[2]).is_file() and Path(run[2]).name == "app.py"
    assert (Path(run[2]).parent / ".streamlit" / "config.toml").is_file()  # started there
    assert run[run.index("--server.address") + 1] == "0.0.0.0"
    assert run[run.index("--server.sslCertFile") + 1] == str(made.cert)
    assert all(not a.startswith("127.") for a in lan_addresses())


@pytest.mark.slow
@browser_marks[1]  # Debian's chromium and chromedriver
def test_a_phone_on_the_network_gets_the_live_camera_over_https(
    tmp_path: Path, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_a_network_interface()
    addresses = lan_addresses()
    if not addresses:
        pytest.skip("no network address besides loopback: a phone could not reach this machine")
    made = certificate(tmp_path / "tls", addresses)
    monkeypatch.setenv(ACCESS_KEY_ENV, "k3y-for-the-test")
    camera = still_clip(tmp_path / "still.y4m")
    log = tmp_path / "streamlit.log"
    with app_server(log, address="0.0.0.0", tls=(made.cert, made.key)) as local:
        port = local.rsplit(":", 1)[1]
        phone = f"https://{addresses[0]}:{port}"
        # the certificate accepted, as the phone's user does once; and no proxy: a model loaded
        # earlier in this process points the proxy variables at a closed port (estimator.py),
        # which chromium would follow for any address that is not loopback
        extra = ["--ignore-certificate-errors", "--no-proxy-server"]
        driver = chromium(profile, camera, (400, 900), extra=extra)
        try:
            driver.get(f"{phone}/live")  # without the key
            wait_for("the key to be asked for", lambda: "private" in page_text(driver), 60)
            shot(driver, "phone-1-without-the-key")
            live = LivePage(driver, phone, path="/live?key=k3y-for-the-test")
            assert driver.execute_script("return window.isSecureContext") is True
            assert "plain http" not in page_text(driver)  # the camera is given here
            assert "over your own network to the computer running posecheck" in page_text(driver)
            start_and_measure(live, "a phone over https")
            shot(driver, "phone-2-live-over-https")
            driver.refresh()  # a reload keeps the key in the address
            wait_for("the page again", lambda: "What do you want to do?" in page_text(driver), 60)
        finally:
            driver.quit()
    assert os.environ[ACCESS_KEY_ENV] == "k3y-for-the-test"
