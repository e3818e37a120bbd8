"""The Bolt app: built from a :class:`~bot.context.BotContext`, listeners wired, nothing started.

:mod:`bot.runner` serves it (Socket Mode or HTTP); tests serve the very same app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk.errors import SlackApiError

from store.records import ReferatError

from . import listeners
from .context import BotContext
from .listeners.common import RECEIVED_AT, apologise, log

RETRY_HEADER = "x-slack-retry-num"


class SlackAuthError(ReferatError):
    """Slack refused the bot token (``auth.test`` failed)."""


def _first_header(headers: dict[str, Any], name: str) -> str:
    values = headers.get(name) or []
    return str(values[0]) if values else ""


def build_app(ctx: BotContext, *, process_before_response: bool = False) -> App:
    """The Bolt app answering every surface, with the bot's own user id filled into ``ctx``.

    ``process_before_response=True`` is for function-as-a-service hosts that freeze the process
    after the HTTP response; slow work already runs in lazy listeners, so both settings answer.
    Raises :class:`SlackAuthError` when Slack rejects the token.
    """
    if ctx.client is None:
        raise SlackAuthError("SLACK_BOT_TOKEN is not set")
    if ctx.bot_user_id is None:
        try:
            ctx.bot_user_id = ctx.client.auth_test()["user_id"]
        except SlackApiError as exc:
            raise SlackAuthError(
                f"Slack rejected SLACK_BOT_TOKEN ({exc.response.get('error', 'auth.test failed')})"
            ) from None
    app = App(
        client=ctx.client,
        signing_secret=ctx.settings.slack_signing_secret,
        process_before_response=process_before_response,
        logger=logging.getLogger("referat.bolt"),
    )
    app.use(_once_per_event(ctx))
    app.error(_on_error(ctx))
    listeners.register(app, ctx)
    return app


def _once_per_event(ctx: BotContext) -> Callable[..., BoltResponse]:
    """App-wide middleware: stamp the arrival time; acknowledge repeated deliveries unprocessed.

    Slack retries an event up to three times (header ``X-Slack-Retry-Num``, same ``event_id``)
    when it did not see an acknowledgement in 3 seconds, and a Socket Mode envelope can be
    re-sent after a reconnect. Bolt does not drop these itself, so the first delivery of an
    ``event_id`` is processed and every later one is acknowledged with an empty 200.
    """

    def once_per_event(body: dict, context: BoltContext, next: Callable[[], None],  # noqa: A002
                       request: Any, response: BoltResponse) -> BoltResponse:
        context[RECEIVED_AT] = time.monotonic()
        event_id = body.get("event_id")
        if isinstance(event_id, str) and event_id and ctx.events_seen.seen_before(event_id):
            retry = _first_header(request.headers, RETRY_HEADER) or "-"
            log.info("slack duplicate event_id=%s retry=%s acknowledged, not processed",
                     event_id, retry)
            return BoltResponse(status=200, body="")
        next()
        return response  # returning None would turn an unhandled event into a 404

    return once_per_event


def _on_error(ctx: BotContext) -> Callable[..., None]:
    """Errors outside lazy listeners: the traceback to the log, an apology to the user."""

    def on_error(error: Exception, body: dict) -> None:
        log.error("slack handler failed", exc_info=error)
        apologise(ctx, body or {})

    return on_error
