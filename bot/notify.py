"""The notifier: picks up new minutes, announces them (Slack or Teams) and tells followers.

Each tick (every few seconds, in a background thread) it

1. reloads the store if another process wrote it (``referat ingest`` while the bot runs),
2. polls the watched folder (``MINUTES_DIR``) and, when its interval has passed, starts a poll
   of the feed (``MINUTES_FEED_URL``) in a thread of its own, so a slow web server never delays
   the folder or the announcements; both ingest into the store (:mod:`store.sources`),
3. sends each follower one direct message per new or updated meeting with matching items,
4. announces every meeting not yet announced in ``NOTIFY_CHANNEL`` -- one post per meeting, a
   short note for changed minutes, or with ``NOTIFY_DIGEST=weekly`` one summary a week.

**Exactly once.** What was announced is kept in the store, not in memory: state table
``announcements`` maps each meeting id to ``{"content_hash", "announced_at", "ts", ...}``, and
``dm_sent`` maps each meeting id to the content hash the followers were checked against and the
users who got a message. The notifier compares these with the meetings themselves, so a restart,
a crash between ingest and post, a duplicate file or a re-ingest of the same content posts
nothing, and a meeting that arrived while Slack was down is posted once Slack answers again.

A record is written only after Slack accepted the post. The one remaining window: a crash after
Slack accepted a post and before the record reached the disk (a few milliseconds) posts that
message once more after the restart. The other order would lose the announcement instead, and a
rare duplicate is the better failure.

**First start.** On the very first run against a store (no ``#baseline`` key yet), every meeting
already in the store -- including what the first poll of the watched folder and the feed found --
is recorded as announced without posting, so pointing the bot at ten years of minutes does not
flood the channel. Only meetings that arrive after that are announced.

**Backfills.** More than :data:`BULK_THRESHOLD` new meetings in one tick (an archive ingested
while the bot runs) are announced as one list of meetings instead of a post each.

Without ``NOTIFY_CHANNEL``, meetings are recorded as announced silently (followers still get
their messages), so setting the channel later does not post the backlog.

**Several processes.** Bot processes sharing one store (PostgreSQL, or one file) agree through
the state table ``claims``: before the first post about a meeting's content, a process claims
``<kind>|<meeting id>|<content hash>`` (:meth:`store.engine.Engine.state_claim`, atomic across
processes); only the process that got the claim posts, so a meeting is announced, and each
follower told, once. Resuming a half-sent announcement needs no claim.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import announce
from bot.announce import Message, Post
from bot.config import ConfigError
from bot.follow import Follow, all_follows, match_items
from bot.markup import SLACK_MARKUP, Markup
from store.records import ItemRecord, MeetingRecord
from store.sources import FeedPoller, FolderWatcher

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.context import BotContext

log = logging.getLogger(__name__)

ANNOUNCEMENTS = "announcements"
DM_SENT = "dm_sent"
CLAIMS = "claims"
# Meeting ids always contain "|" (body|date), so keys without one never clash with a meeting.
BASELINE_KEY = "#baseline"
DIGEST_KEY = "#digest"

TICK_SECONDS = 3.0
MIN_FEED_INTERVAL = 10  # seconds; a smaller MINUTES_FEED_INTERVAL would poll on every tick
# More meetings than this arriving at once (a backfill with `referat ingest old-archive/`) get
# one list in the channel instead of a post each.
BULK_THRESHOLD = 10
BULK_LINES_SHOWN = 500
DIGEST_PERIOD = dt.timedelta(days=7)
# After Slack failed, wait this long before posting again (doubling up to the maximum), so a
# channel the bot is not in does not cost a failing request every tick.
RETRY_BACKOFF = (5.0, 600.0)
# Errors that mean "Slack had a problem", worth retrying (besides HTTP 5xx and 429).
_TRANSIENT_ERRORS = {"ratelimited", "fatal_error", "internal_error", "service_unavailable",
                     "request_timeout", "team_added_to_org"}
# Slack errors that no retry fixes; they are logged as errors with a hint.
_CONFIG_ERRORS = {
    "channel_not_found": "check NOTIFY_CHANNEL (a channel ID like C0123ABCD is safest)",
    "not_in_channel": "invite the bot to the channel (/invite @Referat)",
    "is_archived": "the channel is archived; choose another NOTIFY_CHANNEL",
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "check SLACK_BOT_TOKEN",
    "missing_scope": "the app needs the chat:write scope",
}


def notifier_wanted(settings: Settings) -> bool:
    """Run the notifier when there is a source to watch or anyone to tell.

    A Slack bot always wants it, because ``/referat follow`` works without any other setting:
    minutes ingested with ``referat ingest`` still reach the followers.
    """
    return bool(settings.notify_channel or settings.minutes_dir or settings.minutes_feed_url
                or settings.slack_enabled or settings.teams_enabled)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _oldest_first(meetings: Sequence[MeetingRecord]) -> list[MeetingRecord]:
    return sorted(meetings, key=lambda m: (m.date or "", m.ingested_at or "", m.meeting_id))


class DeliveryDown(Exception):
    """The chat service did not accept a post; what was not recorded is tried again later."""


class DeliveryRefused(DeliveryDown):
    """The service answered, and said no for a reason a retry will not fix (e.g. a deleted user).

    For the channel this still pauses and retries (the setting may be fixed); for one follower's
    message it is recorded, so one deleted user cannot hold up everyone else's messages.
    """


class Delivery(Protocol):
    """Where the notifier's posts go: one chat service. The notifier decides *what* and *when*
    (and keeps the exactly-once records); a delivery lays posts out and sends them."""

    channel: str  # where announcements go ("" for none)
    markup: Markup

    def ready(self) -> bool:
        """True when posts can be sent at all (e.g. a token is configured)."""
        ...

    def reaches(self, user_id: str) -> bool:
        """True for followers this service can message (follows are kept per service)."""
        ...

    def render(self, post: Post) -> list[Any]:
        """The messages one post becomes, in order."""
        ...

    def send(self, target: str, message: Any) -> str:
        """Send one message to a channel or a user; return its id. Raises DeliveryDown."""
        ...


class SlackDelivery:
    """Posts through Slack's Web API (``chat.postMessage``) as Block Kit."""

    markup = SLACK_MARKUP

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self.channel = ctx.settings.notify_channel
        client = ctx.client
        if client is not None and not any(
            isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers
        ):
            # 429 + Retry-After is waited out inside the call; bot.context.make_client already
            # does this, a client built elsewhere gets it here.
            client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))

    def ready(self) -> bool:
        return self.ctx.client is not None

    def reaches(self, user_id: str) -> bool:
        return not user_id.startswith("teams:")

    def render(self, post: Post) -> list[Message]:
        return announce.slack_messages(post)

    def send(self, target: str, message: Message) -> str:
        """Post one message; return its ts. Raises DeliveryDown when Slack did not take it."""
        assert self.ctx.client is not None
        try:
            response = self.ctx.client.chat_postMessage(
                channel=target, text=message.text, blocks=message.blocks,
                unfurl_links=False, unfurl_media=False,
            )
        except SlackApiError as exc:
            response = exc.response
            error = str(response.get("error", "")) if response is not None else ""
            status = getattr(response, "status_code", 200) or 200
            hint = _CONFIG_ERRORS.get(error)
            if hint:
                log.error("Slack refused a message to %s: %s (%s)", target, error, hint)
            else:
                log.warning("Slack refused a message to %s: %s", target, error or exc)
            if status >= 500 or status == 429 or error in _TRANSIENT_ERRORS or not error:
                raise DeliveryDown(error) from None
            raise DeliveryRefused(error) from None
        except Exception as exc:  # connection refused, timeouts, a proxy's HTML error page
            log.warning("could not reach Slack to post to %s: %s", target, exc)
            raise DeliveryDown(str(exc)) from None
        return str(response.get("ts") or "")


