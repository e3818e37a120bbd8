"""The notifier's Teams delivery: announcements to a channel, follower messages in personal
chats, as proactive Bot Connector messages with Adaptive Cards.

The notifier (:mod:`bot.notify`) decides what to post and keeps the exactly-once records; the
posts are worded once (:mod:`bot.announce`, in plain markup) and laid out here.

* Every open agenda item with a case number gets a "Følg sagen" button under it, as on Slack;
  closed items get none.
* The channel is ``TEAMS_NOTIFY_CHANNEL`` (a channel's conversation id); a post there starts a
  new conversation in the channel.
* A follower (``teams:<user id>``) is reached in their personal chat with the bot, remembered
  when they last wrote to it (:data:`bot.teams.handlers.USERS_TABLE`), or opened for them.
* The Bot Connector address is the one the user's (for the channel: anyone's) last activity
  came from (a verified token named it), else ``TEAMS_SERVICE_URL``.
"""

from __future__ import annotations

import logging
from typing import Any

from store.answer import item_card

from ..announce import LANG, Part, Post, continued, fallback_text
from ..context import BotContext
from ..markup import PLAIN_MARKUP
from ..notify import DeliveryDown, DeliveryRefused
from . import cards
from .auth import AuthError
from .connector import Connector, message_activity
from .handlers import SERVICE_KEY, USERS_TABLE
from .http import HttpError

log = logging.getLogger("referat.teams")

ITEMS_PER_CARD = 20  # keeps a card well under Teams' message size limit (about 28 KB)
# HTTP statuses that no retry fixes for one user (gone, blocked the bot, wrong tenant).
_REFUSED = {400, 403, 404}


def _elements(part: Part) -> list[dict[str, Any]]:
    if part.kind == "header":
        return [cards.rich(cards.run(part.text, weight="Bolder", size="Medium"))]
    if part.kind == "context":
        return [cards.rich(cards.run(part.text, isSubtle=True))]
    if part.kind == "divider":
        return [{"type": "Container", "separator": True, "items": []}]
    if part.kind == "card" and part.record is not None:
        return cards.item_elements(item_card(part.record, LANG, "full"))
    elements = [cards.rich(cards.run(line or " ")) for line in part.text.splitlines()]
    record = part.record
    if part.kind == "item" and record is not None and record.case_number and not record.closed:
        # As on Slack: an open item with a case number can be followed from the announcement.
        elements.append(cards.action_set(cards.follow_action(LANG, record.case_number)))
    return elements


def _chunks(post: Post) -> list[list[Part]]:
    if not post.split:
        return [post.parts]
    chunks: list[list[Part]] = [[]]
    count = 0
    for part in post.parts:
        if part.kind == "item":
            if count == ITEMS_PER_CARD:
                chunks.append([])
                count = 0
            count += 1
        chunks[-1].append(part)
    return chunks


class TeamsDelivery:
    """Sends the notifier's posts to Teams (see the module docstring)."""

    markup = PLAIN_MARKUP

    def __init__(self, ctx: BotContext, connector: Connector) -> None:
        self.ctx = ctx
        self.connector = connector
        self.channel = ctx.settings.teams_notify_channel
        self.service_url = ctx.settings.teams_service_url

    def ready(self) -> bool:
        return True

    def reaches(self, user_id: str) -> bool:
        return user_id.startswith("teams:")

    def render(self, post: Post) -> list[dict[str, Any]]:
        """One message activity per card; a long agenda is several, later ones say so."""
        chunks = _chunks(post)
        out = []
        for n, chunk in enumerate(chunks, start=1):
            text = fallback_text(post.head, post.lines) if n == 1 else \
                continued(post.head, n, len(chunks))
            body = [element for part in chunk for element in _elements(part)]
            out.append(message_activity(text, cards.adaptive_card(body)))
        return out

    def send(self, target: str, message: dict[str, Any]) -> str:
        service_url, conversation = self._where(target)
        try:
            return self.connector.deliver(service_url, conversation, message) or "-"
        except HttpError as exc:
            if target.startswith("teams:") and exc.status in _REFUSED:
                raise DeliveryRefused(str(exc)) from None
            raise DeliveryDown(str(exc)) from None
        except AuthError as exc:
            log.error("teams: %s (check TEAMS_APP_ID, TEAMS_APP_PASSWORD, TEAMS_TENANT_ID)", exc)
            raise DeliveryDown(str(exc)) from None

    def _where(self, target: str) -> tuple[str, str]:
        """(service url, conversation id) for a channel id or a ``teams:<user>`` follower."""
        if not target.startswith("teams:"):
            seen = self.ctx.store.state_get(USERS_TABLE, SERVICE_KEY) or {}
            return str(seen.get("service_url") or self.service_url), target
        user = self.ctx.store.state_get(USERS_TABLE, target) or {}
        service_url = str(user.get("service_url") or self.service_url)
        conversation = str(user.get("conversation_id") or "")
        if conversation:
            return service_url, conversation
        if not user.get("user_id"):
            raise DeliveryRefused("the bot has never talked with this user")
        try:
            conversation = self.connector.create_personal_chat(
                service_url, str(user["user_id"]), str(user.get("tenant_id") or ""))
        except HttpError as exc:
            if exc.status in _REFUSED:
                raise DeliveryRefused(str(exc)) from None
            raise DeliveryDown(str(exc)) from None
        except AuthError as exc:
            raise DeliveryDown(str(exc)) from None
        self.ctx.store.state_put(USERS_TABLE, target, {**user, "conversation_id": conversation})
        return service_url, conversation
