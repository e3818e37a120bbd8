"""Block Kit for what the notifier posts: new minutes, updated minutes, the weekly digest, DMs.

Pure functions from records to messages (no Slack calls), so each rendering is tested on its own
and the same content always renders the same way -- the notifier relies on that to resume a
long announcement at the part where Slack last failed.

A :class:`Message` is one ``chat.postMessage``: its ``text`` is the plain fallback Slack shows in
notifications and to screen readers, ``blocks`` at most 50 of them. Long agendas become several
messages; every section holds at most 3,000 characters (:func:`bot.blocks.section_blocks`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

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
from store.answer import word
from store.records import ItemRecord, MeetingRecord

HEADER_LIMIT = 150  # Slack's limit for a header block's plain text
TEXT_LIMIT = 3000  # keep the fallback text well under Slack's 40,000 (it shows in notifications)
UPDATE_ITEMS_SHOWN = 15  # an update note lists at most this many changed items
DIGEST_MEETINGS_PER_MESSAGE = 20
DM_ITEMS_SHOWN = 5


@dataclass
class Message:
    """One message to post: fallback ``text`` and ``blocks``."""

    text: str
    blocks: list[dict]


def meeting_label(meeting: MeetingRecord) -> str:
    """``"Direktionen 20. februar 2023"`` (plain text, not escaped)."""
    date = format_date(meeting.date, "da") if meeting.date else "udateret"
    return f"{meeting.body} {date}".strip()


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


def _header(text: str) -> dict:
    return {"type": "header",
            "text": {"type": "plain_text", "text": truncate(text, HEADER_LIMIT), "emoji": False}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _follow_button(record: ItemRecord, n: int) -> dict:
    # action_id must be unique within a message, hence the suffix; bot.follow matches the prefix.
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": word("da", "follow"), "emoji": False},
        "action_id": f"{FOLLOW_CASE}_{n}",
        "value": record.case_number or record.title[:1900],
    }


def _item_blocks(record: ItemRecord, n: int, decision_limit: int | None = None) -> list[dict]:
    """One agenda item: number and title, case number, decision. Closed items: title only."""
    title = f"*{escape_mrkdwn(_number(record) + record.title)}*"
    if record.closed:
        # Titles of closed items often say so already ("Lukket: ...").
        if record.title.lower().startswith("lukket"):
            return section_blocks(title)
        return section_blocks(f"{title} _({word('da', 'closed')})_")
    lines = [title]
    if record.case_number:
        lines.append(f"{word('da', 'case')} {escape_mrkdwn(record.case_number)}")
    decision = record.decision.strip()
    if decision_limit is not None:
        decision = truncate(decision, decision_limit)
    lines.append(f"*{word('da', 'decision')}:* {escape_mrkdwn(decision)}" if decision
                 else f"_{word('da', 'no_decision')}_")
    blocks = section_blocks("\n".join(lines))
    if record.case_number:
        blocks[0]["accessory"] = _follow_button(record, n)
    return blocks


def _facts(meeting: MeetingRecord, items: Sequence[ItemRecord]) -> str:
    closed = sum(1 for item in items if item.closed)
    parts = []
    when = format_date(meeting.date, "da") if meeting.date else ""
    if when and meeting.start_time:
        when += f" kl. {meeting.start_time}"
    if when:
        parts.append(when)
    if meeting.place:
        parts.append(meeting.place)
    count = f"{len(items)} punkt" + ("er" if len(items) != 1 else "")
    if closed:
        count += f", heraf {closed} " + ("lukkede" if closed != 1 else "lukket")
    parts.append(count)
    return escape_mrkdwn(" · ".join(parts))


def _fallback(head: str, lines: Sequence[str]) -> str:
    text = head
    for line in lines:
        if len(text) + len(line) + 1 > TEXT_LIMIT:
            text += "\n…"
            break
        text += "\n" + line
    return escape_mrkdwn(text)


def _split_messages(head: str, blocks: list[dict], lines: Sequence[str]) -> list[Message]:
    """Split into messages of at most 50 blocks; later parts say they continue the first."""
    parts = chunk_blocks(blocks, MESSAGE_BLOCK_LIMIT)
    messages = [Message(_fallback(head, lines), parts[0])]
    for n, part in enumerate(parts[1:], start=2):
        messages.append(Message(escape_mrkdwn(f"{head} (fortsat {n}/{len(parts)})"), part))
    return messages


def announcement(meeting: MeetingRecord, items: Sequence[ItemRecord]) -> list[Message]:
    """New minutes: body and date, then every item with number, title, case number, decision."""
    head = f"Nyt referat: {meeting_label(meeting)}"
    blocks: list[dict] = [_header(head), _context(_facts(meeting, items))]
    for n, item in enumerate(items, start=1):
        blocks.extend(_item_blocks(item, n))
    if not items:
        blocks.extend(section_blocks("_Referatet har ingen dagsordenspunkter._"))
    lines = [_number(item) + item.title for item in items]
    return _split_messages(head, blocks, lines)


def update_note(meeting: MeetingRecord, items: Sequence[ItemRecord],
                previous: dict[str, str] | None) -> Message:
    """Changed minutes: a short note naming the items that changed (one message, always).

    ``previous`` holds the item fingerprints of what was announced before; without them (e.g.
    minutes that were only part of the first-start baseline) the note just says what changed.
    """
    head = f"Opdateret referat: {meeting_label(meeting)}"
    blocks: list[dict] = [_header(head)]
    if previous is None:
        changed = []
        intro = "Referatet er blevet opdateret."
    else:
        changed = [item for item in items if previous.get(item_key(item)) != item_fingerprint(item)]
        current = {item_key(item) for item in items}
        removed = len(set(previous) - current)
        intro = "Referatet er blevet opdateret."
        if changed:
            intro += " Nye eller ændrede punkter:"
        if removed:
            intro += f" ({removed} punkt{'er' if removed != 1 else ''} er fjernet.)"
    blocks.append(_context(escape_mrkdwn(intro)))
    for n, item in enumerate(changed[:UPDATE_ITEMS_SHOWN], start=1):
        blocks.extend(_item_blocks(item, n, decision_limit=500))
    if len(changed) > UPDATE_ITEMS_SHOWN:
        more = len(changed) - UPDATE_ITEMS_SHOWN
        blocks.append(_context(f"… og {more} punkt{'er' if more != 1 else ''} mere."))
    lines = [_number(item) + item.title for item in changed[:UPDATE_ITEMS_SHOWN]]
    # 15 items of at most two sections each, plus header, intro and "more": under 50 blocks.
    return Message(_fallback(head, lines), blocks[:MESSAGE_BLOCK_LIMIT])


def digest(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord], bool]]) -> Message:
    """The weekly summary: per meeting a line, then its items (number, title, short decision).

    ``entries`` are (meeting, items, updated); at most :data:`DIGEST_MEETINGS_PER_MESSAGE` of them
    (the notifier leaves the rest for the next digest message).
    """
    count = len(entries)
    head = f"Ugens referater: {count} møde" + ("r" if count != 1 else "")
    blocks: list[dict] = [_header(head)]
    lines = []
    for meeting, items, updated in entries:
        label = escape_mrkdwn(meeting_label(meeting))
        text = f"*{label}*" + (" _(opdateret)_" if updated else "")
        rows = []
        for item in items:
            title = escape_mrkdwn(_number(item) + truncate(item.title, 150))
            if item.closed:
                rows.append(f"• {title} _({word('da', 'closed')})_")
            else:
                decision = truncate(item.decision, 150) or word("da", "no_decision")
                rows.append(f"• {title}: {escape_mrkdwn(decision)}")
        blocks.append({"type": "divider"})
        blocks.extend(section_blocks("\n".join([text, *rows])))
        lines.append(meeting_label(meeting) + (" (opdateret)" if updated else ""))
    return Message(_fallback(head, lines), blocks[:MESSAGE_BLOCK_LIMIT])


def bulk_note(entries: Sequence[tuple[MeetingRecord, Sequence[ItemRecord]]],
              shown: int) -> Message:
    """Many meetings arrived at once: one line each (body, date, item count), newest first."""
    head = f"{len(entries)} nye referater"
    ordered = sorted(entries, key=lambda e: e[0].date or "", reverse=True)
    rows = [f"• {escape_mrkdwn(meeting_label(m))}: {len(items)} punkt"
            + ("er" if len(items) != 1 else "") for m, items in ordered[:shown]]
    if len(ordered) > shown:
        rows.append(f"… og {len(ordered) - shown} mere.")
    blocks: list[dict] = [_header(head), *section_blocks("\n".join(rows))]
    blocks.append(_context("Spørg med `/referat`, fx `/referat latest`."))
    lines = [meeting_label(m) for m, _ in ordered[:shown]]
    # 500 lines of at most ~200 characters split into at most ~34 sections: under 50 blocks.
    return Message(_fallback(head, lines), blocks[:MESSAGE_BLOCK_LIMIT])


def follow_dm(meeting: MeetingRecord, items: Sequence[ItemRecord], queries: Sequence[str],
              updated: bool) -> Message:
    """The direct message to one follower: which follow matched, then an item card per item.

    ``queries`` name what the user follows, as shown to them (``"sag 23-001310"``,
    ``"“plasterordning”"``).
    """
    about = ", ".join(queries)
    verb = "Opdateret referat" if updated else "Nyt referat"
    head = f"{verb} om {about}: {meeting_label(meeting)}"
    blocks: list[dict] = section_blocks(f"*{escape_mrkdwn(head)}*")
    shown = list(items)[:DM_ITEMS_SHOWN]
    for record in shown:
        blocks.extend(item_card_blocks(record, "da"))
    if len(items) > len(shown):
        blocks.append(_context(f"… og {len(items) - len(shown)} punkter mere i referatet."))
    blocks.append(_context(f"Du følger {escape_mrkdwn(about)}. Se og stop dine følg med "
                           "`/referat following` og `/referat unfollow`."))
    lines = [_number(item) + item.title for item in shown]
    return Message(_fallback(head, lines), blocks[:MESSAGE_BLOCK_LIMIT])
