"""The app for a phone on the same network: ``make run-phone`` (``python -m posecheck.ui.phone``).

A phone's browser gives its camera only to a secure page, so the app is served over https with a
certificate made here once (self-signed: the phone warns once, and the user accepts it), on every
network address of this computer, and the address to open is printed with an access key. Anyone
else on the network who opens the app without the key is turned away (``access_allowed``): the
History page shows this computer's saved checks. Nothing is fetched: the certificate is made with
the ``cryptography`` package already here (for WebRTC), and the addresses are read from the
network interfaces (``ifaddr``), no lookup.
"""

from __future__ import annotations

import datetime
import hmac
import ipaddress
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The environment variable the app reads the access key from (set by ``main``).
ACCESS_KEY_ENV = "POSECHECK_ACCESS_KEY"
#: The query parameter the printed address carries the key in.
ACCESS_PARAM = "key"
#: The certificate is made again when less than this is left of it.
RENEW_BEFORE = datetime.timedelta(days=30)
#: How long a certificate made here lasts.
VALID_FOR = datetime.timedelta(days=365)
PORT = 8501
#: The app's entry point, at the root of the clone this package sits in: Streamlit reads the
#: app's settings (``.streamlit/config.toml``: no usage statistics, upload size, ...) from the
#: folder it starts in, so it is started there.
APP = Path(__file__).resolve().parents[2] / "app.py"


@dataclass(frozen=True)
class Certificate:
    """A certificate and its private key (PEM files), and the addresses it names."""

    cert: Path
    key: Path
    addresses: tuple[str, ...]


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses on its network interfaces, loopback and link-local left
    out, read from the interfaces (no lookup, nothing sent)."""
    import ifaddr

    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not ip.is_IPv4 or not isinstance(ip.ip, str):
                continue
            address = ipaddress.IPv4Address(ip.ip)
            if not (address.is_loopback or address.is_link_local) and ip.ip not in found:
                found.append(ip.ip)
    return found


def certificate(
    folder: Path, addresses: Sequence[str], *, now: datetime.datetime | None = None
) -> Certificate:
    """The certificate in ``folder`` for ``addresses`` (and localhost), made when missing, when it
    does not name them all, or when it ends within ``RENEW_BEFORE``; the key file is the user's
    alone (0600)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = now or datetime.datetime.now(datetime.UTC)
    cert_path, key_path = folder / "posecheck-cert.pem", folder / "posecheck-key.pem"
    wanted = tuple(dict.fromkeys(["127.0.0.1", *addresses]))
    if cert_path.is_file() and key_path.is_file():
        existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = existing.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        named = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
        if set(wanted) <= named and existing.not_valid_after_utc - now > RENEW_BEFORE:
            return Certificate(cert_path, key_path, wanted)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "posecheck on this computer")])
    alternative = [
        x509.DNSName("localhost"),
        *(x509.IPAddress(ipaddress.ip_address(a)) for a in wanted),
    ]
    made = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    key_path.chmod(0o600)  # an older file of another mode keeps its mode on O_TRUNC
    cert_path.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, wanted)


def access_allowed(expected: str | None, given: str | None) -> bool:
    """Whether a browser session may use the app: always when no key is set (the app on this
    computer only), else only with the key (compared in constant time)."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


#: Where a browser session that gave the key is remembered (pages change, the address too).
_ALLOWED_KEY = "posecheck_access_allowed"


def gate() -> None:
    """Stop the page here unless this browser session may use the app (``access_allowed``):
    called by ``app.py`` before any page runs."""
    import streamlit as st

    expected = os.environ.get(ACCESS_KEY_ENV)
    if st.session_state.get(_ALLOWED_KEY) or access_allowed(
        expected, st.query_params.get(ACCESS_PARAM)
    ):
        st.session_state[_ALLOWED_KEY] = True
        if expected and st.query_params.get(ACCESS_PARAM) != expected:
            st.query_params[ACCESS_PARAM] = expected  # in the address again: a reload keeps it
        return
    st.error(
        "This posecheck is private to the person who started it: open the address it printed, "
        "with its key."
    )
    st.stop()


def command(cert: Certificate, port: int = PORT) -> list[str]:
    """``streamlit run app.py`` on every address, over https. The address a phone opens is named
    (``browser.serverAddress``): on every address and with none named, Streamlit asks a DNS
    server and an outside service for this computer's internet address to print it."""
    streamlit = str(Path(sys.executable).parent / "streamlit")
    named = next((a for a in cert.addresses if a != "127.0.0.1"), "127.0.0.1")
    return [
        streamlit, "run", str(APP),
        "--server.address", "0.0.0.0",
        "--server.port", str(port),
        "--server.sslCertFile", str(cert.cert),
        "--server.sslKeyFile", str(cert.key),
        "--browser.serverAddress", named,
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    from platformdirs import user_data_dir

    args = list(sys.argv[1:] if argv is None else argv)
    port = int(args[0]) if args else PORT
    if not APP.is_file():
        print(f"posecheck: the app ({APP}) is not here: run `make run-phone` in a clone.")
        return 1
    addresses = lan_addresses()
    if not addresses:
        print(
            "posecheck: this computer has no network address besides its own (no Wi-Fi or "
            "cable connected): a phone cannot reach it. Connect it to the phone's network.",
            file=sys.stderr,
        )
        return 1
    folder = Path(os.environ.get("POSECHECK_HOME") or user_data_dir("posecheck")) / "tls"
    made = certificate(folder, addresses)
    key = os.environ.get(ACCESS_KEY_ENV) or secrets.token_urlsafe(12)
    os.environ[ACCESS_KEY_ENV] = key
    print("posecheck for a phone on this network. On the phone (the same Wi-Fi), open:")
    for address in addresses:
        print(f"    https://{address}:{port}/?{ACCESS_PARAM}={key}")
    print(
        "The phone warns that the certificate is not trusted: it was made on this computer, for "
        "it. Accept it once (Advanced, then continue). Only someone with the address above, key "
        "included, can use the app. Press Ctrl+C here to stop.",
        flush=True,
    )
    os.chdir(APP.parent)  # where its settings are
    os.execv(command(made, port)[0], command(made, port))
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
