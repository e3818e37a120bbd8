"""👍/👎 on answers, kept with the question so answer quality can be reviewed later.

Votes live in the store's ``feedback`` state table, one entry per user and question (a second
click replaces the first). Each entry holds the Slack user id, channel id, the question and the
vote, so it is personal data: entries older than :data:`RETENTION_DAYS` are deleted whenever a
new vote is recorded, and ``referat feedback export`` / ``referat feedback delete`` (over
:func:`export_feedback` and :func:`delete_feedback`) answer access and erasure requests.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from store.db import Store

TABLE = "feedback"
#: Votes are kept this long, then deleted when the next vote comes in.
RETENTION_DAYS = 365


def parse_value(value: str) -> tuple[str, str]:
    """The question and case number a feedback button carries (see ``blocks.feedback_value``)."""
    try:
        data = json.loads(value)
    except ValueError:
        return value, ""
    if not isinstance(data, dict):
        return value, ""
    return str(data.get("q", "")), str(data.get("c", ""))


def feedback_key(user: str, question: str) -> str:
    digest = hashlib.sha256(f"{user}\n{question}".encode()).hexdigest()[:20]
    return f"{user}:{digest}"


def record_feedback(
    store: Store,
    *,
    question: str,
    case_number: str,
    vote: str,
    user: str,
    channel: str = "",
) -> str:
    """Store one vote (``"up"`` or ``"down"``); returns its key in the ``feedback`` table."""
    if vote not in {"up", "down"}:
        raise ValueError(f"vote must be 'up' or 'down', got {vote!r}")
    key = feedback_key(user, question)
    cutoff = datetime.now(UTC) - timedelta(days=RETENTION_DAYS)
    delete_feedback(store, before=cutoff.isoformat(timespec="seconds"))
    store.state_put(
        TABLE,
        key,
        {
            "question": question,
            "case_number": case_number,
            "vote": vote,
            "user": user,
            "channel": channel,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return key


def _matches(entry: dict, user: str | None, before: str | None) -> bool:
    if user is not None and entry.get("user") != user:
        return False
    return before is None or str(entry.get("at", "")) < before


def export_feedback(store: Store, *, user: str | None = None) -> list[dict]:
    """Every stored vote (of ``user`` only, if given), oldest first."""
    entries = [e for e in store.state_all(TABLE).values() if _matches(e, user, None)]
    return sorted(entries, key=lambda e: str(e.get("at", "")))


def delete_feedback(store: Store, *, user: str | None = None, before: str | None = None) -> int:
    """Delete the votes of ``user`` and/or recorded before ``before`` (an ISO date or time);
    returns how many. With neither, every vote is deleted."""
    doomed = [key for key, entry in store.state_all(TABLE).items()
              if _matches(entry, user, before)]
    for key in doomed:
        store.state_delete(TABLE, key)
    return len(doomed)
