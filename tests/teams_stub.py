"""Local stand-ins of Microsoft's side of a Teams bot, for tests that never leave 127.0.0.1.

One threaded HTTP server plays three services:

* **key discovery**: ``GET /openid`` (the OpenID metadata document, naming ``/discovery/keys``
  as its ``jwks_uri`` -- deliberately not ``/keys``, so the bot must read the document) and
  the key set itself, holding the public half of a test RSA key;
* **the token issuer**: ``POST /<tenant>/oauth2/v2.0/token`` (client credentials) answers an
  access token when the app id and password are right;
* **the Bot Connector**: ``POST /v3/conversations/...`` records every activity the bot sends.

:meth:`TeamsStub.sign` makes the tokens the Bot Connector would send with an activity: real
RS256 JWTs signed with the test key (or, for negative tests, another key, another audience, an
expiry in the past).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = "00000000-0000-0000-0000-00000000a11d"
APP_PASSWORD = "test-app-password-0000"
TENANT = "11111111-2222-3333-4444-555555555555"
ISSUER = "https://api.botframework.com"
KID = "test-key-1"
OUTGOING_TOKEN = "outgoing-access-token-for-tests"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Sent:
    """One activity the bot sent to the Bot Connector."""

    path: str
    body: dict[str, Any]
    authorization: str
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        """The activity's text and every text run of its card, for assertions."""
        parts = [str(self.body.get("text") or "")]
        for attachment in self.body.get("attachments") or []:
            parts.extend(_runs(attachment.get("content")))
        return "\n".join(parts)


def _runs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["text"])] if node.get("type") in ("TextRun", "TextBlock") else []
        for value in node.values():
            found.extend(_runs(value))
        return found
    if isinstance(node, list):
        return [t for item in node for t in _runs(item)]
    return []


class TeamsStub:
    """The stand-in server; use as a context manager. ``url`` is its base address."""

    def __init__(self) -> None:
        self.key = new_key()
        self.kid = KID
        self.sent: list[Sent] = []
        self.token_requests: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- what the bot is configured with -------------------------------------------------

    @property
    def openid_url(self) -> str:
        return f"{self.url}/openid"

    @property
    def login_url(self) -> str:
        return f"{self.url}/{{tenant}}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        return f"{self.url}/"

    # -- tokens as the Bot Connector signs them --------------------------------------------

    def sign(self, *, audience: str = APP_ID, expires_in: int = 3600,
             key: rsa.RSAPrivateKey | None = None, service_url: str | None = None,
             issuer: str = ISSUER, kid: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "nbf": now - 10, "iat": now - 10,
                  "exp": now + expires_in,
                  "serviceurl": self.service_url if service_url is None else service_url}
        return jwt.encode(claims, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    # -- recorded replies -------------------------------------------------------------------

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Sent]:
        """Wait until at least ``count`` activities were sent; return all of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.02)
        with self._lock:
            return list(self.sent)

    # -- the server -----------------------------------------------------------------------

    def rotate(self) -> str:
        """Publish a new signing key (as Microsoft does now and then); returns its key id."""
        with self._lock:
            self.kid = f"rotated-key-{next(self._ids)}"
            self.key = new_key()
            return self.kid

    def _jwks(self) -> dict[str, Any]:
        with self._lock:
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return {"keys": [{**public, "kid": self.kid, "use": "sig",
                              "endorsements": ["msteams"]}]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/openid":
                    self._json(200, {"issuer": ISSUER,
                                     "jwks_uri": f"{stub.url}/discovery/keys",
                                     "id_token_signing_alg_values_supported": ["RS256"]})
                elif self.path == "/discovery/keys":
                    self._json(200, stub._jwks())
                else:
                    self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.endswith("/oauth2/v2.0/token"):
                    form = dict(urllib.parse.parse_qsl(raw.decode()))
                    with stub._lock:
                        stub.token_requests.append({"path": self.path, **form})
                    if (form.get("client_id"), form.get("client_secret")) != (
                            APP_ID, APP_PASSWORD) or TENANT not in self.path:
                        self._json(401, {"error": "invalid_client"})
                        return
                    self._json(200, {"token_type": "Bearer", "expires_in": 3599,
                                     "access_token": OUTGOING_TOKEN})
                elif self.path.startswith("/v3/conversations"):
                    auth = self.headers.get("Authorization", "")
                    if auth != f"Bearer {OUTGOING_TOKEN}":
                        self._json(401, {"error": "unauthorized"})
                        return
                    body = json.loads(raw or b"{}")
                    with stub._lock:
                        stub.sent.append(Sent(urllib.parse.unquote(self.path), body, auth))
                    if self.path == "/v3/conversations":
                        self._json(201, {"id": f"a:personal-{next(stub._ids)}"})
                    else:
                        self._json(201, {"id": f"reply-{next(stub._ids)}"})
                else:
                    self._json(404, {})

        return Handler

    def __enter__(self) -> TeamsStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
