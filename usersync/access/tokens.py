"""Supabase access tokens: verified with the project's JWT secret (HS256) or its JWKS
public keys (ES256, RS256, EdDSA with Ed25519 `OKP` keys), checking expiry, audience and
the issuer (when USERSYNC_SUPABASE_URL or USERSYNC_JWT_ISSUER names one).

The algorithm decides the key, never the other way round: an HS256 token is only ever
checked against SUPABASE_JWT_SECRET, so a public key can never be used as an HMAC
secret (the classic algorithm-confusion forgery).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jwt

from usersync.access import jwks
from usersync.conf import conf
from usersync.errors import InvalidToken, VerificationUnavailable

# What Supabase Auth signs with (supabase/auth internal/conf/jwk.go GetSigningAlg): ES256 is
# the recommended default, RS256 supported, EdDSA (Ed25519) announced. A JWKS key carries
# its own algorithm, and PyJWT refuses a token whose "alg" is not that key's.
ASYMMETRIC = {"ES256", "RS256", "EdDSA"}
LEEWAY_SECONDS = 10
# The auth service's own wording (supabase/auth internal/api/auth.go).
SESSION_ID_NOT_A_UUID = "invalid claim: session_id claim must be a UUID"


@dataclass(frozen=True)
class Claims:
    user_id: uuid.UUID
    email: str | None
    role: str | None
    session_id: str | None  # a UUID's text; None when the token names no session
    raw: dict[str, Any] = field(repr=False)
    # Set on tokens Supabase Auth (as an OAuth 2.1 server) issued to a third-party app,
    # with the scopes it was granted ("scope", space-separated).
    client_id: str | None = None
    scopes: tuple[str, ...] = ()
    amr_methods: tuple[str, ...] = ()  # how the user signed in ("password", "otp", ...)


def _split_authorization(authorization: str | None) -> tuple[str, str]:
    """(scheme lower-cased, credentials) of an Authorization header of any shape; ("", "")
    when it is missing or blank (whitespace of any kind only)."""
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    return scheme.lower(), credentials.strip()


def authorization_scheme(authorization: str | None) -> str:
    """The header's scheme, lower-cased, parsed as bearer_token parses it ("" if blank)."""
    return _split_authorization(authorization)[0]


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, token = _split_authorization(authorization)
    if not scheme:
        raise InvalidToken("missing Authorization: Bearer token")
    if scheme != "bearer" or not token:
        raise InvalidToken("the Authorization header is not 'Bearer <token>'")
    return token


@lru_cache(maxsize=4)
def _inline_jwks(text: str) -> jwt.PyJWKSet:
    try:
        return jwt.PyJWKSet.from_dict(json.loads(text))
    except (ValueError, jwt.PyJWKSetError) as error:
        raise VerificationUnavailable(f"SUPABASE_JWKS is not a valid JWKS: {error}") from None


def _asymmetric_key(kid: str | None) -> Any:
    if conf.JWKS:
        keys = _inline_jwks(conf.JWKS)
        for key in keys.keys:
            if kid is None or key.key_id == kid:
                return key
        raise InvalidToken("token signed with an unknown key")
    if url := conf.jwks_url_in_use:
        return jwks.key_cache(url, conf.JWKS_CACHE_SECONDS).signing_key(kid)
    raise InvalidToken("asymmetric tokens are not accepted (no JWKS configured)")


def _key_for(header: dict) -> Any:
    algorithm, kid = header.get("alg"), header.get("kid")
    if not isinstance(algorithm, str) or not isinstance(kid, (str, type(None))):
        raise InvalidToken("token is malformed")  # e.g. a list, which would not hash
    if algorithm == "HS256":
        if not conf.JWT_SECRET:
            raise InvalidToken("HS256 tokens are not accepted (no JWT secret configured)")
        return conf.JWT_SECRET
    if algorithm in ASYMMETRIC:
        return _asymmetric_key(kid)
    raise InvalidToken(f"unsupported token algorithm {str(algorithm)[:20]!r}")


def verify(token: str) -> Claims:
    """The claims of a valid Supabase access token, or InvalidToken with the reason."""
    if not (conf.JWT_SECRET or conf.JWKS or conf.jwks_url_in_use):
        raise VerificationUnavailable(
            "token verification is not configured (set USERSYNC_SUPABASE_URL, or the legacy "
            "USERSYNC_JWT_SECRET)"
        )
    try:
        header = jwt.get_unverified_header(token)
        key = _key_for(header)
        payload = jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=conf.JWT_AUDIENCE,
            issuer=conf.issuer_in_use or None,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("token expired") from None
    except jwt.InvalidAudienceError:
        raise InvalidToken(f"token audience is not {conf.JWT_AUDIENCE!r}") from None
    except jwt.InvalidIssuerError:
        raise InvalidToken("token issuer is not this project") from None
    except jwt.MissingRequiredClaimError as error:
        raise InvalidToken(f"token lacks the {error.claim!r} claim") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("token signature is invalid") from None
    except jwt.ImmatureSignatureError:
        raise InvalidToken("token is not valid yet") from None
    except (jwt.DecodeError, jwt.InvalidKeyError, jwt.InvalidAlgorithmError):
        raise InvalidToken("token is malformed") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("token is invalid") from None
    try:
        user_id = uuid.UUID(str(payload["sub"]))
    except ValueError:
        raise InvalidToken("token subject is not a user id") from None
    return Claims(
        user_id=user_id,
        email=payload.get("email") or None,
        role=payload.get("role"),
        session_id=session_claim(payload),
        raw=payload,
        client_id=_text_claim(payload, "client_id"),
        scopes=tuple((_text_claim(payload, "scope") or "").split()),
        amr_methods=amr_methods(payload.get("amr")),
    )


def _text_claim(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidToken(f"invalid claim: {name} claim must be a string")
    return value


def session_claim(payload: dict[str, Any]) -> str | None:
    """The token's session as a UUID's text. As the auth service reads it: no claim, an
    empty one or the nil UUID name no session; anything else must be a UUID. A token
    without one is refused when USERSYNC_REQUIRE_SESSION_ID is set."""
    value = payload.get("session_id")
    if value is None or value == "":
        parsed = None
    else:
        try:
            parsed = uuid.UUID(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise InvalidToken(SESSION_ID_NOT_A_UUID)
        if parsed.int == 0:
            parsed = None
    if parsed is None and conf.REQUIRE_SESSION_ID:
        raise InvalidToken("token lacks the 'session_id' claim")
    return None if parsed is None else str(parsed)


def amr_methods(amr: Any) -> tuple[str, ...]:
    """The sign-in methods of an `amr` claim, which the auth service writes as a list of
    {"method": ..., "timestamp": ...} objects and, since v2.185.0, may also carry as a
    list of strings (supabase/auth internal/tokens/service.go, AMRClaim). Anything else
    in it is skipped: it says nothing about access."""
    if not isinstance(amr, list):
        return ()
    methods = (entry.get("method") if isinstance(entry, dict) else entry for entry in amr)
    return tuple(method for method in methods if isinstance(method, str) and method)
