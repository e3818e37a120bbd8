"""What the bot does with each verified Teams activity.

* A message in a personal chat: the answer (or help, or a follow command) in the chat.
* A message that mentions the bot in a channel or group chat: the answer in its thread.
* A channel message without a mention (it reaches the bot through the resource-specific
  permission ``ChannelMessage.Read.Group``) that names case numbers in the store: a short card
  per case, once per case and thread.
* A card button (``Action.Execute``, or ``Action.Submit`` on older clients): 👍/👎 kept with
  the question, "Follow this case" (both confirmed to the clicking user only), or another match
  opened.
* The message action "Look up in minutes" (``composeExtension/fetchTask``): the message's text
  asked as a question, answered in a dialog only the user sees.
* The bot added to a personal chat: the help text.

Every answer is the shared answer model (:mod:`store.answer`) rendered by :mod:`bot.teams.cards`
with the plain-text rendering as the message text. Retried deliveries (same activity id) are
answered once; a retried button click (``adaptiveCard/action``) stores nothing again and gets
the first delivery's confirmation.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from store.answer import answer_card, item_by_key, render_text, word

from .. import follow
from ..context import BotContext, RecentKeys
from ..feedback import record_feedback
from ..follow import FOLLOW_VERBS
from ..inline import inline_items
from ..markup import PLAIN_MARKUP
from . import cards
from .auth import AuthError
from .connector import Connector, message_activity
from .http import HttpError

log = logging.getLogger("referat.teams")

HELP_WORDS = {"", "help", "hjælp", "hjaelp", "?"}
FETCH_TASK = "composeExtension/fetchTask"
SUBMIT_ACTION = "composeExtension/submitAction"
CARD_ACTION = "adaptiveCard/action"
USERS_TABLE = "teams_users"  # user -> where to reach them (service url, personal chat)
SERVICE_KEY = "#service_url"  # in USERS_TABLE: the Bot Connector address Teams last used
MAX_REMEMBERED_RESPONSES = 1000  # click answers kept for retries (each a few bytes)
_TAG = re.compile(r"<[^>]+>")


def _clean(text: str) -> str:
    """Teams message text (may hold HTML) as plain words."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _mentions_bot(activity: dict[str, Any]) -> list[str]:
    """The texts (``<at>Referat</at>``) of the mentions of this bot in the activity."""
    bot_id = (activity.get("recipient") or {}).get("id")
    found = []
    for entity in activity.get("entities") or []:
        if (entity.get("type") == "mention"
                and (entity.get("mentioned") or {}).get("id") == bot_id):
            found.append(str(entity.get("text") or ""))
    return found


def question_text(activity: dict[str, Any]) -> str:
    """The question: the message text without the bot's mention, as plain text."""
    text = str(activity.get("text") or "")
    for mention in _mentions_bot(activity):
        if mention:
            text = text.replace(mention, " ")
    return _clean(text)


def user_key(activity: dict[str, Any]) -> str:
    """The user, as follows and feedback know them: ``teams:<id>``."""
    return "teams:" + str((activity.get("from") or {}).get("id") or "")


