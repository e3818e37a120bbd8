"""Authentication both ways with the Bot Framework.

**Incoming.** Every request Teams sends to ``/api/messages`` carries ``Authorization: Bearer
<JWT>``, signed by the Bot Connector. :class:`ActivityVerifier` accepts it only when

* its signature (RS256) verifies with a key of the set named by the OpenID metadata document's
  ``jwks_uri`` (the document is read at start; the key set is re-read when a token names an
  unknown key, at most once a minute, and once a day anyway),
* the key is endorsed for the activity's channel (``msteams``) when the key lists endorsements,
* ``iss`` is the document's ``issuer``, ``aud`` is our app id, it has not expired (five minutes
  of clock skew allowed) and
* its ``serviceurl`` claim is the activity's ``serviceUrl``: replies carry our own token to that
  address, so it must come from the signed token, not from the body alone.

**Outgoing.** :class:`TokenProvider` gets the bot's token with the OAuth client-credentials
grant from ``TEAMS_LOGIN_URL`` and keeps it until five minutes before it expires.

Nothing here can be switched off; tests point the URLs at local stand-ins that sign real tokens.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from typing import Any

import jwt

from .http import HttpError, request_json

log = logging.getLogger("referat.teams")

LEEWAY_SECONDS = 300
KEY_REFRESH_MIN_SECONDS = 60
KEY_MAX_AGE_SECONDS = 24 * 3600
TOKEN_SCOPE = "https://api.botframework.com/.default"
DEFAULT_TENANT = "botframework.com"


class AuthError(Exception):
    """The request is not from the Bot Connector (or not for us): answer 401."""


class KeySet:
    """The signing keys named by an OpenID metadata document, re-read when needed."""

    def __init__(self, metadata_url: str, min_refresh_seconds: float | None = None) -> None:
        self.metadata_url = metadata_url
        # An unknown key id re-reads the keys at most this often, so forged key ids cannot make
        # every request fetch the key set.
        self.min_refresh_seconds = (KEY_REFRESH_MIN_SECONDS if min_refresh_seconds is None
                                    else min_refresh_seconds)
        self.issuer = ""
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read the metadata document and the key set it names (raises AuthError if unusable)."""
        try:
            meta = request_json("GET", self.metadata_url)
            jwks_uri = str(meta.get("jwks_uri") or "")
            issuer = str(meta.get("issuer") or "")
            if not jwks_uri or not issuer:
                raise AuthError("the OpenID metadata names no jwks_uri or issuer")
            keys = request_json("GET", jwks_uri).get("keys") or []
        except (HttpError, AttributeError) as exc:
            raise AuthError(f"could not read Teams' signing keys from {self.metadata_url} ({exc}): "
                            "Microsoft unreachable? Check TEAMS_OPENID_METADATA_URL, and "
                            "HTTPS_PROXY if the network needs a proxy") from None
        with self._lock:
            self.issuer = issuer
            self._keys = {str(k.get("kid")): k for k in keys if isinstance(k, dict)}
            self._loaded_at = time.monotonic()
        log.info("teams: %d signing key(s) loaded", len(self._keys))

    def key(self, kid: str) -> dict[str, Any]:
        """The key with id ``kid``; an unknown id (rotation) or an old set re-reads the keys."""
        age = time.monotonic() - self._loaded_at
        if (kid not in self._keys and age > self.min_refresh_seconds) or age > KEY_MAX_AGE_SECONDS:
            try:
                self.load()
            except AuthError as exc:
                log.warning("teams: %s", exc)
        found = self._keys.get(kid)
        if found is None:
            raise AuthError("the token is signed with an unknown key")
        return found


class ActivityVerifier:
    """Checks the bearer token of one incoming activity (see the module docstring)."""

    def __init__(self, app_id: str, keys: KeySet) -> None:
        if not app_id:
            raise ValueError("the app id is required to verify Teams requests")
        self.app_id = app_id
        self.keys = keys

    def verify(self, authorization: str, activity: dict[str, Any]) -> dict[str, Any]:
        """The token's claims, or :class:`AuthError` saying why the request is refused."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("no bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        if header.get("alg") != "RS256":
            raise AuthError("unexpected signing algorithm")
        key = self.keys.key(str(header.get("kid") or ""))
        channel = str(activity.get("channelId") or "")
        endorsements = key.get("endorsements")
        if isinstance(endorsements, list) and channel not in endorsements:
            raise AuthError("the signing key is not endorsed for this channel")
        try:
            claims = jwt.decode(
                token.strip(), jwt.PyJWK(key, algorithm="RS256").key, algorithms=["RS256"],
                audience=self.app_id, issuer=self.keys.issuer, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token ({type(exc).__name__})") from None
        if _same_url(str(claims.get("serviceurl") or ""), str(activity.get("serviceUrl") or "")):
            return claims
        raise AuthError("the token's serviceurl is not the activity's serviceUrl")


def _same_url(a: str, b: str) -> bool:
    return bool(a) and a.rstrip("/").lower() == b.rstrip("/").lower()


class TokenProvider:
    """The bot's own access token for the Bot Connector (client credentials), cached."""

    def __init__(self, app_id: str, password: str, tenant: str, login_url: str) -> None:
        self.app_id = app_id
        self._password = password
        self.url = login_url.replace("{tenant}", tenant or DEFAULT_TENANT)
        self._token = ""
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        """A valid token, fetched anew when the cached one expires within five minutes."""
        with self._lock:
            if self._token and time.time() < self._expires_at - LEEWAY_SECONDS:
                return self._token
            form = urllib.parse.urlencode({
                "grant_type": "client_credentials", "client_id": self.app_id,
                "client_secret": self._password, "scope": TOKEN_SCOPE,
            }).encode()
            try:
                answer = request_json("POST", self.url, body=form, headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
            except HttpError as exc:
                raise AuthError(f"the token issuer refused the bot's credentials: {exc}") from None
            token = str(answer.get("access_token") or "")
            if not token:
                raise AuthError("the token issuer returned no access_token")
            self._token = token
            self._expires_at = time.time() + float(answer.get("expires_in") or 3600)
            return token

    def __repr__(self) -> str:
        return f"TokenProvider(app_id={self.app_id!r}, url={self.url!r})"

