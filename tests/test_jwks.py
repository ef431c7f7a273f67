"""Keys fetched from USERSYNC_JWKS_URL (usersync.access.jwks), against a real JWKS server
on 127.0.0.1 that can be made to fail (500) or hang (until the test releases it). Time
is a fake clock the tests move; fetches are counted by the server."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.tokens import make_token
from usersync.access import jwks, tokens
from usersync.errors import InvalidToken, VerificationUnavailable

USER = uuid.UUID("7f1c2a52-7a4b-4c1e-9a51-2f6f3f1d9b10")
LIFETIME = 300
TRICKLE_SECONDS = 0.25


@pytest.fixture(scope="module")
def keys():
    return {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in "ab"}


def signed_with(keys, kid: str) -> str:
    private = keys.get(kid) or keys["a"]
    return make_token(USER, secret=private, algorithm="RS256", headers={"kid": kid})


class JwksHost:
    """A JWKS server: `mode` "ok", "fail" (HTTP 500) or "hang" (until `release` is set);
    `fetches` counts requests, `started` is set when one arrives."""

    def __init__(self, keys):
        self.private = keys
        self.published = set(keys)
        self.mode = "ok"
        self.fetches = 0
        self.paths: list[str] = []  # as requested: a proxy is asked for the whole URL
        self.started = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def body(self) -> bytes:
        listed = [
            RSAAlgorithm.to_jwk(self.private[kid].public_key(), as_dict=True)
            | {"kid": kid, "alg": "RS256", "use": "sig"}
            for kid in sorted(self.published)
        ]
        return json.dumps({"keys": listed}).encode()

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with host._lock:
                    host.fetches += 1
                    host.paths.append(self.path)
                host.started.set()
                if host.mode == "hang":
                    host.release.wait()
                if host.mode == "trickle":
                    # A whole answer, one byte every TRICKLE_SECONDS: no single read ever
                    # waits as long as the socket timeout.
                    body = host.body()
                    try:
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        for byte in body:
                            if host.release.wait(TRICKLE_SECONDS):
                                return
                            self.wfile.write(bytes([byte]))
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client cut it off
                    return
                if host.mode == "fail":
                    self.send_response(500)
                    self.end_headers()
                    return
                body = host.body()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a client that gave up waiting

            def log_message(self, *args):
                pass

        return Handler


class Clock:
    def __init__(self):
        self.value = 1_000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(jwks, "now", fake)
    return fake


@pytest.fixture
def host(settings, keys, clock):
    served = JwksHost(keys)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), served.handler())
    server.daemon_threads, server.block_on_close = True, False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.USERSYNC_JWKS_URL = f"http://127.0.0.1:{server.server_port}/jwks.json"
    settings.USERSYNC_JWKS_CACHE_SECONDS = LIFETIME
    yield served
    served.release.set()
    server.shutdown()
    server.server_close()


def cache() -> jwks.KeyCache:
    return jwks.key_cache(tokens.conf.JWKS_URL, tokens.conf.JWKS_CACHE_SECONDS)


def test_key_cache__a_key_no_longer_published_stops_verifying_within_the_lifetime(
    host, keys, clock
):
    assert tokens.verify(signed_with(keys, "b")).user_id == USER
    host.published = {"a"}
    clock.value += LIFETIME
    with pytest.raises(InvalidToken, match="unknown key"):
        tokens.verify(signed_with(keys, "b"))
    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    assert host.fetches == 2


def test_key_cache__refreshes_ahead_of_expiry_without_making_the_caller_wait(host, keys, clock):
    assert tokens.verify(signed_with(keys, "b")).user_id == USER
    host.published, host.mode = {"a"}, "hang"
    host.started.clear()
    clock.value += LIFETIME * 0.8
    assert tokens.verify(signed_with(keys, "b")).user_id == USER
    assert host.started.wait(timeout=30)
    refresher = cache().refresher
    assert refresher is not None and refresher.is_alive()  # the caller did not wait for it
    host.release.set()
    refresher.join()
    with pytest.raises(InvalidToken, match="unknown key"):
        tokens.verify(signed_with(keys, "b"))
    assert host.fetches == 2


def test_key_cache__a_failing_host_is_asked_once_per_retry_window(host, keys, clock):
    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    host.mode = "fail"
    for attempt in range(3):
        clock.value += cache().retry
        for _ in range(20):
            with pytest.raises(InvalidToken, match="unknown key"):
                tokens.verify(signed_with(keys, f"forged-{uuid.uuid4()}"))
        cache().refresher.join()  # the fetch runs behind the refusals
        assert tokens.verify(signed_with(keys, "a")).user_id == USER
        assert host.fetches == 2 + attempt


def test_key_cache__unknown_key_ids_right_after_a_fetch_cost_no_fetch(host, keys):
    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    for _ in range(20):
        with pytest.raises(InvalidToken, match="unknown key"):
            tokens.verify(signed_with(keys, f"forged-{uuid.uuid4()}"))
    assert host.fetches == 1


def test_key_cache__a_host_down_from_the_start_is_answered_503_at_once(host, keys, clock):
    host.mode = "fail"
    for _ in range(20):
        with pytest.raises(VerificationUnavailable, match="cannot be fetched"):
            tokens.verify(signed_with(keys, "a"))
    assert host.fetches == 1
    host.mode = "ok"
    clock.value += cache().retry
    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    assert host.fetches == 2


def test_key_cache__a_hung_host_is_given_up_after_a_short_timeout(host, keys):
    host.mode = "hang"
    assert jwks.FETCH_TIMEOUT_SECONDS <= 2
    with pytest.raises(VerificationUnavailable, match="cannot be fetched"):
        tokens.verify(signed_with(keys, "a"))
    assert host.fetches == 1


@pytest.mark.django_db
def test_key_cache__a_hung_fetch_delays_no_cached_key_no_hs256_caller_and_not_health(
    host, keys, clock, monkeypatch, client
):
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 600)  # hangs until released
    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    host.mode = "hang"
    host.started.clear()
    clock.value += cache().retry
    # While a set is current, an unknown key id is refused at once: the fetch it asks
    # for runs behind it, never in the request.
    with pytest.raises(InvalidToken, match="unknown key"):
        tokens.verify(signed_with(keys, "rotated-in"))
    assert host.started.wait(timeout=30)
    fetching = cache().refresher

    assert tokens.verify(signed_with(keys, "a")).user_id == USER
    assert tokens.verify(make_token(USER)).user_id == USER
    with pytest.raises(InvalidToken, match="unknown key"):
        tokens.verify(signed_with(keys, "another-unknown"))
    assert client.get("/health").status_code in (200, 503)
    assert fetching.is_alive() and host.fetches == 2  # all of that while the fetch hung

    host.release.set()
    fetching.join()


def test_fetch_keys__a_host_that_trickles_its_answer_is_cut_off_at_one_total_deadline(
    host, monkeypatch
):
    # Each byte comes well inside the per-read timeout: only a total deadline ends it.
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 1.0)
    host.mode = "trickle"
    assert len(host.body()) * TRICKLE_SECONDS > 60
    started = time.monotonic()
    with pytest.raises(VerificationUnavailable, match="did not answer in full within 1 s"):
        jwks.fetch_keys(tokens.conf.JWKS_URL)
    assert time.monotonic() - started < 1.0 + 2 * TRICKLE_SECONDS + 1
    assert host.fetches == 1


def test_fetch_keys__goes_through_the_proxy_the_environment_names(host, monkeypatch):
    # As PyJWKClient (urllib) did: HTTP_PROXY, here the test's server standing in for one.
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", tokens.conf.JWKS_URL.rsplit("/", 1)[0])
    url = "http://jwks.example.invalid/.well-known/jwks.json"
    assert set(jwks.fetch_keys(url)) == {"a", "b"}
    assert host.paths == [url]
