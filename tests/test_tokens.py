"""Supabase access token verification: the project's JWT secret (HS256) and JWKS public
keys (RS256, ES256; inline, or served by a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.db import closed_port
from tests.tokens import make_token
from usersync.access import tokens
from usersync.errors import InvalidToken, VerificationUnavailable

USER = uuid.UUID("7f1c2a52-7a4b-4c1e-9a51-2f6f3f1d9b10")


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def jwk(public_key, kid: str, algorithm: str) -> dict:
    to_jwk = RSAAlgorithm.to_jwk if algorithm == "RS256" else ECAlgorithm.to_jwk
    return to_jwk(public_key, as_dict=True) | {"kid": kid, "alg": algorithm, "use": "sig"}


@pytest.fixture
def jwks(settings, rsa_key, ec_key):
    """Asymmetric keys only, inline (no JWT secret: HS256 is then refused)."""
    keys = [
        jwk(rsa_key.public_key(), "rsa-1", "RS256"),
        jwk(ec_key.public_key(), "ec-1", "ES256"),
    ]
    settings.USERSYNC_JWT_SECRET = ""
    settings.USERSYNC_JWKS = json.dumps({"keys": keys})
    return keys


def reason(token: str) -> str:
    with pytest.raises(InvalidToken) as raised:
        tokens.verify(token)
    return str(raised.value)


def test_verify__accepts_a_valid_hs256_token_and_returns_its_claims():
    session = "5b0a4c1e-3f0e-4d7a-9a52-7c1d2e3f4a5b"
    claims = tokens.verify(make_token(USER, email="ada@example.com", session_id=session))
    assert (claims.user_id, claims.email, claims.role, claims.session_id) == (
        USER,
        "ada@example.com",
        "authenticated",
        session,
    )


def test_verify__refuses_an_expired_token():
    assert reason(make_token(USER, expires_in=-60)) == "token expired"


def test_verify__refuses_another_audience():
    assert reason(make_token(USER, aud="anon")) == "token audience is not 'authenticated'"


def test_verify__refuses_a_token_without_audience():
    assert reason(make_token(USER, aud=None)) == "token lacks the 'aud' claim"


def test_verify__refuses_a_token_signed_with_another_secret():
    forged = make_token(USER, secret="someone-elses-secret-" + "x" * 40)
    assert reason(forged) == "token signature is invalid"


def test_verify__refuses_a_malformed_token():
    assert reason("not-a-jwt") == "token is malformed"
    assert reason("a.b.c") == "token is malformed"


def test_verify__refuses_an_unsigned_token():
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps({"sub": str(USER)}).encode()).rstrip(b"=")
    assert reason(f"{header.decode()}.{body.decode()}.") == "unsupported token algorithm 'none'"


def test_verify__refuses_a_subject_that_is_not_a_user_id():
    assert reason(make_token("service-account")) == "token subject is not a user id"


def test_verify__checks_the_issuer_when_one_is_configured(settings):
    settings.USERSYNC_JWT_ISSUER = "https://project.supabase.co/auth/v1"
    assert reason(make_token(USER, iss="https://other.supabase.co/auth/v1")) == (
        "token issuer is not this project"
    )
    assert tokens.verify(make_token(USER, iss="https://project.supabase.co/auth/v1"))


def test_verify__is_unavailable_when_nothing_is_configured(settings):
    settings.USERSYNC_JWT_SECRET = ""
    with pytest.raises(VerificationUnavailable, match="not configured"):
        tokens.verify(make_token(USER))


def test_verify__accepts_rs256_and_es256_tokens_from_the_jwks(jwks, rsa_key, ec_key):
    rs = make_token(USER, secret=rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})
    es = make_token(USER, secret=ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert tokens.verify(rs).user_id == USER
    assert tokens.verify(es).user_id == USER


def test_verify__refuses_an_unknown_key_id(jwks, rsa_key):
    token = make_token(USER, secret=rsa_key, algorithm="RS256", headers={"kid": "rotated-out"})
    assert reason(token) == "token signed with an unknown key"


def test_verify__refuses_a_token_signed_by_another_key_under_a_known_id(jwks):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = make_token(USER, secret=stranger, algorithm="RS256", headers={"kid": "rsa-1"})
    assert reason(token) == "token signature is invalid"


def test_verify__refuses_hs256_when_only_a_jwks_is_configured(jwks):
    assert reason(make_token(USER)) == "HS256 tokens are not accepted (no JWT secret configured)"


def test_verify__never_uses_a_public_key_as_an_hmac_secret(settings, jwks, rsa_key):
    # The algorithm-confusion forgery: HS256 "signed" with the published public key.
    settings.USERSYNC_JWT_SECRET = "the-real-secret-" + "r" * 40
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    claims = {"sub": str(USER), "aud": "authenticated", "exp": 4_102_444_800}
    signing_input = (
        b64(b'{"alg":"HS256","typ":"JWT","kid":"rsa-1"}') + b"." + b64(json.dumps(claims).encode())
    )
    signature = b64(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
    assert reason((signing_input + b"." + signature).decode()) == "token signature is invalid"


@pytest.fixture
def jwks_server(rsa_key):
    body = json.dumps({"keys": [jwk(rsa_key.public_key(), "served-1", "RS256")]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/auth/v1/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


def test_verify__fetches_the_jwks_from_its_url(settings, jwks_server, rsa_key):
    settings.USERSYNC_JWKS_URL = jwks_server
    token = make_token(USER, secret=rsa_key, algorithm="RS256", headers={"kid": "served-1"})
    assert tokens.verify(token).user_id == USER


def test_verify__is_unavailable_when_the_jwks_url_cannot_be_reached(settings, rsa_key):
    settings.USERSYNC_JWKS_URL = f"http://127.0.0.1:{closed_port()}/jwks.json"
    token = make_token(USER, secret=rsa_key, algorithm="RS256", headers={"kid": "served-1"})
    with pytest.raises(VerificationUnavailable, match="cannot be fetched"):
        tokens.verify(token)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "missing Authorization: Bearer token"),
        ("", "missing Authorization: Bearer token"),
        ("Basic dXNlcjpwYXNz", "the Authorization header is not 'Bearer <token>'"),
        ("Bearer ", "the Authorization header is not 'Bearer <token>'"),
    ],
)
def test_bearer_token__refuses_anything_but_a_bearer_token(header, expected):
    with pytest.raises(InvalidToken, match=expected.replace("(", r"\(")):
        tokens.bearer_token(header)
