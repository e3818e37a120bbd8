"""What the notifier posts -- new minutes, updated minutes, the weekly digest, follower
messages -- worded once as surface-neutral :class:`Post` objects, and laid out for Slack here.

A post is a list of :class:`Part` (a header, a context line, marked-up text, an agenda item, an
item card, a divider) plus the head and lines of its plain fallback text. Its sentences are
written once, with a :class:`bot.markup.Markup` for the surface's emphasis and escaping, and each
delivery lays the parts out: :func:`slack_messages` here (Block Kit), ``bot.teams.delivery``
(Adaptive Cards). The same content always renders the same way -- the notifier relies on that to
resume a long announcement at the part where a post last failed.

A Slack :class:`Message` is one ``chat.postMessage``: its ``text`` is the plain fallback Slack
shows in notifications and to screen readers, ``blocks`` at most 50 of them. Long agendas become
several messages; every section holds at most 3,000 characters (:func:`bot.blocks.section_blocks`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.blocks import (
    FOLLOW_CASE,
    MESSAGE_BLOCK_LIMIT,
    chunk_blocks,
    escape_mrkdwn,
    format_date,
    item_card_blocks,
    section_blocks,
    truncate,
)
from bot.markup import SLACK_MARKUP, Markup
from store.answer import count, human_date, meeting_name, word
from store.records import ItemRecord, MeetingRecord

HEADER_LIMIT = 150  # Slack's limit for a header block's plain text
TEXT_LIMIT = 3000  # keep the fallback text well under Slack's 40,000 (it shows in notifications)
UPDATE_ITEMS_SHOWN = 15  # an update note lists at most this many changed items
DIGEST_MEETINGS_PER_MESSAGE = 20
DM_ITEMS_SHOWN = 5


@dataclass
class Part:
    """One piece of a post. ``kind``: "header", "context" and "text" carry ``text`` (already in
    the surface's markup); "item" is an agenda item of an announcement (``number`` keeps its
    follow button unique in a message); "card" is a whole item card; "divider" separates."""

    kind: str
    text: str = ""
    record: ItemRecord | None = None
    number: int = 0
    decision_limit: int | None = None


@dataclass
class Post:
    """One thing to post, before layout. ``head`` and ``lines`` make its plain fallback text;
    ``split`` says a long post may become several messages (else it is cut to one)."""

    head: str
    lines: list[str]
    parts: list[Part] = field(default_factory=list)
    split: bool = False


@dataclass
class Message:
    """One Slack message to post: fallback ``text`` and ``blocks``."""

    text: str
    blocks: list[dict]


LANG = "da"  # announcements are Danish, like the minutes they announce


def meeting_label(meeting: MeetingRecord) -> str:
    """``"Direktionen (Kalundborg) 20. februar 2023"`` (plain text, not escaped)."""
    name = meeting_name(meeting.body, meeting.municipality)
    return f"{name} {human_date(meeting.date, LANG)}".strip()


def item_key(record: ItemRecord) -> str:
    """Identifies an item within its meeting across re-publications: its number, else its title."""
    return str(record.item_number) if record.item_number is not None else f"title:{record.title}"


def item_fingerprint(record: ItemRecord) -> str:
    """A short hash of what a reader sees of an item; a change means the item was revised."""
    seen = [record.title, record.closed, record.case_number, record.decision,
            record.recommendation, record.text]
    blob = json.dumps(seen, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def fingerprints(items: Sequence[ItemRecord]) -> dict[str, str]:
    return {item_key(item): item_fingerprint(item) for item in items}


def _number(record: ItemRecord) -> str:
    return f"{record.item_number}. " if record.item_number is not None else ""


def item_text(record: ItemRecord, m: Markup, decision_limit: int | None = None) -> str:
    """An announced item: number and title, case number, decision. Closed items: title only."""
    title = m.strong(_number(record) + record.title)
    if record.closed:
        # Titles of closed items often say so already ("Lukket: ...").
        if record.title.lower().startswith("lukket"):
            return title
        return f"{title} {m.em('(' + word(LANG, 'closed') + ')')}"
    lines = [title]
    if record.case_number:
        lines.append(f"{word(LANG, 'case')} {m.text(record.case_number)}")
    decision = record.decision.strip()
    if decision_limit is not None:
        decision = truncate(decision, decision_limit)
    lines.append(f"{m.strong(word(LANG, 'decision') + ':')} {m.text(decision)}" if decision
                 else m.em(word(LANG, "no_decision")))
    return "\n".join(lines)


def _facts(meeting: MeetingRecord, items: Sequence[ItemRecord], m: Markup) -> str:
    closed = sum(1 for item in items if item.closed)
    parts = []
    when = format_date(meeting.date, LANG) if meeting.date else ""
    if when and meeting.start_time:
        when += " " + word(LANG, "ann_at").format(meeting.start_time)
    if when:
        parts.append(when)
    if meeting.place:
        parts.append(meeting.place)
    total = count(LANG, len(items), "item")
    if closed:
        total += ", " + word(LANG, "ann_closed_count" if closed == 1
                             else "ann_closed_counts").format(closed)
    parts.append(total)
    return m.text(" · ".join(parts))


# -- the posts (surface-neutral) ---------------------------------------------------------


def announcement_post(meeting: MeetingRecord, items: Sequence[ItemRecord],
                      m: Markup = SLACK_MARKUP) -> Post:
    """New minutes: body and date, then every item with number, title, case number, decision."""
    head = word(LANG, "ann_new").format(meeting_label(meeting))
    parts = [Part("header", head), Part("context", _facts(meeting, items, m))]
    parts += [Part("item", item_text(item, m), item, n) for n, item in enumerate(items, start=1)]
    if not items:
        parts.append(Part("text", m.em(word(LANG, "ann_no_items"))))
    return Post(head, [_number(item) + item.title for item in items], parts, split=True)


def update_post(meeting: MeetingRecord, items: Sequence[ItemRecord],
                previous: dict[str, str] | None, m: Markup = SLACK_MARKUP) -> Post:
    """Changed minutes: a short note naming the items that changed.

    ``previous`` holds the item fingerprints of what was announced before; without them (e.g.
    minutes that were only part of the first-start baseline) the note just says what changed.
    """
    head = word(LANG, "ann_updated").format(meeting_label(meeting))
    changed: list[ItemRecord] = []
    intro = word(LANG, "ann_updated_intro")
    if previous is not None:
        changed = [item for item in items if previous.get(item_key(item)) != item_fingerprint(item)]
        removed = len(set(previous) - {item_key(item) for item in items})
        if changed:
            intro += " " + word(LANG, "ann_changed_items")
        if removed:
            intro += " " + word(LANG, "ann_removed").format(count(LANG, removed, "item"))
    parts = [Part("header", head), Part("context", m.text(intro))]
    parts += [Part("item", item_text(item, m, 500), item, n)
              for n, item in enumerate(changed[:UPDATE_ITEMS_SHOWN], start=1)]
    if len(changed) > UPDATE_ITEMS_SHOWN:
        more = count(LANG, len(changed) - UPDATE_ITEMS_SHOWN, "item")
        parts.append(Part("context", m.text(word(LANG, "ann_more").format(more))))
    lines = [_number(item) + item.title for item in changed[:UPDATE_ITEMS_SHOWN]]
    return Post(head, lines, parts)


def digest_post(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord], bool]],
                m: Markup = SLACK_MARKUP) -> Post:
    """The weekly summary: per meeting a line, then its items (number, title, short decision).

    ``entries`` are (meeting, items, updated); at most :data:`DIGEST_MEETINGS_PER_MESSAGE` of them
    (the notifier leaves the rest for the next digest message).
    """
    head = word(LANG, "ann_week").format(count(LANG, len(entries), "meeting"))
    parts = [Part("header", head)]
    lines = []
    for meeting, items, updated in entries:
        tag = word(LANG, "ann_updated_tag")
        text = m.strong(meeting_label(meeting)) + (" " + m.em(tag) if updated else "")
        rows = []
        for item in items:
            title = m.text(_number(item) + truncate(item.title, 150))
            if item.closed:
                rows.append(f"• {title} {m.em('(' + word(LANG, 'closed') + ')')}")
            else:
                decision = truncate(item.decision, 150) or word(LANG, "no_decision")
                rows.append(f"• {title}: {m.text(decision)}")
        parts += [Part("divider"), Part("text", "\n".join([text, *rows]))]
        lines.append(meeting_label(meeting) + (" " + tag if updated else ""))
    return Post(head, lines, parts)


def bulk_post(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord]]], shown: int,
              m: Markup = SLACK_MARKUP) -> Post:
    """Many meetings arrived at once: one line each (body, date, item count), newest first."""
    head = word(LANG, "ann_bulk").format(len(entries))
    ordered = sorted(entries, key=lambda e: e[0].date or "", reverse=True)
    rows = [f"• {m.text(meeting_label(mt))}: {count(LANG, len(items), 'item')}"
            for mt, items in ordered[:shown]]
    if len(ordered) > shown:
        rows.append(word(LANG, "ann_more").format(len(ordered) - shown))
    latest = m.code(f"{m.command}latest")
    ask = word(LANG, "ann_ask").format(m.code(m.command.strip()), latest) if m.command \
        else word(LANG, "ann_ask_plain").format(latest)
    parts = [Part("header", head), Part("text", "\n".join(rows)), Part("context", ask)]
    return Post(head, [meeting_label(mt) for mt, _ in ordered[:shown]], parts)


def follow_post(meeting: MeetingRecord, items: Sequence[ItemRecord], queries: Sequence[str],
                updated: bool, m: Markup = SLACK_MARKUP) -> Post:
    """The direct message to one follower: which follow matched, then an item card per item.

    ``queries`` name what the user follows, as shown to them (``"sag 23-001310"``,
    ``"“plasterordning”"``).
    """
    about = ", ".join(queries)
    head = word(LANG, "dm_updated" if updated else "dm_new").format(about, meeting_label(meeting))
    shown = list(items)[:DM_ITEMS_SHOWN]
    parts = [Part("text", m.strong(head)), *(Part("card", record=r) for r in shown)]
    if len(items) > len(shown):
        parts.append(Part("context", word(LANG, "dm_more").format(len(items) - len(shown))))
    parts.append(Part("context", word(LANG, "dm_footer").format(
        m.text(about), m.code(m.command + "following"), m.code(m.command + "unfollow"))))
    return Post(head, [_number(item) + item.title for item in shown], parts)


# -- Slack layout ------------------------------------------------------------------------


def _follow_button(record: ItemRecord, n: int) -> dict:
    # action_id must be unique within a message, hence the suffix; bot.follow matches the prefix.
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": word(LANG, "follow"), "emoji": False},
        "action_id": f"{FOLLOW_CASE}_{n}",
        "value": record.case_number or record.title[:1900],
    }


def _part_blocks(part: Part) -> list[dict]:
    if part.kind == "header":
        return [{"type": "header", "text": {"type": "plain_text",
                                            "text": truncate(part.text, HEADER_LIMIT),
                                            "emoji": False}}]
    if part.kind == "context":
        return [{"type": "context", "elements": [{"type": "mrkdwn", "text": part.text}]}]
    if part.kind == "divider":
        return [{"type": "divider"}]
    if part.kind == "card" and part.record is not None:
        return item_card_blocks(part.record, LANG)
    blocks = section_blocks(part.text)
    record = part.record
    if part.kind == "item" and record is not None and record.case_number and not record.closed:
        blocks[0]["accessory"] = _follow_button(record, part.number)
    return blocks


def fallback_text(head: str, lines: Sequence[str]) -> str:
    """The head and as many lines as fit in :data:`TEXT_LIMIT` (plain, unescaped)."""
    text = head
    for line in lines:
        if len(text) + len(line) + 1 > TEXT_LIMIT:
            text += "\n…"
            break
        text += "\n" + line
    return text


def continued(head: str, n: int, total: int) -> str:
    """The head of the n-th of ``total`` messages one long post became."""
    return word(LANG, "ann_continued").format(head, n, total)


def slack_messages(post: Post) -> list[Message]:
    """Lay a post out as Slack messages of at most 50 blocks (one message unless ``split``)."""
    blocks = [block for part in post.parts for block in _part_blocks(part)]
    fallback = escape_mrkdwn(fallback_text(post.head, post.lines))
    if not post.split:
        return [Message(fallback, blocks[:MESSAGE_BLOCK_LIMIT])]
    chunks = chunk_blocks(blocks, MESSAGE_BLOCK_LIMIT)
    messages = [Message(fallback, chunks[0])]
    for n, chunk in enumerate(chunks[1:], start=2):
        messages.append(Message(escape_mrkdwn(continued(post.head, n, len(chunks))), chunk))
    return messages


def announcement(meeting: MeetingRecord, items: Sequence[ItemRecord]) -> list[Message]:
    """New minutes as Slack messages (see :func:`announcement_post`)."""
    return slack_messages(announcement_post(meeting, items))


def update_note(meeting: MeetingRecord, items: Sequence[ItemRecord],
                previous: dict[str, str] | None) -> Message:
    """Changed minutes as one Slack message (see :func:`update_post`)."""
    return slack_messages(update_post(meeting, items, previous))[0]


def digest(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord], bool]]) -> Message:
    """The weekly summary as one Slack message (see :func:`digest_post`)."""
    return slack_messages(digest_post(entries))[0]


def bulk_note(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord]]],
              shown: int) -> Message:
    """Many new meetings as one Slack message (see :func:`bulk_post`)."""
    return slack_messages(bulk_post(entries, shown))[0]


def follow_dm(meeting: MeetingRecord, items: Sequence[ItemRecord], queries: Sequence[str],
              updated: bool) -> Message:
    """A follower's Slack direct message (see :func:`follow_post`)."""
    return slack_messages(follow_post(meeting, items, queries, updated))[0]
