"""Helpers for end-to-end Slack tests: sign requests as Slack does and run the real HTTP bot.

Slack signs every request it sends with the app's signing secret: ``v0=`` + HMAC-SHA256 of
``"v0:<timestamp>:<raw body>"``. :func:`sign` produces those headers so a test's request passes
(or, with a wrong secret or an old timestamp, fails) the very check the bot runs in production::

    with start_http_bot(ctx) as base_url:
        reply = post_signed(base_url, event_body({...}), SECRET)
        assert reply.status == 200
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from bot.context import BotContext

EVENTS_PATH = "/slack/events"
_event_ids = itertools.count(1)


def sign(body: bytes, secret: str, ts: int | None = None) -> dict[str, str]:
    """The ``X-Slack-Signature`` (v0) and ``X-Slack-Request-Timestamp`` headers for ``body``."""
    ts = int(time.time()) if ts is None else ts
    base = b"v0:" + str(ts).encode() + b":" + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Signature": f"v0={digest}", "X-Slack-Request-Timestamp": str(ts)}


@contextlib.contextmanager
def start_http_bot(ctx: BotContext) -> Iterator[str]:
    """Serve the real Bolt app through the real WSGI server on a free loopback port.

    Yields the base URL (``http://127.0.0.1:<port>``); requests go to ``base + "/slack/events"``.
    The server is shut down, and its thread joined, when the block exits.
    """
    from bot.runner import make_http_server
    from bot.slack_app import build_app

    app = build_app(ctx)
    with serve(make_http_server(app, host="127.0.0.1", port=0)) as base:
        yield base


@contextlib.contextmanager
def serve(server: Any) -> Iterator[str]:
    """Run a waitress server in a thread; yield its base URL; stop it and join the thread."""
    from bot.runner import stop_http_server

    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop_http_server(server, thread)


@dataclass
class Reply:
    """What the bot's HTTP server answered."""

    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> Reply:
    """POST over real HTTP; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read().decode("utf-8"), dict(response.headers))
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode("utf-8"), dict(exc.headers))


def post_signed(
    base_url: str,
    body: bytes,
    secret: str,
    *,
    ts: int | None = None,
    content_type: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Reply:
    """POST ``body`` to the bot's ``/slack/events`` with valid Slack signature headers."""
    if content_type is None:
        is_json = body[:1] == b"{"
        content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    headers = {"Content-Type": content_type, **sign(body, secret, ts), **(extra_headers or {})}
    return post(base_url.rstrip("/") + EVENTS_PATH, body, headers)


def event_body(
    event: dict[str, Any], *, event_id: str | None = None, team: str = "T0REFERAT"
) -> bytes:
    """An Events API ``event_callback`` envelope around ``event``."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": team,
        "api_app_id": "A0REFERAT",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": team, "user_id": "UBOTREFERAT", "is_bot": True}],
    }
    return json.dumps(envelope).encode("utf-8")


def command_body(
    text: str,
    response_url: str,
    *,
    user: str = "U0ASKER",
    channel: str = "C0GENERAL",
    command: str = "/referat",
    team: str = "T0REFERAT",
) -> bytes:
    """A slash command request as Slack form-encodes it."""
    form = {
        "token": "legacy-verification-token",
        "team_id": team,
        "team_domain": "referat-test",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "asker",
        "command": command,
        "text": text,
        "api_app_id": "A0REFERAT",
        "response_url": response_url,
        "trigger_id": "1.2.trigger",
    }
    return urlencode(form).encode("utf-8")


def interaction_body(payload: dict[str, Any]) -> bytes:
    """An interactivity request (buttons, shortcuts): form field ``payload`` holding JSON."""
    payload.setdefault("team", {"id": "T0REFERAT", "domain": "referat-test"})
    payload.setdefault("api_app_id", "A0REFERAT")
    payload.setdefault("token", "legacy-verification-token")
    return urlencode({"payload": json.dumps(payload)}).encode("utf-8")


def block_action_payload(
    action_id: str,
    value: str,
    response_url: str,
    *,
    user: str = "U0ASKER",
    channel: str = "C0GENERAL",
    message_ts: str = "1700000000.000001",
) -> dict[str, Any]:
    """A ``block_actions`` payload for one button click."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "asker", "team_id": "T0REFERAT"},
        "channel": {"id": channel, "name": "general"},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "message": {"ts": message_ts, "text": "", "type": "message"},
        "trigger_id": "1.2.trigger",
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
