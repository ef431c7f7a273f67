"""The auth server's signing keys, fetched from USERSYNC_JWKS_URL and held for
USERSYNC_JWKS_CACHE_SECONDS: a key the server stops publishing stops verifying within
that lifetime. No key is ever held longer than the key set it came in.

A slow or failing JWKS host costs little:
- a caller whose key is in the current set never waits: the set is refreshed ahead of
  its expiry in the background, and no lock is held while fetching;
- an unknown key id makes at most one fetch per RETRY_SECONDS (after a fetch that
  worked or failed); in between it is answered at once, 401 when a current set lacks
  it, 503 when there is no current set (the host failed);
- one fetch at a time per process, given up after FETCH_TIMEOUT_SECONDS in all (a host
  that trickles its answer a byte at a time is cut off too, not only one that stops);
  it runs in the request path only for a caller with no current set to check against:
  an unknown key id while a set is current is refused at once and fetched behind it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from functools import lru_cache

import jwt

from usersync.errors import InvalidToken, VerificationUnavailable

FETCH_TIMEOUT_SECONDS = 2.0
RETRY_SECONDS = 30.0
# Refresh in the background once a set is this far into its lifetime.
REFRESH_AHEAD = 0.75

logger = logging.getLogger("usersync")


def now() -> float:
    return time.monotonic()


# A key set is a few kilobytes; more is not one.
MAX_JWKS_BYTES = 512 * 1024


def fetch_keys(url: str) -> dict[str, jwt.PyJWK]:
    """The signing keys the URL publishes, by key id (those for signing, with a key id,
    as PyJWKClient picks them); VerificationUnavailable if not."""
    try:
        data = json.loads(_get(url, FETCH_TIMEOUT_SECONDS))
        keys = jwt.PyJWKSet.from_dict(data).keys
    except (jwt.PyJWKSetError, ValueError, OSError, http.client.HTTPException) as error:
        raise VerificationUnavailable(str(error) or type(error).__name__) from None
    signing = {k.key_id: k for k in keys if k.public_key_use in ("sig", None) and k.key_id}
    if not signing:
        raise VerificationUnavailable("the JWKS holds no signing keys")
    return signing


def _get(url: str, seconds: float) -> bytes:
    """The body of GET `url` (200 only, no redirects), all of it within `seconds`: a
    socket timeout bounds each read, so a watchdog cuts the connection at the deadline."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    target = f"{path}?{parts.query}" if parts.query else path
    # The proxy the environment names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as urllib and
    # so PyJWKClient use it: https through a CONNECT tunnel, http by the absolute URL.
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
        proxy = None
    host, port = parts.hostname, parts.port
    if proxy:
        proxied = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host, port = proxied.hostname, proxied.port or 80
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=seconds, context=ssl.create_default_context()
        )
        if proxy:
            connection.set_tunnel(parts.hostname, parts.port or 443)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=seconds)
        if proxy:
            target = url
    cut = threading.Event()
    sockets: list[socket.socket] = []
    watchdog = threading.Timer(seconds, _cut, [sockets, cut])
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        # The response reads from this socket even after http.client lets go of it.
        sockets.append(connection.sock)
        if cut.is_set():
            _cut(sockets, cut)
        connection.request(
            "GET",
            target,
            headers={"Accept": "application/json", "User-Agent": "usersync"},
        )
        response = connection.getresponse()
        if response.status != 200:
            raise OSError(f"the JWKS host answered HTTP {response.status}")
        body = response.read(MAX_JWKS_BYTES + 1)
        if cut.is_set():  # what was read before the cut is not the whole answer
            raise OSError("cut off at the deadline")
        if len(body) > MAX_JWKS_BYTES:
            raise OSError(f"the JWKS is larger than {MAX_JWKS_BYTES} bytes")
        return body
    except (OSError, http.client.HTTPException):
        if cut.is_set():
            raise OSError(f"the JWKS host did not answer in full within {seconds:g} s") from None
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _cut(sockets: list[socket.socket], cut: threading.Event) -> None:
    """End a fetch past its deadline: a blocked read returns at once (end of stream)."""
    cut.set()
    for sock in sockets:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class KeyCache:
    """The JWKS of one URL, held for `lifetime` seconds; see the module's doc."""

    def __init__(
        self,
        url: str,
        lifetime: float,
        fetch: Callable[[str], dict[str, jwt.PyJWK]] = fetch_keys,
    ):
        self.url = url
        self.lifetime = lifetime
        self.retry = min(RETRY_SECONDS, lifetime / 4)
        self._fetch = fetch
        self._state = threading.Lock()  # never held while fetching
        self._fetching = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # the last fetch that worked
        self._attempted_at: float | None = None  # the last fetch, worked or not
        self.refresher: threading.Thread | None = None  # the last background refresh

    def signing_key(self, kid: str | None) -> jwt.PyJWK:
        key, current = self._lookup(kid)
        if key is not None:
            return key
        if self._cooling_down():
            raise self._not_found(current)
        if current:
            # Refused at once; a newly published key verifies once the fetch is done.
            self._refresh_behind()
            raise self._not_found(current)
        self._fetch_now(wait=True)
        key, current = self._lookup(kid)
        if key is None:
            raise self._not_found(current)
        return key

    def _lookup(self, kid: str | None) -> tuple[jwt.PyJWK | None, bool]:
        """The key of `kid` in the current set, and whether there is a current set."""
        moment = now()
        with self._state:
            if self._fetched_at is None or moment - self._fetched_at >= self.lifetime:
                return None, False
            key = self._keys.get(kid) if kid is not None else None
            due = moment - self._fetched_at >= self.lifetime * REFRESH_AHEAD
        if key is not None and due and not self._cooling_down():
            self._refresh_behind()
        return key, True

    def _refresh_behind(self) -> None:
        """Fetch in a thread of its own, unless a fetch runs already."""
        if self._fetching.locked():
            return
        self.refresher = threading.Thread(target=self._fetch_now, args=(False,), daemon=True)
        self.refresher.start()

    def _cooling_down(self) -> bool:
        with self._state:
            return self._attempted_at is not None and now() - self._attempted_at < self.retry

    def _not_found(self, current: bool) -> Exception:
        if current:
            return InvalidToken("token signed with an unknown key")
        return VerificationUnavailable("the JWKS of the auth server cannot be fetched")

    def _fetch_now(self, wait: bool) -> None:
        asked = now()
        timeout = FETCH_TIMEOUT_SECONDS + 1 if wait else -1
        if not self._fetching.acquire(blocking=wait, timeout=timeout):
            return
        try:
            with self._state:
                if self._attempted_at is not None and self._attempted_at >= asked:
                    return  # fetched while this caller waited
            self._refresh()
        finally:
            self._fetching.release()

    def _refresh(self) -> None:
        try:
            keys = self._fetch(self.url)
        except VerificationUnavailable as error:
            logger.warning("usersync: fetching the JWKS %s failed: %s", self.url, error)
            with self._state:
                self._attempted_at = now()
            return
        with self._state:
            self._keys = keys
            self._fetched_at = self._attempted_at = now()


@lru_cache(maxsize=4)
def key_cache(url: str, lifetime: float) -> KeyCache:
    """The process's one cache of this URL's keys."""
    return KeyCache(url, lifetime)
