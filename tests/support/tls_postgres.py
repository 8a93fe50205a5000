"""A throwaway PostgreSQL server that speaks only TLS and checks passwords.

The CA and the server's certificate (for 127.0.0.1) are made here with the
``cryptography`` package; the server is a fresh ``initdb`` on a free port of
127.0.0.1, run as the ``postgres`` user when the tests run as root (PostgreSQL
refuses to run as root). It accepts only ``hostssl`` connections with a
SCRAM password. About 2 s to make and start, so one module shares it.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "Tls-Test-Secret-4711"
USER = "postgres"


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca_file: Path  # the CA that signed the server's certificate
    other_ca_file: Path  # a CA that did not

    def url(self, ca_file: Path | None = None, sslmode: str = "verify-full") -> str:
        ca = ca_file or self.ca_file
        return (
            f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/postgres"
            f"?sslmode={sslmode}&sslrootcert={ca}"
        )


def server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@contextmanager
def tls_postgres() -> Iterator[TlsServer]:
    """A running TLS-only server, stopped and removed afterwards."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql")
    folder = Path(tempfile.mkdtemp(prefix="commander-tls-pg-"))
    as_server_user = _runner()
    try:
        ca_file, other_ca_file = _certificates(folder)
        password_file = folder / "password"
        password_file.write_text(PASSWORD)
        _own(folder)
        data = folder / "data"
        as_server_user(
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "-A",
            "scram-sha-256",
            f"--pwfile={password_file}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        (data / "pg_hba.conf").write_text(
            "hostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 reject\n"
        )
        _own(folder)
        port = _free_port()
        as_server_user(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on "
            f"-c ssl_cert_file={folder / 'server.crt'} -c ssl_key_file={folder / 'server.key'}",
            "start",
        )
        try:
            yield TlsServer(port, ca_file, other_ca_file)
        finally:
            as_server_user(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _runner() -> Callable[..., None]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    return run


def _own(folder: Path) -> None:
    if os.geteuid() != 0:
        return
    for path in [folder, *folder.rglob("*")]:
        shutil.chown(path, "postgres", "postgres")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificates(folder: Path) -> tuple[Path, Path]:
    """A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)  # certificates live in real time, not the app's

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def make_ca(title: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name(title))
            .issuer_name(name(title))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        return key, certificate

    ca_key, ca = make_ca("commander test CA")
    _other_key, other_ca = make_ca("someone else's CA")
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_file, other_ca_file = folder / "ca.crt", folder / "other-ca.crt"
    ca_file.write_bytes(ca.public_bytes(pem))
    other_ca_file.write_bytes(other_ca.public_bytes(pem))
    (folder / "server.crt").write_bytes(server.public_bytes(pem))
    key_file = folder / "server.key"
    key_file.write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return ca_file, other_ca_file
