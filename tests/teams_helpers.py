"""Helpers for end-to-end Teams tests: activities as Teams sends them, the real bot on loopback.

    with TeamsStub() as stub, start_teams_bot(ctx) as base:
        status = post_activity(base, channel_mention("what was decided ..."), stub.sign())
        [reply] = stub.wait_for(1)
"""

from __future__ import annotations

import contextlib
import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.slack_helpers import serve
from tests.teams_stub import APP_ID, APP_PASSWORD, TENANT, TeamsStub

BOT_ID = f"28:{APP_ID}"
CHANNEL_ID = "19:general0000@thread.tacv2"
_ids = itertools.count(1000)


def teams_settings(stub: TeamsStub, db_path: Path, **overrides: Any):
    from bot.config import Settings

    values: dict[str, Any] = {
        "db_path": db_path, "teams_app_id": APP_ID, "teams_app_password": APP_PASSWORD,
        "teams_tenant_id": TENANT, "teams_openid_metadata_url": stub.openid_url,
        "teams_login_url": stub.login_url, "teams_service_url": stub.service_url,
    }
    values.update(overrides)
    return Settings(**values)


def _activity(stub: TeamsStub, text: str, conversation: dict[str, Any],
              **extra: Any) -> dict[str, Any]:
    return {
        "type": "message", "id": f"{next(_ids)}", "channelId": "msteams",
        "serviceUrl": stub.service_url, "text": text,
        "from": {"id": "29:alice", "name": "Alice", "aadObjectId": "aad-alice"},
        "recipient": {"id": BOT_ID, "name": "Referat"},
        "conversation": {"tenantId": TENANT, **conversation},
        "channelData": {"tenant": {"id": TENANT}},
        **extra,
    }


def channel_message(stub: TeamsStub, text: str, thread: str = "1700000000001",
                    mention: bool = False) -> dict[str, Any]:
    """A message in a channel thread (``thread`` is the root message id)."""
    activity = _activity(stub, f"<at>Referat</at> {text}" if mention else text, {
        "conversationType": "channel", "isGroup": True,
        "id": f"{CHANNEL_ID};messageid={thread}"})
    activity["channelData"]["channel"] = {"id": CHANNEL_ID}
    if mention:
        activity["entities"] = [{"type": "mention", "text": "<at>Referat</at>",
                                 "mentioned": {"id": BOT_ID, "name": "Referat"}}]
    return activity


def card_click(stub: TeamsStub, action: dict[str, Any]) -> dict[str, Any]:
    """The invoke Teams sends when a user clicks an ``Action.Execute`` button of a card."""
    activity = channel_message(stub, "")
    activity.update(type="invoke", name="adaptiveCard/action",
                    value={"action": {"type": "Action.Execute", "verb": action["verb"],
                                      "data": action["data"]}})
    return activity


def personal_message(stub: TeamsStub, text: str, **extra: Any) -> dict[str, Any]:
    return _activity(stub, text, {"conversationType": "personal", "id": "a:alice-chat"}, **extra)


@contextlib.contextmanager
def start_teams_bot(ctx) -> Iterator[str]:
    """Serve the real endpoint through the real WSGI server on a free loopback port."""
    from bot.teams.app import build_teams, make_teams_server

    endpoint, _ = build_teams(ctx)
    with serve(make_teams_server(endpoint, "127.0.0.1", 0)) as base:
        yield base


def post_activity(base: str, activity: dict[str, Any],
                  token: str | None) -> tuple[int, dict[str, Any]]:
    """POST an activity as the Bot Connector does; returns (status, JSON body or {})."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"{base}/api/messages", data=json.dumps(activity).encode(),
                                 headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=15) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw.strip() else {}
    except urllib.error.HTTPError as exc:
        return exc.code, {}