class TeamsBot:
    """The Teams surfaces over one store; :mod:`bot.teams.app` hands it verified activities."""

    def __init__(self, ctx: BotContext, connector: Connector) -> None:
        self.ctx = ctx
        self.connector = connector
        self.seen = RecentKeys(ttl=3600.0)
        self.inline_seen = RecentKeys(ttl=7 * 24 * 3600.0)
        self._responses: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._responses_lock = threading.Lock()

    # -- entry ---------------------------------------------------------------------------

    def handle(self, activity: dict[str, Any]) -> dict[str, Any] | None:
        """Act on one activity; returns the body of an invoke's response (None otherwise)."""
        started = time.monotonic()
        kind = str(activity.get("type") or "")
        if kind == "invoke" and activity.get("name") != CARD_ACTION:
            return self._invoke(activity, started)  # read-only: a retry may simply run again
        key = f"{(activity.get('conversation') or {}).get('id')}|{activity.get('id')}"
        if activity.get("id") and self.seen.seen_before(key):
            log.info("teams duplicate activity acknowledged, not processed")
            return self._replayed(key) if kind == "invoke" else None
        if kind == "invoke":  # a button click: it stores feedback or a follow, so only once
            return self._remember_response(key, self._execute(activity))
        self._remember_service(str(activity.get("serviceUrl") or ""))
        if kind == "message":
            self._message(activity, started)
        elif kind == "conversationUpdate":
            self._welcome(activity)
        return None

    def _remember_response(self, key: str, response: dict[str, Any]) -> dict[str, Any]:
        """Keep a click's answer so that a retry of it gets the same confirmation."""
        with self._responses_lock:
            self._responses[key] = response
            while len(self._responses) > MAX_REMEMBERED_RESPONSES:
                self._responses.popitem(last=False)
        return response

    def _replayed(self, key: str) -> dict[str, Any]:
        """A retried click's answer: the first delivery's, or a plain thank-you while the first
        is still being handled."""
        with self._responses_lock:
            kept = self._responses.get(key)
        return kept or _invoke_message(word("da", "thanks"))

    def _message(self, activity: dict[str, Any], started: float) -> None:
        if (activity.get("from") or {}).get("id") == (activity.get("recipient") or {}).get("id"):
            return  # the bot's own message
        value = activity.get("value")
        if isinstance(value, dict) and value.get("referat"):
            # Action.Submit (clients without Action.Execute): confirm in a message instead.
            text = self._card_action(activity, value)
            if text:
                self.tell_privately(activity, text)
            return
        conversation = activity.get("conversation") or {}
        kind = conversation.get("conversationType") or "personal"
        if kind == "personal":
            self._remember_user(activity)
            self._answer(activity, "dm", started)
        elif _mentions_bot(activity):
            self._answer(activity, "mention", started)
        elif kind == "channel":
            self._inline_cases(activity, started)

    # -- answers -------------------------------------------------------------------------

    def reply(self, activity: dict[str, Any], text: str, card: dict[str, Any] | None) -> bool:
        """Reply in the activity's conversation (a channel message: in its thread)."""
        conversation = (activity.get("conversation") or {}).get("id", "")
        sent = self.connector.send(str(activity.get("serviceUrl") or ""), conversation,
                                   message_activity(text, card), reply_to=activity.get("id"))
        return sent is not None

    def tell_privately(self, activity: dict[str, Any], text: str) -> None:
        """Tell only the user: in a personal chat a reply, elsewhere a message in their personal
        chat with the bot (bots cannot post messages only one person in a channel sees)."""
        conversation = activity.get("conversation") or {}
        if conversation.get("conversationType", "personal") == "personal":
            self.reply(activity, text, None)
            return
        service_url = str(activity.get("serviceUrl") or "")
        user = str((activity.get("from") or {}).get("id") or "")
        tenant = str(conversation.get("tenantId") or "")
        try:
            chat = self.connector.create_personal_chat(service_url, user, tenant)
        except (HttpError, AuthError) as exc:
            log.warning("teams: could not open a personal chat: %s", exc)
            return
        self.connector.send(service_url, chat, message_activity(text))

    def _answer(self, activity: dict[str, Any], surface: str, started: float) -> None:
        question = question_text(activity)
        verb, _, argument = question.partition(" ")
        if question.lower() in HELP_WORDS:
            text = word("en" if question.lower() == "help" else "da", "help_teams")
            self.reply(activity, text, cards.text_card(text))
            _log(surface, started, 0)
            return
        if verb.lower() in FOLLOW_VERBS:
            self._remember_user(activity)
            text = follow.handle_follow_command(self.ctx, user_key(activity), verb, argument,
                                                PLAIN_MARKUP)
            self.reply(activity, text, cards.text_card(text))
            _log(surface, started, 0)
            return
        result = self.ctx.searcher.search(question)
        card = answer_card(result)
        self.reply(activity, render_text(card), cards.render_adaptive(card))
        _log(surface, started, len(result.hits))

    def _inline_cases(self, activity: dict[str, Any], started: float) -> None:
        """A compact card per case number in the store, once per case and thread."""
        conversation = str((activity.get("conversation") or {}).get("id") or "")
        channel = str(((activity.get("channelData") or {}).get("channel") or {}).get("id") or "")
        # A channel conversation id names the thread (";messageid=<root>").
        found, records = inline_items(self.ctx, question_text(activity), channel, conversation,
                                      self.inline_seen)
        for record in records:
            self.reply(activity, f"{record.case_number}: {record.title}",
                       cards.item_adaptive_card(record, "da", compact=True))
        if found:
            _log("inline", started, len(records))

    def _welcome(self, activity: dict[str, Any]) -> None:
        bot_id = (activity.get("recipient") or {}).get("id")
        added = [m.get("id") for m in activity.get("membersAdded") or []]
        conversation = (activity.get("conversation") or {}).get("conversationType")
        if bot_id in added and conversation in (None, "personal"):
            text = word("da", "help_teams")
            self.connector.send(str(activity.get("serviceUrl") or ""),
                                str((activity.get("conversation") or {}).get("id") or ""),
                                message_activity(text, cards.text_card(text)))

    # -- card buttons ----------------------------------------------------------------------

    def _card_action(self, activity: dict[str, Any], value: dict[str, Any]) -> str:
        """Do what a card button asks; return what to tell the user who clicked ("" nothing).

        Another match is posted where the card is (like any answer); a vote or a follow is
        only confirmed to the user.
        """
        action = value.get("referat")
        _log(f"card_{action}", time.monotonic(), 0)
        if action == cards.VOTE and value.get("vote") in ("up", "down"):
            record_feedback(self.ctx.store, question=str(value.get("q") or ""),
                            case_number=str(value.get("c") or ""), vote=str(value["vote"]),
                            user=user_key(activity),
                            channel=str((activity.get("conversation") or {}).get("id") or ""))
            return word("da", "thanks")
        if action == cards.FOLLOW:
            self._remember_user(activity)
            return follow.handle_follow_command(self.ctx, user_key(activity), "follow",
                                                str(value.get("value") or ""), PLAIN_MARKUP)
        if action == cards.OPEN_ITEM:
            record = item_by_key(self.ctx.searcher, str(value.get("key") or ""))
            if record is None:
                return word("da", "not_found")
            self.reply(activity, f"{record.case_number or ''} {record.title}".strip(),
                       cards.item_adaptive_card(record, "da"))
        return ""

    def _execute(self, activity: dict[str, Any]) -> dict[str, Any]:
        """``Action.Execute`` (an ``adaptiveCard/action`` invoke): the confirmation is the
        invoke's answer, which Teams shows to the clicking user only."""
        data = ((activity.get("value") or {}).get("action") or {}).get("data") or {}
        text = self._card_action(activity, data) if isinstance(data, dict) else ""
        return _invoke_message(text or word("da", "thanks"))

    # -- the message action ------------------------------------------------------------------

    def _invoke(self, activity: dict[str, Any], started: float) -> dict[str, Any]:
        name = activity.get("name")
        if name not in (FETCH_TASK, SUBMIT_ACTION):
            return {}
        payload = ((activity.get("value") or {}).get("messagePayload") or {})
        question = _clean(str((payload.get("body") or {}).get("content") or ""))
        if not question:
            card = cards.text_card(word("da", "not_found"))
            hits = 0
        else:
            result = self.ctx.searcher.search(question)
            card = cards.render_adaptive(answer_card(result))
            card.pop("actions", None)  # a dialog's buttons would post back into the dialog
            hits = len(result.hits)
        _log("message_action", started, hits)
        return {"task": {"type": "continue", "value": {
            "title": word("da", "look_up"), "width": "medium", "height": "medium",
            "card": {"contentType": "application/vnd.microsoft.card.adaptive", "content": card},
        }}}

    # -- where followers are reached ------------------------------------------------------

    def _remember_service(self, service_url: str) -> None:
        """Keep the Bot Connector address of the tenant's region for announcements (it comes
        from a verified token, so it can be trusted with the bot's own token)."""
        if not service_url:
            return
        old = self.ctx.store.state_get(USERS_TABLE, SERVICE_KEY) or {}
        if old.get("service_url") != service_url:
            self.ctx.store.state_put(USERS_TABLE, SERVICE_KEY, {"service_url": service_url})

    def _remember_user(self, activity: dict[str, Any]) -> None:
        """Keep how to reach this user privately (for follower messages), if it changed."""
        conversation = activity.get("conversation") or {}
        entry = {
            "service_url": str(activity.get("serviceUrl") or ""),
            "user_id": str((activity.get("from") or {}).get("id") or ""),
            "tenant_id": str(conversation.get("tenantId")
                             or ((activity.get("channelData") or {}).get("tenant") or {})
                             .get("id") or ""),
        }
        if conversation.get("conversationType", "personal") == "personal":
            entry["conversation_id"] = str(conversation.get("id") or "")
        key = user_key(activity)
        old = self.ctx.store.state_get(USERS_TABLE, key) or {}
        merged = {**old, **{k: v for k, v in entry.items() if v}}
        if merged != old:
            self.ctx.store.state_put(USERS_TABLE, key, merged)


def _invoke_message(text: str) -> dict[str, Any]:
    """An ``adaptiveCard/action`` response that shows ``text`` to the clicking user."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
            "value": text}


def _log(surface: str, started: float, results: int) -> None:
    """One line per request: surface, latency, result count (nothing personal)."""
    latency = (time.monotonic() - started) * 1000
    log.info("teams surface=%s latency_ms=%.0f results=%d", surface, latency, results)
