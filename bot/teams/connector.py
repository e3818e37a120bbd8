"""Sending to Teams through the Bot Connector REST API (v3), with the bot's own token.

Three calls are all Referat needs: reply to an activity (a mention's thread, a personal chat),
post to a conversation (a channel, for announcements), and open a personal chat with a user
(follower messages). A failed call is logged with its status and never raises to the caller,
except from :meth:`Connector.create_personal_chat`, whose caller must know.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

from .auth import AuthError, TokenProvider
from .http import HttpError, request_json

log = logging.getLogger("referat.teams")

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def message_activity(text: str, card: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message: plain ``text`` (what notifications and screen readers say) and a card."""
    activity: dict[str, Any] = {"type": "message", "text": text, "textFormat": "plain"}
    if card is not None:
        activity["attachments"] = [{"contentType": ADAPTIVE_CARD, "content": card}]
    return activity


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


class Connector:
    """The Bot Connector client; ``service_url`` comes from a verified activity or settings."""

    def __init__(self, tokens: TokenProvider) -> None:
        self.tokens = tokens

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens.token()}",
                   "Content-Type": "application/json; charset=utf-8"}
        answer = request_json("POST", url, body=json.dumps(body).encode("utf-8"),
                              headers=headers)
        return answer if isinstance(answer, dict) else {}

    def deliver(self, service_url: str, conversation_id: str, activity: dict[str, Any],
                reply_to: str | None = None) -> str:
        """Post ``activity`` to a conversation (as a reply to ``reply_to`` if given); return
        the new activity's id. Raises :class:`HttpError` or :class:`AuthError` on failure."""
        url = f"{service_url.rstrip('/')}/v3/conversations/{_quote(conversation_id)}/activities"
        if reply_to:
            url += f"/{_quote(reply_to)}"
            activity = {**activity, "replyToId": reply_to}
        return str(self._post(url, activity).get("id") or "")

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any],
             reply_to: str | None = None) -> str | None:
        """:meth:`deliver` that logs a failure and returns None instead of raising."""
        try:
            return self.deliver(service_url, conversation_id, activity, reply_to)
        except (HttpError, AuthError) as exc:
            log.warning("teams: sending to a conversation failed: %s", exc)
            return None

    def create_personal_chat(self, service_url: str, user_id: str, tenant_id: str) -> str:
        """The id of the bot's personal chat with ``user_id`` (created if needed)."""
        body = {"bot": {"id": self.tokens.app_id}, "members": [{"id": user_id}],
                "isGroup": False, "channelData": {"tenant": {"id": tenant_id}}}
        answer = self._post(f"{service_url.rstrip('/')}/v3/conversations", body)
        conversation = str(answer.get("id") or "")
        if not conversation:
            raise HttpError(200, "no conversation id")
        return conversation
