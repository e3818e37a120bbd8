"""What the listeners share: reading Slack text, posting replies safely, one log line a request.

Posting never raises: a failed Web API or ``response_url`` call is logged (method and Slack's
error code, never a token) and the listener carries on, so one bad call cannot kill the process.
A bug inside a listener is different: :func:`guarded` logs it with its traceback and tells the
user, generically, that something went wrong.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from store.search import SearchResult

from ..blocks import answer_blocks, answer_fallback, chunk_blocks, ui
from ..context import BotContext, webhook

log = logging.getLogger("referat.slack")

RECEIVED_AT = "referat_received_at"  # Bolt context key: when the request reached the app

_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<((?:https?|mailto):[^>]*)>")


def clean_text(text: str, bot_user_id: str | None = None) -> str:
    """The question in a Slack message: without the bot's mention, links as their labels.

    Slack sends message text in its own markup: ``&``, ``<`` and ``>`` arrive escaped and links
    as ``<url|label>``. The result is plain text (escaped again whenever it is echoed).
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    return " ".join(html.unescape(text).split())


def received_at(context: Any) -> float:
    value = context.get(RECEIVED_AT) if context is not None else None
    return value if isinstance(value, float) else time.monotonic()


def log_request(surface: str, started: float, results: int) -> None:
    """The one log line per request: surface, latency and result count (nothing personal)."""
    latency = (time.monotonic() - started) * 1000
    log.info("slack surface=%s latency_ms=%.0f results=%d", surface, latency, results)


def answer_message(result: SearchResult) -> dict[str, Any]:
    """``text`` (escaped plain answer) and ``blocks`` (the answer card) of one answer."""
    return {"text": answer_fallback(result), "blocks": answer_blocks(result)}


def post_message(
    ctx: BotContext,
    channel: str,
    text: str,
    blocks: Sequence[dict] | None = None,
    thread_ts: str | None = None,
) -> bool:
    """``chat.postMessage`` without unfurls, split into several messages beyond 50 blocks."""
    if ctx.client is None:
        log.warning("slack: no Web API client, reply to %s dropped", channel)
        return False
    ok = True
    for chunk in chunk_blocks(blocks or []):
        try:
            ctx.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=chunk or None,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("slack: chat.postMessage to %s failed: %s", channel, _reason(exc))
            ok = False
    return ok


def respond(
    response_url: str,
    text: str,
    blocks: Sequence[dict] | None = None,
    *,
    response_type: str = "ephemeral",
    replace_original: bool = False,
    delete_original: bool = False,
) -> bool:
    """Post to a ``response_url`` (ephemeral by default), with rate limits waited out."""
    ok = True
    for chunk in chunk_blocks(blocks or []):
        try:
            reply = webhook(response_url).send(
                text=text,
                blocks=chunk or None,
                response_type=response_type,
                replace_original=replace_original,
                delete_original=delete_original,
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackClientError, OSError) as exc:
            log.warning("slack: response_url post failed: %s", _reason(exc))
            return False
        if reply.status_code != 200:
            log.warning("slack: response_url post failed: HTTP %s", reply.status_code)
            ok = False
    return ok


def delete_original(response_url: str) -> None:
    try:
        reply = webhook(response_url).send_dict({"delete_original": True})
    except (SlackClientError, OSError) as exc:
        log.warning("slack: deleting the original message failed: %s", _reason(exc))
        return
    if reply.status_code != 200:
        log.warning("slack: deleting the original message failed: HTTP %s", reply.status_code)


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


def apologise(ctx: BotContext, body: dict[str, Any]) -> None:
    """Tell the user something went wrong, wherever the request came from (best effort)."""
    text = ui("da", "sorry")
    response_url = body.get("response_url") or ""
    if not response_url:
        urls = body.get("response_urls") or []
        response_url = urls[0].get("response_url", "") if urls else ""
    if response_url:
        respond(response_url, text)
        return
    event = body.get("event") or {}
    channel = event.get("channel")
    if channel and event.get("type") in {"app_mention", "message"}:
        post_message(ctx, channel, text, thread_ts=event.get("thread_ts") or event.get("ts"))


def guarded(ctx: BotContext, surface: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a lazy listener: a bug is logged with its traceback and the user gets an apology.

    Bolt runs lazy listeners in its own thread and reports their exceptions as one line without
    a traceback; this keeps the traceback. The wrapped function must take ``body``. Its
    signature is kept (``functools.wraps``), so Bolt injects exactly the arguments it names.
    """

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> None:
            try:
                func(**kwargs)
            except Exception:
                log.exception("slack surface=%s failed", surface)
                apologise(ctx, kwargs.get("body") or {})

        return wrapper

    return decorate
