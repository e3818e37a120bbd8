"""The Bolt app: built from a :class:`~bot.context.BotContext`, listeners wired, nothing started.

:mod:`bot.runner` serves it (Socket Mode or HTTP); tests serve the very same app.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk.errors import SlackApiError

from store.records import ReferatError

from . import listeners
from .context import BotContext, SlackUnreachable
from .listeners.common import RECEIVED_AT, apologise, log

RETRY_HEADER = "x-slack-retry-num"
VERIFIED = "referat_verified"  # Bolt context key: the request's signature was checked and good


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
        except OSError as exc:  # URLError, refused, timed out: Slack is not reachable
            raise SlackUnreachable.from_error(ctx.settings, exc) from None
    app = App(
        client=ctx.client,
        signing_secret=ctx.settings.slack_signing_secret,
        process_before_response=process_before_response,
        logger=logging.getLogger("referat.bolt"),
        # Bolt's own check is replaced by a stricter one that runs in the same place (first,
        # before authorisation) and never logs what it refused; see StrictRequestVerification.
        request_verification_enabled=False,
        before_authorize=StrictRequestVerification(ctx.settings.slack_signing_secret),
    )
    app.use(_once_per_delivery(ctx))
    app.error(_on_error(ctx))
    listeners.register(app, ctx)
    return app


def delivery_key(body: dict, raw_body: str) -> str:
    """What makes two deliveries "the same request": the ``event_id`` of an event; for a slash
    command, a button click or a shortcut (which carry no id of their own) the digest of the
    signed body, which a replay repeats byte for byte. Empty: nothing to deduplicate on."""
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return event_id
    if raw_body and (body.get("command") or body.get("type") or body.get("trigger_id")):
        return "payload:" + hashlib.sha256(raw_body.encode("utf-8")).hexdigest()
    return ""


def _once_per_delivery(ctx: BotContext) -> Callable[..., BoltResponse]:
    """App-wide middleware: stamp the arrival time; acknowledge repeated deliveries unprocessed.

    Slack retries an event up to three times (header ``X-Slack-Retry-Num``, same ``event_id``)
    when it did not see an acknowledgement in 3 seconds, and a Socket Mode envelope can be
    re-sent after a reconnect. A signed slash command or button click can also be replayed by
    anyone who captured it, for as long as its timestamp is fresh (5 minutes). Bolt drops none
    of these itself, so the first delivery of a :func:`delivery_key` is processed and every
    later one is acknowledged with an empty 200.
    """

    def once_per_delivery(body: dict, context: BoltContext, next: Callable[[], None],  # noqa: A002
                          request: Any, response: BoltResponse) -> BoltResponse:
        context[RECEIVED_AT] = time.monotonic()
        key = delivery_key(body, getattr(request, "raw_body", "") or "")
        if key and ctx.events_seen.seen_before(key):
            retry = _first_header(request.headers, RETRY_HEADER) or "-"
            log.info("slack duplicate delivery %s retry=%s acknowledged, not processed",
                     key[:24], retry)
            return BoltResponse(status=200, body="")
        next()
        return response  # returning None would turn an unhandled event into a 404

    return once_per_delivery


def _on_error(ctx: BotContext) -> Callable[..., None]:
    """Errors outside lazy listeners: the traceback to the log, an apology to the user.

    Only a verified request gets an apology: an unverified body names channels and
    ``response_url`` values chosen by whoever sent it, so acting on it would let anyone make the
    bot post anywhere. Such a failure is logged as one line, without the body.
    """

    def on_error(error: Exception, body: dict, request: BoltRequest) -> None:
        if not request.context.get(VERIFIED):
            log.warning("slack: unverified request failed (%s); nothing done",
                        type(error).__name__)
            return
        log.error("slack handler failed", exc_info=error)
        apologise(ctx, body or {})

    return on_error


class StrictRequestVerification(RequestVerification):
    """Slack's signature check, failing closed and quietly.

    Bolt's check raises on a timestamp header that is not a number (the request then reaches
    the error handler with its unverified body) and logs every refused body at INFO. Here any
    malformed header, bad signature or stale timestamp is a 401, the log line says only why,
    and a request that passed is marked :data:`VERIFIED` in its context. Socket Mode requests
    arrive over the app's own authenticated connection and are marked verified as they are.
    """

    def __init__(self, signing_secret: str) -> None:
        super().__init__(signing_secret, base_logger=log)

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002
        if req.mode == "socket_mode":
            req.context[VERIFIED] = True
            return next()
        timestamp = _first_header(req.headers, "x-slack-request-timestamp")
        signature = _first_header(req.headers, "x-slack-signature")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return self._refuse("malformed timestamp header")
        try:
            valid = self.verifier.is_valid(req.raw_body, timestamp, signature)
        except Exception as exc:  # the verifier must never turn a bad request into an error
            return self._refuse(f"unreadable signature ({type(exc).__name__})")
        if not valid:
            return self._refuse("bad or stale signature")
        req.context[VERIFIED] = True
        return next()

    @staticmethod
    def _refuse(why: str) -> BoltResponse:
        log.info("slack: request refused: %s", why)
        return BoltResponse(status=401, body={"error": "invalid request"})