class Notifier:
    """Announce new minutes and tell followers; see the module docstring for the guarantees.

    Tests drive :meth:`run_once` directly; the bot calls :meth:`start` once, after which a daemon
    thread ticks every ``tick_seconds`` until :meth:`stop`.
    """

    def __init__(
        self,
        ctx: BotContext,
        *,
        tick_seconds: float = TICK_SECONDS,
        clock: Callable[[], dt.datetime] = _utcnow,
        digest_period: dt.timedelta = DIGEST_PERIOD,
        retry_backoff: tuple[float, float] = RETRY_BACKOFF,
        watcher: FolderWatcher | None = None,
        feed: FeedPoller | None = None,
        delivery: Delivery | None = None,
    ) -> None:
        self.ctx = ctx
        self.store = ctx.store
        settings = ctx.settings
        self.delivery: Delivery = delivery if delivery is not None else SlackDelivery(ctx)
        self.channel = self.delivery.channel
        self.weekly = settings.notify_digest == "weekly"
        self.tick_seconds = tick_seconds
        self.digest_period = digest_period
        self._clock = clock
        self._backoff_min, self._backoff_max = retry_backoff
        self._backoff = 0.0
        self._retry_at = 0.0  # time.monotonic() before which nothing is posted
        self._settled_revision: int | None = None  # store revision with nothing left to send
        self._token = uuid.uuid4().hex  # this notifier's name in claims
        if watcher is None and settings.minutes_dir is not None:
            watcher = FolderWatcher(ctx.store, settings.minutes_dir,
                                    policy=settings.size_policy)
        if feed is None and settings.minutes_feed_url:
            try:
                feed = FeedPoller(ctx.store, settings.minutes_feed_url,
                                  interval=max(settings.minutes_feed_interval,
                                               MIN_FEED_INTERVAL),
                                  allow_hosts=settings.minutes_feed_allow_hosts,
                                  policy=settings.size_policy)
            except ValueError as exc:
                raise ConfigError(f"MINUTES_FEED_URL: {exc}") from None
        self.watcher = watcher
        self.feed = feed
        self._run_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the loop ------------------------------------------------------------------------------

    def start(self) -> None:
        """Tick in a daemon thread until :meth:`stop`; a failing tick is logged, never fatal."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="referat-notifier", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self.feed is not None:
            self.feed.wait(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("notifier tick failed; trying again in %.0f s", self.tick_seconds)
            self._stop.wait(self.tick_seconds)

    def run_once(self) -> int:
        """One tick: refresh, poll the sources, tell followers, announce. Returns messages sent."""
        with self._run_lock:
            self._poll_sources()
            if not self.delivery.ready():
                return 0  # nothing can be posted; records wait until the service is configured
            self._ensure_baseline()
            if time.monotonic() < self._retry_at:
                return 0
            revision = self.store.revision()
            if revision == self._settled_revision and not self.weekly:
                return 0  # nothing changed since everything was sent: skip reading the state
            sent = 0
            try:
                sent += self._announce_digest() if self.weekly else self._announce()
                sent += self._notify_followers()
            except DeliveryDown:
                self._backoff = min(max(self._backoff * 2, self._backoff_min), self._backoff_max)
                self._retry_at = time.monotonic() + self._backoff
                log.warning("a notification was not taken; trying again in %.0f s",
                            self._backoff)
                return sent
            self._backoff = 0.0
            # Our own records changed the revision; the next tick checks once more, then rests.
            self._settled_revision = revision if sent == 0 else None
            return sent

    def _poll_sources(self) -> None:
        """Each source on its own: one failing (a broken share, a bad feed) never stops the rest."""
        try:
            self.store.refresh()
        except Exception:
            log.exception("could not reload the store")
        if self.watcher is not None:
            try:
                self.watcher.poll()
            except Exception:
                log.exception("polling the watched folder %s failed", self.watcher.folder)
        if self.feed is None:
            return
        if self.store.state_get(ANNOUNCEMENTS, BASELINE_KEY) is None and self.feed.due():
            # The very first start: what the feed already lists is part of the baseline (not
            # announced), so this one poll is waited for.
            try:
                self.feed.poll()
            except Exception:
                log.exception("polling the feed %s failed", self.feed.public_url)
            return
        # In its own thread: a slow server never delays the folder or the announcements.
        # What it ingests is announced by a later tick, like a CLI ingest.
        self.feed.poll_in_background()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _ensure_baseline(self) -> None:
        """First run on this store: everything already there counts as announced (no flood)."""
        if self.store.state_get(ANNOUNCEMENTS, BASELINE_KEY) is not None:
            return
        now = self._now()
        meetings = self.store.meetings()
        records: dict[str, dict] = {}
        checked: dict[str, dict] = {}
        for meeting in meetings:
            items = self.store.items_for_meeting(meeting.meeting_id)
            records[meeting.meeting_id] = {
                "content_hash": meeting.content_hash, "announced_at": now, "ts": None,
                "baseline": True, "items": announce.fingerprints(items),
            }
            checked[meeting.meeting_id] = {"content_hash": meeting.content_hash, "users": {},
                                           "complete": True}
        self.store.state_put_many(DM_SENT, checked)
        records[BASELINE_KEY] = {"at": now, "meetings": len(meetings)}
        self.store.state_put_many(ANNOUNCEMENTS, records)
        if meetings:
            log.info("first start: %d meeting(s) already in the store are not announced",
                     len(meetings))

    def _pending(self) -> list[tuple[MeetingRecord, dict | None]]:
        """Meetings whose current content was not (fully) announced, oldest first."""
        done = self.store.state_all(ANNOUNCEMENTS)
        out = []
        for meeting in _oldest_first(self.store.meetings()):
            record = done.get(meeting.meeting_id)
            if (record is None or record.get("content_hash") != meeting.content_hash
                    or record.get("sent", 1) < record.get("parts", 1)):
                out.append((meeting, record))
        return out

    def _claim(self, kind: str, meeting: MeetingRecord) -> bool:
        """True if this notifier is the one to send ``kind`` for this content of the meeting."""
        key = f"{kind}|{meeting.meeting_id}|{meeting.content_hash}"
        if self.store.state_claim(CLAIMS, key, {"by": self._token, "at": self._now()}):
            return True
        return (self.store.state_get(CLAIMS, key) or {}).get("by") == self._token

    # -- sending -----------------------------------------------------------------------------

    def _post(self, target: str, post: Post) -> str:
        """Send every message of a post (not split: one); return the first message's id."""
        first = ""
        for message in self.delivery.render(post):
            first = first or self.delivery.send(target, message)
        return first

    # -- channel announcements ---------------------------------------------------------------

    def _record_silently(self, pending: list[tuple[MeetingRecord, dict | None]]) -> None:
        now = self._now()
        self.store.state_put_many(ANNOUNCEMENTS, {
            meeting.meeting_id: {
                "content_hash": meeting.content_hash, "announced_at": now, "ts": None,
                "channel": "",
                "items": announce.fingerprints(self.store.items_for_meeting(meeting.meeting_id)),
            }
            for meeting, _ in pending
        })

    def _announce(self) -> int:
        """One post per new meeting (several if the agenda is long), a note per updated one."""
        pending = self._pending()
        if not pending:
            return 0
        if not self.channel:
            self._record_silently(pending)
            return 0
        fresh = [meeting for meeting, record in pending if record is None]
        if len(fresh) > BULK_THRESHOLD:
            return self._announce_bulk(fresh)
        sent = 0
        for meeting, record in pending:
            resuming = record is not None and record.get("content_hash") == meeting.content_hash
            if not resuming and not self._claim("announce", meeting):
                continue  # another process on this store announces it
            items = self.store.items_for_meeting(meeting.meeting_id)
            if record is None or resuming:
                kind = "new" if record is None else record.get("kind", "new")
                messages = self.delivery.render(
                    announce.announcement_post(meeting, items, self.delivery.markup))
            else:
                kind = "updated"
                messages = self.delivery.render(announce.update_post(
                    meeting, items, record.get("items"), self.delivery.markup))
            start = int(record.get("sent", 0)) if resuming and record else 0
            first_ts = record.get("ts") if resuming and record else None
            for index in range(start, len(messages)):
                ts = self.delivery.send(self.channel, messages[index])
                sent += 1
                first_ts = first_ts or ts
                # Recorded right after each accepted part: a failure later resumes here.
                self.store.state_put(ANNOUNCEMENTS, meeting.meeting_id, {
                    "content_hash": meeting.content_hash, "announced_at": self._now(),
                    "ts": first_ts, "channel": self.channel, "kind": kind,
                    "parts": len(messages), "sent": index + 1,
                    "items": announce.fingerprints(items),
                })
            log.info("announced %s (%s)", meeting.meeting_id, kind)
        return sent

    def _announce_bulk(self, meetings: list[MeetingRecord]) -> int:
        """Many new meetings at once: one message listing them, not a post each."""
        entries = [(m, self.store.items_for_meeting(m.meeting_id)) for m in meetings]
        ts = self._post(self.channel, announce.bulk_post(entries, BULK_LINES_SHOWN,
                                                         self.delivery.markup))
        stamp = self._now()
        self.store.state_put_many(ANNOUNCEMENTS, {
            m.meeting_id: {"content_hash": m.content_hash, "announced_at": stamp, "ts": ts,
                           "channel": self.channel, "kind": "bulk",
                           "items": announce.fingerprints(items)}
            for m, items in entries
        })
        log.info("announced %d new meetings in one list", len(meetings))
        return 1

    def _announce_digest(self) -> int:
        """NOTIFY_DIGEST=weekly: one summary once the oldest waiting meeting has waited a week."""
        pending = self._pending()
        if not pending:
            meta = self.store.state_get(ANNOUNCEMENTS, DIGEST_KEY) or {}
            if meta.get("first_seen"):
                self.store.state_put(ANNOUNCEMENTS, DIGEST_KEY, {**meta, "first_seen": {}})
            return 0
        if not self.channel:
            self._record_silently(pending)
            return 0
        now = self._clock()
        meta = self.store.state_get(ANNOUNCEMENTS, DIGEST_KEY) or {}
        old_seen: dict[str, str] = meta.get("first_seen", {})
        first_seen = {m.meeting_id: old_seen.get(m.meeting_id) or now.isoformat(timespec="seconds")
                      for m, _ in pending}
        if first_seen != old_seen:
            self.store.state_put(ANNOUNCEMENTS, DIGEST_KEY, {**meta, "first_seen": first_seen})
        sent = 0
        while pending:
            oldest = min(dt.datetime.fromisoformat(first_seen[m.meeting_id]) for m, _ in pending)
            if now - oldest < self.digest_period:
                break
            batch = pending[: announce.DIGEST_MEETINGS_PER_MESSAGE]
            entries = [(m, self.store.items_for_meeting(m.meeting_id), record is not None)
                       for m, record in batch]
            ts = self._post(self.channel, announce.digest_post(entries, self.delivery.markup))
            sent += 1
            stamp = self._now()
            records: dict[str, dict] = {
                m.meeting_id: {"content_hash": m.content_hash, "announced_at": stamp, "ts": ts,
                               "channel": self.channel, "kind": "digest",
                               "items": announce.fingerprints(items)}
                for m, items, _ in entries
            }
            pending = pending[len(batch):]
            for m, _ in batch:
                first_seen.pop(m.meeting_id, None)
            records[DIGEST_KEY] = {"first_seen": first_seen, "last_digest_at": stamp}
            self.store.state_put_many(ANNOUNCEMENTS, records)
        return sent

    # -- followers -----------------------------------------------------------------------------

    def _notify_followers(self) -> int:
        """One direct message per follower per new or updated meeting with matching items."""
        checked = self.store.state_all(DM_SENT)
        pending = [m for m in _oldest_first(self.store.meetings())
                   if (c := checked.get(m.meeting_id)) is None
                   or c.get("content_hash") != m.content_hash or not c.get("complete")]
        pending = [m for m in pending
                   if ((c := checked.get(m.meeting_id)) is not None
                       and c.get("content_hash") == m.content_hash)
                   or self._claim("dm", m)]
        if not pending:
            return 0
        follows = [f for f in all_follows(self.store) if self.delivery.reaches(f.user_id)]
        matches = self._matches(follows, {m.meeting_id for m in pending}) if follows else {}
        sent = 0
        finished: dict[str, dict] = {}
        try:
            for meeting in pending:
                sent += self._notify_meeting(meeting, checked.get(meeting.meeting_id),
                                             matches.get(meeting.meeting_id, {}), finished)
        finally:
            if finished:
                self.store.state_put_many(DM_SENT, finished)
        return sent

    def _matches(self, follows: list[Follow], meeting_ids: set[str]
                 ) -> dict[str, dict[str, tuple[list[ItemRecord], list[str]]]]:
        """meeting id -> user -> (matched items in agenda order, the follows that matched)."""
        found: dict[str, dict[str, dict[str, Any]]] = {}
        for follow in follows:
            try:
                records = match_items(self.store, self.ctx.searcher, follow, meeting_ids)
            except Exception:
                log.exception("matching the follow %r of %s failed", follow.query, follow.user_id)
                continue
            for record in records:
                slot = found.setdefault(record.meeting_id, {}).setdefault(
                    follow.user_id, {"items": {}, "queries": []})
                slot["items"][announce.item_key(record)] = record
                label = follow.label()
                if label not in slot["queries"]:
                    slot["queries"].append(label)
        out: dict[str, dict[str, tuple[list[ItemRecord], list[str]]]] = {}
        for meeting_id, users in found.items():
            for user_id, slot in users.items():
                items = sorted(slot["items"].values(),
                               key=lambda r: (r.item_number is None, r.item_number or 0, r.title))
                out.setdefault(meeting_id, {})[user_id] = (items, slot["queries"])
        return out

    def _notify_meeting(self, meeting: MeetingRecord, record: dict | None,
                        users: dict[str, tuple[list[ItemRecord], list[str]]],
                        finished: dict[str, dict]) -> int:
        same = record is not None and record.get("content_hash") == meeting.content_hash
        done: dict[str, dict] = dict(record.get("users", {})) if (record and same) else {}
        before: dict[str, dict] = record.get("users", {}) if (record and not same) else {}
        updated = record is not None and not same
        sent = 0
        for user_id, (items, queries) in sorted(users.items()):
            if user_id in done:
                continue
            seen = (before.get(user_id) or {}).get("items", {})
            fresh = [r for r in items
                     if seen.get(announce.item_key(r)) != announce.item_fingerprint(r)]
            prints = announce.fingerprints(items)
            if not fresh:  # an update that did not touch this follower's items
                done[user_id] = {"items": prints, "skipped": True}
                continue
            try:
                ts = self._post(user_id, announce.follow_post(meeting, fresh, queries, updated,
                                                              self.delivery.markup))
            except DeliveryRefused as exc:
                done[user_id] = {"error": str(exc), "at": self._now(), "items": prints}
                continue
            sent += 1
            done[user_id] = {"ts": ts, "at": self._now(), "items": prints}
            # Written at once, not with the batch: a crash now must not repeat this message.
            self.store.state_put(DM_SENT, meeting.meeting_id, {
                "content_hash": meeting.content_hash, "users": done, "complete": False})
        finished[meeting.meeting_id] = {"content_hash": meeting.content_hash, "users": done,
                                        "complete": True}
        return sent
