"""Fixtures for the communications tests: a handler on each backend, a clock, actors."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import Complainant, ComplaintForm

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
AGENT = Actor("agent:1", roles={"complaints-handler"})
MANAGER = Actor("manager:1", roles={"complaints-manager"})
AUDITOR = Actor("auditor:1", roles={"auditor"})
SYSTEM = Actor("system:mailer", roles={"system"})


def make_form(
    language: str = "en", email: str = "camille@example.org"
) -> ComplaintForm:
    """Return an intake form from a named complainant with an e-mail address."""
    return ComplaintForm(
        complainant=Complainant(name="Camille Martin", email=email, language=language),
        description="My card payment was taken twice.",
    )


@pytest.fixture
def clock() -> FixedClock:
    """Return a clock at a Monday morning that tests move forwards."""
    return FixedClock(START)


def _postgres_backend(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    psycopg = pytest.importorskip("psycopg")
    from iso10002.handler.postgres import PostgresHandlerStore  # noqa: PLC0415
    from iso10002.repositories.postgres import (  # noqa: PLC0415
        PostgresComplaintRepository,
    )

    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    schema = f"comms_{secrets.token_hex(5)}"
    repository = PostgresComplaintRepository(dsn, schema=schema, pool_size=2)
    store = PostgresHandlerStore(dsn, schema=schema)
    try:
        yield repository, store
    finally:
        store.close()
        repository.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    """Return ``(repository, store)`` per adapter; PostgreSQL skips without a server."""
    if request.param == "memory":
        yield (
            request.getfixturevalue("iso10002_memory_repository"),
            (InMemoryHandlerStore()),
        )
    elif request.param == "sqlite":
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415

        repository = request.getfixturevalue("iso10002_sqlite_repository")
        store = SQLiteHandlerStore(repository.path)
        yield repository, store
        store.close()
    else:
        yield from _postgres_backend(request)


@pytest.fixture
def make_handler(
    backend: tuple[Any, Any], clock: FixedClock
) -> Iterator[Callable[..., ComplaintsHandler]]:
    """Return a factory of handlers on the backend and the test clock."""
    repository, store = backend
    made: list[ComplaintsHandler] = []

    def make(**options: Any) -> ComplaintsHandler:
        options.setdefault("clock", clock)
        options.setdefault("store", store)
        handler = ComplaintsHandler(repository, **options)
        made.append(handler)
        return handler

    yield make
    for handler in made:
        handler.shutdown()


class Mailbox:
    """An aiosmtpd handler keeping what it accepts; it can refuse on purpose."""

    def __init__(self) -> None:
        """Start empty, accepting everything."""
        self.messages: list[bytes] = []
        self.refusals: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Accept the message, unless a refusal is queued."""
        del server, session
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """Run a real SMTP server on 127.0.0.1; return its mailbox and port."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    box = Mailbox()
    port = free_port()
    controller = controller_module.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return a self-signed certificate for 127.0.0.1 and its key (PEM files)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_mailbox(certificate: tuple[Path, Path]) -> Iterator[tuple[Mailbox, int]]:
    """Run a real SMTP server on 127.0.0.1 that requires STARTTLS."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    cert_path, key_path = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    box = Mailbox()
    port = free_port()
    controller = controller_module.Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
