"""Following a topic or a case, on every surface: the surface-neutral core.

Slack's ``/referat follow|unfollow|following`` and "Følg sagen" button
(:mod:`bot.listeners.follows`), Teams' typed commands and card button (:mod:`bot.teams`) and the
notifier's matching (:func:`match_items`) all come here; replies are worded once and marked up
per surface (:class:`bot.markup.Markup`).

A follow is either a case number (``/referat follow 23-001310``: items with that case number) or
words (``/referat follow plasterordning``: items the question search would answer with). When new
or updated minutes hold a matching item, :mod:`bot.notify` sends the follower one direct message.

Follows live in the store's state table ``follows``, one key per user (Teams users as
``teams:<id>``)::

    "U123": {"follows": [{"query": "plasterordning", "kind": "words", "key": "plasterordning",
                          "added_at": "2024-03-01T09:00:00+00:00"}]}

so they survive restarts and are shared by every process that opens the same store.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.blocks import format_date
from bot.markup import SLACK_MARKUP, Markup
from store.answer import word
from store.casenum import case_key, find_case_numbers, strip_letter_suffix
from store.db import Store
from store.records import ItemRecord
from store.text import normalise

if TYPE_CHECKING:
    from bot.context import BotContext
    from store.search import Searcher

log = logging.getLogger(__name__)

FOLLOWS_TABLE = "follows"
MAX_FOLLOWS_PER_USER = 50
MAX_QUERY_CHARS = 200
# The most items of the new meetings one word follow can match.
FOLLOW_SEARCH_LIMIT = 200
# Words that may stand around a case number without making the follow a word search.
_CASE_FILLER = {"sag", "sagen", "sagsnr", "sagsnummer", "sags", "nr", "case", "no", "number"}

# Follows are read-modify-write on one key; this keeps two clicks in one process from racing.
_lock = threading.Lock()


class TooManyFollows(Exception):
    """A user tried to follow more than :data:`MAX_FOLLOWS_PER_USER` things."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} follows per person")
        self.limit = limit


@dataclass(frozen=True)
class Follow:
    """One thing one user follows."""

    user_id: str
    query: str  # as the user wrote it (tidied)
    kind: str  # "case" | "words"
    key: str  # case_key for cases, normalised words otherwise: what makes two follows the same
    added_at: str = ""

    def label(self) -> str:
        """How the follow is named in messages: ``sag 23-001310`` or ``“plasterordning”``."""
        return word("da", "follow_case").format(self.query) if self.kind == "case" \
            else f"“{self.query}”"

    def to_doc(self) -> dict[str, str]:
        return {"query": self.query, "kind": self.kind, "key": self.key, "added_at": self.added_at}


def make_follow(user_id: str, text: str) -> Follow | None:
    """Classify what the user wrote: a lone case number is a case follow, anything else words.

    >>> make_follow("U1", "sag 23-001310").kind
    'case'
    >>> make_follow("U1", "  Plasterordning ").key
    'plasterordning'
    """
    query = " ".join(text.split())[:MAX_QUERY_CHARS].strip(" \"'“”«»")
    if not query:
        return None
    cases = find_case_numbers(query)
    if len(cases) == 1:
        rest = normalise(query.replace(cases[0], " ")).split()
        if all(word in _CASE_FILLER for word in rest):
            return Follow(user_id, cases[0], "case", case_key(cases[0]))
    key = " ".join(normalise(query).split())
    if not key:
        return None
    return Follow(user_id, query, "words", key)


def _from_doc(user_id: str, doc: dict[str, Any]) -> Follow | None:
    try:
        return Follow(user_id, str(doc["query"]), str(doc["kind"]), str(doc["key"]),
                      str(doc.get("added_at", "")))
    except KeyError:
        return None


def user_follows(store: Store, user_id: str) -> list[Follow]:
    """What one user follows, oldest first."""
    value = store.state_get(FOLLOWS_TABLE, user_id) or {}
    return [f for doc in value.get("follows", []) if (f := _from_doc(user_id, doc))]


def all_follows(store: Store) -> list[Follow]:
    """Every follow of every user."""
    out: list[Follow] = []
    for user_id, value in sorted(store.state_all(FOLLOWS_TABLE).items()):
        out.extend(f for doc in value.get("follows", []) if (f := _from_doc(user_id, doc)))
    return out


def _save(store: Store, user_id: str, follows: list[Follow]) -> None:
    if follows:
        store.state_put(FOLLOWS_TABLE, user_id, {"follows": [f.to_doc() for f in follows]})
    else:
        store.state_delete(FOLLOWS_TABLE, user_id)


def add_follow(store: Store, user_id: str, text: str) -> tuple[Follow | None, bool]:
    """Follow ``text``; returns (the follow, True if it is new). (None, False) for empty text."""
    wanted = make_follow(user_id, text)
    if wanted is None:
        return None, False
    with _lock:
        store.refresh()
        current = user_follows(store, user_id)
        for follow in current:
            if (follow.kind, follow.key) == (wanted.kind, wanted.key):
                return follow, False
        if len(current) >= MAX_FOLLOWS_PER_USER:
            raise TooManyFollows(MAX_FOLLOWS_PER_USER)
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        follow = Follow(user_id, wanted.query, wanted.kind, wanted.key, stamp)
        _save(store, user_id, [*current, follow])
        return follow, True


