"""USERSYNC_SUPABASE_URL alone: the JWKS fetched from <url>/auth/v1/.well-known/jwks.json
over HTTPS (a real local server with a certificate made here, trusted through
SSL_CERT_FILE), ES256 and EdDSA (Ed25519, `OKP`) keys, and the issuer <url>/auth/v1
always checked."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID
from django.test import override_settings
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from tests.factories import AuthUserFactory
from tests.tokens import bearer, make_token
from usersync.access import tokens
from usersync.conf import conf
from usersync.errors import InvalidToken

USER = uuid.UUID("5b0c8d0e-8f0c-4a57-9f3e-1d2a3b4c5d6e")
JWKS_PATH = "/auth/v1/.well-known/jwks.json"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate_chain(directory: Path) -> tuple[Path, Path, Path]:
    """A CA (what the client trusts) and a localhost certificate it signed: (CA file,
    server certificate file, server key file)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_id = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("usersync test CA"))
        .issuer_name(_name("usersync test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_id, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_id),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@dataclass
class Project:
    url: str
    es256: ec.EllipticCurvePrivateKey
    ed25519: ed25519.Ed25519PrivateKey
    paths: list[str]

    @property
    def issuer(self) -> str:
        return f"{self.url}/auth/v1"

    def token(self, kind: str, **claims) -> str:
        key, algorithm = (self.es256, "ES256") if kind == "es256" else (self.ed25519, "EdDSA")
        claims.setdefault("iss", self.issuer)
        if claims["iss"] is None:
            del claims["iss"]
        return make_token(
            USER, secret=key, algorithm=algorithm, headers={"kid": f"{kind}-key"}, **claims
        )


def jwks_document(es256: ec.EllipticCurvePrivateKey, ed: ed25519.Ed25519PrivateKey) -> bytes:
    # As the auth service publishes them (internal/conf/jwk.go): kid, alg, use, key_ops.
    extra = {"use": "sig", "key_ops": ["verify"]}
    return json.dumps(
        {
            "keys": [
                ECAlgorithm.to_jwk(es256.public_key(), as_dict=True)
                | {"kid": "es256-key", "alg": "ES256"}
                | extra,
                OKPAlgorithm.to_jwk(ed.public_key(), as_dict=True)
                | {"kid": "eddsa-key", "alg": "EdDSA"}
                | extra,
            ]
        }
    ).encode()


@pytest.fixture
def project(tmp_path, monkeypatch, settings) -> Iterator[Project]:
    """A Supabase project at https://localhost:<port> publishing an ES256 and an Ed25519
    key, and usersync configured with USERSYNC_SUPABASE_URL and nothing else."""
    ca_file, cert_file, key_file = certificate_chain(tmp_path)
    es256, ed = ec.generate_private_key(ec.SECP256R1()), ed25519.Ed25519PrivateKey.generate()
    body, paths = jwks_document(es256, ed), []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            paths.append(self.path)
            found = self.path == JWKS_PATH
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads, server.block_on_close = True, False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # ssl.create_default_context() reads SSL_CERT_FILE when it is made: it trusts our CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    settings.USERSYNC_SUPABASE_URL = f"https://localhost:{server.server_port}"
    settings.USERSYNC_JWT_SECRET = ""
    settings.USERSYNC_JWKS_URL = ""
    settings.USERSYNC_JWKS = ""
    settings.USERSYNC_JWT_ISSUER = ""
    yield Project(settings.USERSYNC_SUPABASE_URL, es256, ed, paths)
    server.shutdown()
    server.server_close()


def test_supabase_url__derives_the_jwks_url_and_the_issuer(project):
    assert conf.jwks_url_in_use == f"{project.url}{JWKS_PATH}"
    assert conf.issuer_in_use == project.issuer
    with override_settings(USERSYNC_SUPABASE_URL="https://abc.supabase.co/"):
        assert conf.jwks_url_in_use == "https://abc.supabase.co/auth/v1/.well-known/jwks.json"
        assert conf.issuer_in_use == "https://abc.supabase.co/auth/v1"
    with override_settings(USERSYNC_JWKS_URL="https://keys.example/jwks.json"):
        assert conf.jwks_url_in_use == "https://keys.example/jwks.json"


def test_supabase_url__es256_and_eddsa_tokens_verify_with_only_the_project_url(project):
    assert tokens.verify(project.token("es256")).user_id == USER
    assert tokens.verify(project.token("eddsa")).user_id == USER
    assert project.paths == [JWKS_PATH]  # one fetch, over HTTPS, at Supabase's path


def test_supabase_url__a_token_of_another_issuer_is_refused(project):
    for kind in ("es256", "eddsa"):
        with pytest.raises(InvalidToken, match="token issuer is not this project"):
            tokens.verify(project.token(kind, iss="https://other.supabase.co/auth/v1"))


def test_supabase_url__the_issuer_is_checked_even_with_jwt_issuer_empty(project):
    with override_settings(USERSYNC_JWT_ISSUER=""):
        with pytest.raises(InvalidToken, match="lacks the 'iss' claim"):
            tokens.verify(project.token("eddsa", iss=None))
        with pytest.raises(InvalidToken, match="issuer"):
            tokens.verify(project.token("eddsa", iss=f"{project.url}/auth/v2"))


def test_supabase_url__a_token_claiming_another_algorithm_than_its_key_is_refused(project):
    # Signed with the Ed25519 key but naming the ES256 key: the key's own algorithm wins.
    forged = make_token(
        USER,
        secret=project.ed25519,
        algorithm="EdDSA",
        headers={"kid": "es256-key"},
        iss=project.issuer,
    )
    with pytest.raises(InvalidToken, match="malformed"):
        tokens.verify(forged)


@pytest.mark.django_db
@pytest.mark.urls("tests.urls")
def test_supabase_url__an_eddsa_token_signs_in_to_a_decorated_view(project, client):
    user = AuthUserFactory(id=USER)
    response = client.get("/app/whoami", headers=bearer(project.token("eddsa")))
    assert response.status_code == 200, response.content
    assert response.json()["user_id"] == str(user.id)
    refused = client.get(
        "/app/whoami", headers=bearer(project.token("es256", iss="https://evil.example/auth/v1"))
    )
    assert refused.status_code == 401
    assert refused.json() == {"error": "token issuer is not this project"}
