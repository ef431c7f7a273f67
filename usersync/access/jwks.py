"""The auth server's signing keys, fetched from USERSYNC_JWKS_URL and held for
USERSYNC_JWKS_CACHE_SECONDS: a key the server stops publishing stops verifying within
that lifetime. No key is ever held longer than the key set it came in.

A slow or failing JWKS host costs little:
- a caller whose key is in the current set never waits: the set is refreshed ahead of
  its expiry in the background, and no lock is held while fetching;
- an unknown key id makes at most one fetch per RETRY_SECONDS (after a fetch that
  worked or failed); in between it is answered at once, 401 when a current set lacks
  it, 503 when there is no current set (the host failed);
- one fetch at a time per process, given up after FETCH_TIMEOUT_SECONDS; only a caller
  with no current set to check against waits for it.
"""

from __future__ import annotations

import logging
import threading
import time
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


def fetch_keys(url: str) -> dict[str, jwt.PyJWK]:
    """The signing keys the URL publishes, by key id; VerificationUnavailable if not."""
    client = jwt.PyJWKClient(url, cache_jwk_set=False, timeout=FETCH_TIMEOUT_SECONDS)
    try:
        return {key.key_id: key for key in client.get_signing_keys()}
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError, OSError) as error:
        raise VerificationUnavailable(str(error)) from None


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
        self._fetch_now(wait=not current)
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
        if key is not None and due and not self._fetching.locked() and not self._cooling_down():
            self.refresher = threading.Thread(target=self._fetch_now, args=(False,), daemon=True)
            self.refresher.start()
        return key, True

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
