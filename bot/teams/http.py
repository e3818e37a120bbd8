"""Small JSON-over-HTTPS calls (standard library only), with a timeout and no secret in errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

TIMEOUT = 15


class HttpError(Exception):
    """A call failed: the status (0 when the server was not reached) and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}" if status else reason)
        self.status = status


def request_json(method: str, url: str, *, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> Any:
    """Send one request and decode the JSON answer ({} for an empty one)."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise HttpError(exc.code, exc.reason or "error") from None
    except (urllib.error.URLError, OSError) as exc:
        raise HttpError(0, type(exc).__name__) from None
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise HttpError(200, "the answer is not JSON") from None
