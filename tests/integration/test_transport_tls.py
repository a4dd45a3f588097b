"""Front over TLS through the client's aiohttp transport: certificates verified, over real
loopback HTTPS to the sandbox Front, with a certificate authority made for the test."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connector_front.auth import StaticTokenAuth
from connector_front.errors import UpstreamError
from connector_front.sandbox.app import SandboxApp, create_app
from connector_front.transport import FrontClient, Pacer, RetryPolicy
from tests.limits import loose


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
    )


def _pem(path: Path, cert: x509.Certificate) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A certificate authority, a server certificate it signed for 127.0.0.1, and another
    authority that signed nothing here."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key, server_key, other_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = (
        _certificate("test CA", ca_key, "test CA", ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    server = (
        _certificate("127.0.0.1", server_key, "test CA", ca_key)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    other = (
        _certificate("other CA", other_key, "other CA", other_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(other_key, hashes.SHA256())
    )
    key_file = folder / "server.key"
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return {
        "ca": _pem(folder / "ca.pem", ca),
        "other_ca": _pem(folder / "other-ca.pem", other),
        "cert": _pem(folder / "server.pem", server),
        "key": key_file,
    }


@pytest.fixture(scope="module")
def https_sandbox(tls_files: dict[str, Path]) -> Iterator[tuple[str, SandboxApp]]:
    """The sandbox Front served over HTTPS on loopback: (its URL, its app)."""
    app = create_app(loose())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = int(sock.getsockname()[1])
    app.state.served_url = f"https://127.0.0.1:{port}"
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        access_log=False,
        ssl_certfile=str(tls_files["cert"]),
        ssl_keyfile=str(tls_files["key"]),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "HTTPS sandbox did not start"
        time.sleep(0.01)
    yield app.state.served_url, app
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


def _client(url: str, ca: Path, monkeypatch: pytest.MonkeyPatch) -> FrontClient:
    """A client trusting ``ca`` alone (read from SSL_CERT_FILE when the client is made)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    return FrontClient(
        url,
        StaticTokenAuth("sandbox-api-token"),
        retry=RetryPolicy(max_attempts=2, base_delay=0, max_delay=0),
        pacer=Pacer.off(),
    )


async def test_front_over_https_is_listed_with_the_certificate_verified(
    https_sandbox: tuple[str, SandboxApp],
    tls_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _ = https_sandbox
    async with _client(url, tls_files["ca"], monkeypatch) as client:
        page = await client.list_page("/contacts", params={"limit": 5})
    assert len(page.results) == 5
    assert page.next_url is not None and page.next_url.startswith(f"{url}/contacts")


async def test_a_certificate_no_trusted_authority_signed_is_refused_before_sending(
    https_sandbox: tuple[str, SandboxApp],
    tls_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, app = https_sandbox
    before = app.state.stats()["requests"]
    async with _client(url, tls_files["other_ca"], monkeypatch) as client:
        with pytest.raises(UpstreamError, match=r"GET /contacts after 2 attempts \(ConnectError\)"):
            await client.list_page("/contacts")
    assert app.state.stats()["requests"] == before  # nothing reached Front