def remove_follow(store: Store, user_id: str, text: str) -> list[Follow]:
    """Stop following: by what was followed, by its number in ``following``, or ``alt``/``all``."""
    text = text.strip()
    with _lock:
        store.refresh()
        current = user_follows(store, user_id)
        if text.lower() in {"all", "alt", "alle", "*"}:
            removed = current
        elif text.isdigit() and 1 <= int(text) <= len(current):
            removed = [current[int(text) - 1]]
        else:
            wanted = make_follow(user_id, text)
            removed = [f for f in current
                       if wanted is not None
                       and (f.key == wanted.key or (f.kind == "case" and f.key == case_key(text)))]
        if removed:
            _save(store, user_id, [f for f in current if f not in removed])
        return removed


def match_items(store: Store, searcher: Searcher, follow: Follow,
                meeting_ids: set[str] | None) -> list[ItemRecord]:
    """The items a follow matches, within ``meeting_ids`` (None: the whole store).

    A case follow matches items with that case number (with or without its letter suffix). A
    word follow matches what the question search answers with -- the same matching as questions
    -- unless the search only has "did you mean" suggestions.
    """
    if follow.kind == "case":
        wanted = strip_letter_suffix(follow.key)
        if meeting_ids is None:
            pool = store.items()
        else:
            pool = [r for mid in sorted(meeting_ids) for r in store.items_for_meeting(mid)]
        return [r for r in pool
                if r.case_number and strip_letter_suffix(case_key(r.case_number)) == wanted]
    # Restricting the search to the new meetings (rather than filtering a store-wide top list)
    # means a common word's new item is never crowded out by older ones.
    result = searcher.search(follow.query, limit=FOLLOW_SEARCH_LIMIT, meeting_ids=meeting_ids)
    if result.did_you_mean:
        return []
    return [hit.record for hit in result.hits]


FOLLOW_VERBS = {"follow", "unfollow", "following"}


LANG = "da"  # follow replies are Danish, like the rest of the bot's own messages


def _describe(follow: Follow, m: Markup) -> str:
    if follow.kind == "case":
        return word(LANG, "follow_case").format(m.strong(follow.query))
    return m.strong(follow.query)


def _latest_match(ctx: BotContext, follow: Follow, m: Markup) -> str:
    """A line naming the newest item that matches now, so the user sees the follow makes sense."""
    found = match_items(ctx.store, ctx.searcher, follow, None)
    if not found:
        return word(LANG, "follow_nothing_yet")
    newest = max(found, key=lambda r: r.date or "")
    when = format_date(newest.date, LANG) if newest.date else ""
    return word(LANG, "follow_latest").format(m.em(newest.title),
                                              f"{m.text(newest.body)} {when}".strip())


def _commands(m: Markup, *commands: str) -> list[str]:
    return [m.code(m.command + command) for command in commands]


def _follow(ctx: BotContext, user_id: str, argument: str, m: Markup) -> str:
    if not argument:
        return word(LANG, "follow_ask").format(
            *_commands(m, "follow plasterordning", "follow 23-001310"))
    try:
        follow, added = add_follow(ctx.store, user_id, argument)
    except TooManyFollows as exc:
        return word(LANG, "follow_too_many").format(exc.limit, *_commands(m, "following"))
    if follow is None:
        return word(LANG, "follow_ask").format(
            *_commands(m, "follow plasterordning", "follow 23-001310"))
    if not added:
        return word(LANG, "follow_already").format(_describe(follow, m))
    return (word(LANG, "follow_added").format(_describe(follow, m)) + "\n"
            + _latest_match(ctx, follow, m))


def _unfollow(ctx: BotContext, user_id: str, argument: str, m: Markup) -> str:
    if not argument:
        return word(LANG, "unfollow_ask").format(*_commands(m, "unfollow plasterordning"))
    removed = remove_follow(ctx.store, user_id, argument)
    if not removed:
        return word(LANG, "unfollow_unknown").format(m.strong(argument),
                                                     *_commands(m, "following"))
    return word(LANG, "unfollow_done").format(", ".join(_describe(f, m) for f in removed))


def _following(ctx: BotContext, user_id: str, m: Markup) -> str:
    follows = user_follows(ctx.store, user_id)
    if not follows:
        return word(LANG, "following_none").format(
            *_commands(m, "follow plasterordning", "follow 23-001310"))
    lines = [f"{n}. {_describe(f, m)}" for n, f in enumerate(follows, start=1)]
    stop = word(LANG, "following_stop").format(
        *_commands(m, "unfollow <nummer eller tekst>", "unfollow alt"))
    return "\n".join([word(LANG, "following_list"), *lines, stop])


def handle_follow_command(ctx: BotContext, user_id: str, verb: str, argument: str,
                          markup: Markup = SLACK_MARKUP) -> str:
    """Run ``follow``/``unfollow``/``following`` for one user; return the reply in ``markup``.

    Slack's command and button, Teams and the CLI all come through here, so they can never
    disagree; only the markup differs.
    """
    verb = verb.strip().lower()
    argument = argument.strip()
    if verb == "follow":
        return _follow(ctx, user_id, argument, markup)
    if verb == "unfollow":
        return _unfollow(ctx, user_id, argument, markup)
    if verb == "following":
        return _following(ctx, user_id, markup)
    return word(LANG, "follow_unknown_verb").format(
        *(markup.code(v) for v in ("follow", "unfollow", "following")))
