"""The Teams endpoint: ``POST /api/messages``, a small WSGI app served by waitress.

Why not the SDK's own server: ``microsoft-teams-apps`` runs its own FastAPI/uvicorn server bound
to every interface, reads ``CLIENT_ID``/``CLIENT_SECRET``/``PORT`` and an "allow unauthenticated
requests" switch from the environment by itself, derives the key-set URL from the metadata URL
instead of reading ``jwks_uri``, and gets tokens through msal, which only reaches Microsoft's
login servers. This endpoint is the Bot Framework protocol itself -- a verified JSON POST in,
REST calls out (:mod:`bot.teams.connector`) -- served by the same WSGI server as Slack's HTTP
mode, on a configurable host, and every part of it is tested against local stand-ins.

Every request is verified (:class:`bot.teams.auth.ActivityVerifier`) before it is read further:
a missing, unsigned, wrongly signed, expired or foreign token gets 401 and nothing else happens.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from waitress import create_server

from store.answer import word

from ..context import BotContext
from ..http_guard import SERVER_SETTINGS, guard_server
from .auth import ActivityVerifier, AuthError, KeySet, TokenProvider
from .connector import Connector
from .handlers import TeamsBot

log = logging.getLogger("referat.teams")

MESSAGES_PATH = "/api/messages"
MAX_BODY = 1_000_000  # bytes; activities are a few KB
HTTP_THREADS = 8

StartResponse = Callable[..., Any]


class TeamsEndpoint:
    """The WSGI application: verify, deduplicate (in :class:`TeamsBot`), act, answer."""

    def __init__(self, bot: TeamsBot, verifier: ActivityVerifier) -> None:
        self.bot = bot
        self.verifier = verifier

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != MESSAGES_PATH:
            return _respond(start_response, 404, {"error": "not found"})
        if environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, 405, {"error": "POST only"})
        activity = _read_json(environ)
        if activity is None:
            return _respond(start_response, 400, {"error": "expected a JSON activity"})
        try:
            self.verifier.verify(str(environ.get("HTTP_AUTHORIZATION") or ""), activity)
        except AuthError as exc:
            log.warning("teams: request refused: %s", exc)
            return _respond(start_response, 401, {"error": "unauthorized"})
        try:
            result = self.bot.handle(activity)
        except Exception:
            log.exception("teams: handling a %s activity failed", activity.get("type"))
            if activity.get("type") == "message":
                self.bot.reply(activity, word("da", "sorry"), None)
            return _respond(start_response, 200, {})
        return _respond(start_response, 200, result or {})


def _read_json(environ: dict[str, Any]) -> dict[str, Any] | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    try:
        data = json.loads(environ["wsgi.input"].read(length))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _respond(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
               405: "Method Not Allowed"}
    raw = json.dumps(body).encode("utf-8") if body else b""
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))]
    start_response(f"{status} {reasons[status]}", headers)
    return [raw]


def build_teams(ctx: BotContext) -> tuple[TeamsEndpoint, Connector]:
    """The endpoint and the Bot Connector client from the settings (keys read now if possible)."""
    settings = ctx.settings
    keys = KeySet(settings.teams_openid_metadata_url)
    try:
        keys.load()
    except AuthError as exc:  # e.g. no network yet: tried again on the first request
        log.warning("teams: %s; trying again on the first request", exc)
    tokens = TokenProvider(settings.teams_app_id, settings.teams_app_password,
                           settings.teams_tenant_id, settings.teams_login_url)
    connector = Connector(tokens)
    bot = TeamsBot(ctx, connector)
    return TeamsEndpoint(bot, ActivityVerifier(settings.teams_app_id, keys)), connector


def make_teams_server(endpoint: TeamsEndpoint, host: str, port: int) -> Any:
    """A waitress server for the endpoint (``port=0`` picks a free port; see ``effective_port``)."""
    # The same bounds as Slack's HTTP mode: header time, body size, connections per client.
    server = create_server(endpoint, host=host, port=port, threads=HTTP_THREADS,
                           ident="referat", **SERVER_SETTINGS)
    return guard_server(server)

