"""What the rest of Referat needs from a store, and the one place that picks the engine.

Two engines implement :class:`Engine`:

* :class:`store.db.Store` -- TinyDB, one JSON file (plus its state file) and no server; the
  default, right for one municipality and one bot process;
* :class:`store.pg.PgStore` -- PostgreSQL, the store of record for a shared installation:
  several municipalities, several bot processes, archives beyond one machine's memory.

Both keep the same contract, checked by one test suite run against each (``tests/test_db.py``):
records come back as shared read-only views, ``revision()`` grows only when meetings or items
change, ``refresh()`` picks up another process's writes, and ``state_*`` tables hold the bot's
small bookkeeping (feedback, follows, announcements).

    store = open_store_at("data/referat.json")
    store = open_store_at("postgresql://referat@db/referat")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from store.db import IngestReport, StoreStats
    from store.records import ItemRecord, Meeting, MeetingRecord

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@runtime_checkable
class Engine(Protocol):
    """The store interface used by ingest, search, the CLI and the bot."""

    path: Path | None  # the store file, or None (in memory, or a database)

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting, newest date first, undated last."""
        ...

    def meeting(self, meeting_id: str) -> MeetingRecord | None: ...

    def items(self) -> list[ItemRecord]:
        """Every item: meetings newest first, agenda order inside."""
        ...

    def items_for_meeting(self, meeting_id: str) -> list[ItemRecord]: ...

    def revision(self) -> int:
        """Grows whenever meetings or items change; state writes leave it alone."""
        ...

    def refresh(self) -> bool:
        """Pick up another process's writes; True if anything was reloaded."""
        ...

    def outdated(self) -> bool:
        """True if another process changed meetings or items since the last refresh (cheap:
        nothing is read but a file's status or one row)."""
        ...

    def stats(self) -> StoreStats: ...

    def ingest(self, meetings: Sequence[Meeting]) -> IngestReport:
        """Add or replace meetings (identified by body and date) in one transaction."""
        ...

    def state_all(self, table: str) -> dict[str, dict]: ...

    def state_get(self, table: str, key: str) -> dict | None: ...

    def state_put(self, table: str, key: str, value: dict) -> None: ...

    def state_put_many(self, table: str, values: dict[str, dict]) -> None: ...

    def state_delete(self, table: str, key: str) -> bool: ...

    def state_claim(self, table: str, key: str, value: dict) -> bool:
        """Set ``key`` unless it is set; True for the single caller (of any process) that did."""
        ...

    def state_tables(self) -> list[str]:
        """The names of the state tables that hold anything."""
        ...


def is_database_url(location: str | os.PathLike[str] | None) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def open_store_at(location: str | os.PathLike[str] | None) -> Engine:
    """A PostgreSQL store for a ``postgresql://`` URL, else the TinyDB file (None: in memory)."""
    if is_database_url(location):
        from store.pg import PgStore

        return PgStore(str(location))
    from store.db import Store

    return Store(location)


def open_store(settings: Any, db: str | os.PathLike[str] | None = None) -> Engine:
    """The store the settings name: ``db`` if given (a file or a URL), else
    ``REFERAT_DATABASE_URL`` (``settings.database_url``) when set, else the file ``REFERAT_DB``.
    """
    if db:
        return open_store_at(db)
    url = getattr(settings, "database_url", "") or ""
    return open_store_at(url or settings.db_path)


def _as_meeting(header: MeetingRecord, records: list[ItemRecord]) -> Meeting:
    """Rebuild the parsed meeting from what a store holds (the inverse of ``Meeting.records``)."""
    import dataclasses

    from store.records import Item, Meeting

    item_names = [f.name for f in dataclasses.fields(Item)]
    items = [Item(**{name: getattr(r, "item_number" if name == "number" else name)
                     for name in item_names if hasattr(r, name) or name == "number"})
             for r in records]
    values = dataclasses.asdict(header)
    meeting_names = {f.name for f in dataclasses.fields(Meeting)} - {"items"}
    return Meeting(**{k: v for k, v in values.items() if k in meeting_names}, items=items)


def copy_store(source: Engine, target: Engine, batch: int = 500) -> tuple[int, int, int]:
    """Copy every meeting, item and state key from ``source`` into ``target``.

    Meetings keep their content hash, so copying again changes nothing. Returns the numbers of
    meetings, items and state keys copied.
    """
    meetings = source.meetings()
    items = 0
    for start in range(0, len(meetings), batch):
        chunk = [_as_meeting(m, source.items_for_meeting(m.meeting_id))
                 for m in meetings[start:start + batch]]
        items += sum(len(m.items) for m in chunk)
        target.ingest(chunk)
    keys = 0
    for table in source.state_tables():
        values = source.state_all(table)
        target.state_put_many(table, values)
        keys += len(values)
    return len(meetings), items, keys
