"""What every Slack listener needs, built once per process and handed to ``register(app, ctx)``.

Listeners get the store, the searcher and a Web API client from here instead of globals, so a
test builds a :class:`BotContext` around a temporary store and a client pointed at a local
stand-in of Slack, and the real listeners run unchanged.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from store.engine import Engine, open_store
from store.followup import Conversations
from store.records import ReferatError
from store.search import Searcher

from .config import Settings, mask

# How often a 429 is waited out (each wait is Slack's Retry-After) before a call is given up.
RATE_LIMIT_RETRIES = 3
# Seconds; the SDK's default is 30, but a reply that takes that long is better logged as failed.
WEB_API_TIMEOUT = 15


def retry_handlers() -> list[RetryHandler]:
    """Rate limits (HTTP 429 + ``Retry-After``) and dropped connections are retried, not fatal."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=2),
    ]


class SlackUnreachable(ReferatError):
    """Slack's Web API cannot be reached: no network route, a proxy or a firewall in between."""

    @classmethod
    def from_error(cls, settings: Settings, exc: BaseException) -> SlackUnreachable:
        """The one line to print: where we tried, why it failed, which setting to check."""
        reason = getattr(exc, "reason", None) or exc
        where = settings.slack_api_url or "https://slack.com/api/"
        proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
        if proxy:
            hint = (f"through the proxy HTTPS_PROXY={mask('HTTPS_PROXY', proxy)}; check that "
                    "proxy, or point SLACK_API_URL at another")
        else:
            hint = ("if this network needs a proxy, set HTTPS_PROXY (or point SLACK_API_URL at "
                    "one) in the environment or .env")
        return cls(f"cannot reach Slack at {where} ({reason}): {hint}")


def make_client(settings: Settings) -> WebClient:
    """The bot's Web API client; ``SLACK_API_URL`` points it at a proxy or a local stand-in."""
    kwargs: dict = {}
    if settings.slack_api_url:
        base = settings.slack_api_url
        kwargs["base_url"] = base if base.endswith("/") else base + "/"
    return WebClient(
        token=settings.slack_bot_token or None,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=retry_handlers(),
        **kwargs,
    )


def webhook(url: str) -> WebhookClient:
    """A ``response_url`` client with the same retry policy as the Web API client.

    Bolt's own ``respond()`` builds a ``WebhookClient`` without retry handlers, so answers to
    slash commands, shortcuts and buttons go through this instead.
    """
    return WebhookClient(url=url, timeout=WEB_API_TIMEOUT, retry_handlers=retry_handlers())


class RecentKeys:
    """A bounded, thread-safe set of recently seen keys that forget after ``ttl`` seconds.

    Used to answer each Slack event once although Slack retries deliveries (same ``event_id``)
    and to show an inline case card once per thread. It lives in memory: after a restart a
    retry that was already answered could be answered again, which is the price of keeping no
    Slack bookkeeping in the minutes store.
    """

    def __init__(self, ttl: float = 3600.0, maxsize: int = 10_000) -> None:
        self.ttl = ttl
        self.maxsize = maxsize
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def seen_before(self, key: str) -> bool:
        """True if ``key`` was added within ``ttl``; otherwise remember it and return False."""
        now = time.monotonic()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at < self.ttl and len(self._seen) < self.maxsize:
                    break
                del self._seen[oldest]
            if key in self._seen:
                return True
            self._seen[key] = now
            return False

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)


@dataclass
class BotContext:
    """The bot's shared state: settings, the minutes store, search, and the Slack client."""

    settings: Settings
    store: Engine
    searcher: Searcher
    client: WebClient | None
    bot_user_id: str | None
    events_seen: RecentKeys = field(default_factory=lambda: RecentKeys(ttl=3600.0))
    inline_seen: RecentKeys = field(default_factory=lambda: RecentKeys(ttl=7 * 24 * 3600.0))
    # The last answer per thread or DM, so follow-ups ("og den forrige?") build on it.
    threads: Conversations = field(default_factory=Conversations)

    @classmethod
    def create(cls, settings: Settings, store: Engine | None = None) -> BotContext:
        """Open the store named by the settings (unless given) and a client if a token is set.

        No network call is made here; the bot's own user id is learned by Bolt's ``auth.test``
        when the app is built (see :func:`bot.slack_app.build_app`).
        """
        store = store if store is not None else open_store(settings)
        client = make_client(settings) if settings.slack_bot_token else None
        return cls(
            settings=settings,
            store=store,
            searcher=Searcher(store, embed_in_background=True),
            client=client,
            bot_user_id=None,
        )
