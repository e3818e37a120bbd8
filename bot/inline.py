"""Case numbers written in a channel: which items get a short card, on every chat surface.

Only cases that are in the store, at most :data:`INLINE_CARDS_PER_MESSAGE` a message, each at
most once per thread (remembered in memory, one week: a restart forgets, so a case can be shown
once more after one). Slack and Teams only lay the chosen items out.
"""

from __future__ import annotations

from store.casenum import case_key
from store.records import ItemRecord

from .context import BotContext, RecentKeys

INLINE_CARDS_PER_MESSAGE = 3


def inline_items(ctx: BotContext, text: str, channel: str, thread: str,
                 seen: RecentKeys) -> tuple[int, list[ItemRecord]]:
    """(how many items the text's case numbers name, the items to show in ``thread`` now).

    ``channel`` is checked against ``INLINE_CASE_CHANNELS``; ``thread`` identifies the thread
    on its surface.
    """
    settings = ctx.settings
    if not settings.inline_case_lookup or not text:
        return 0, []
    if settings.inline_case_channels and channel not in settings.inline_case_channels:
        return 0, []
    records = ctx.searcher.lookup_cases(text)
    shown: set[str] = set()
    out: list[ItemRecord] = []
    for record in records:
        key = case_key(record.case_number or "")
        if not key or key in shown or len(out) >= INLINE_CARDS_PER_MESSAGE:
            continue
        shown.add(key)  # records come newest meeting first: the first one per case is shown
        if not seen.seen_before(f"{thread}:{key}"):
            out.append(record)
    return len(records), out
