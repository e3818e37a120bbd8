"""👍/👎 on answers, kept with the question so answer quality can be reviewed later.

Votes live in the store's ``feedback`` state table, one entry per user and question (a second
click replaces the first). Read them back with ``Store.state_all("feedback")``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from store.db import Store

TABLE = "feedback"


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
