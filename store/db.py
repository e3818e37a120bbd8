"""The store: every meeting and agenda item, kept in one TinyDB JSON file.

TinyDB is reached only in this module; the rest of the code sees :class:`MeetingRecord` and
:class:`ItemRecord`. The file layout is TinyDB's own (``{"table": {"doc id": {...}}}``) with these
tables:

* ``meetings`` -- one header per meeting (:meth:`Meeting.header` plus ``ingested_at``);
* ``items`` -- one flat :meth:`ItemRecord.to_doc` per agenda item;
* ``_meta`` -- one document marking the file as a Referat store, with the last write time;
* small state tables for the bot (``feedback``, ``follows``, ...), one document
  ``{"key": ..., "value": {...}}`` per key, kept in a file of their own beside the store,
  ``<db>.state.json`` (same layout, own lock). A click or a follow then rewrites a few kilobytes
  instead of the whole archive, and never waits for an ingest. State tables found in an older
  store file are moved there the first time the store is opened.

Why the file is handled with this much care:

* **One write per transaction.** TinyDB writes the whole file on every table operation. The
  storage here defers writes while a transaction is open and writes once at the end, so ingesting
  10,000 meetings writes the file once, not 10,000 times.
* **Crash safety.** A write goes to a temporary file in the same directory, is flushed and
  fsync'ed, then ``os.replace``'d over the old file. A process killed mid-write leaves the previous
  file untouched (plus, at worst, a stray ``.<name>.*.tmp`` that the next writer removes).
* **Two processes.** A CLI ingest may run while the bot is serving. Every write transaction holds
  a file lock (``<db>.lock``) and first reloads the file if another process replaced it, so
  neither overwrites the other's work. Readers call :meth:`Store.refresh`, which costs one
  ``stat`` when nothing changed.
* **Threads.** The bot runs handlers in threads; an ``RLock`` guards the in-memory state.

    >>> from store.records import Item, Meeting
    >>> store = Store(None)                 # in memory; Store("data/referat.json") for a file
    >>> meeting = Meeting("Direktionen", "2023-02-20", items=[Item(4, "Plasterordning")])
    >>> store.ingest([meeting]).items_added
    1
    >>> [r.title for r in store.items()]
    ['Plasterordning']
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import types
import typing
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from store import journal
from store.memory import bulk_allocation, release_freed_memory
from store.records import ItemRecord, Meeting, MeetingRecord, StoreError

MEETINGS = "meetings"
ITEMS = "items"
META = "_meta"
FORMAT = "referat"
FORMAT_VERSION = 1

_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(ItemRecord))
_MEETING_FIELDS = tuple(f.name for f in dataclasses.fields(MeetingRecord))


def _field_types(cls: type) -> tuple[tuple[str, tuple[type, ...]], ...]:
    """(field, the types a stored value may have) from the record's own annotations."""
    hints = typing.get_type_hints(cls)
    out = []
    for name in (f.name for f in dataclasses.fields(cls)):
        args = typing.get_args(hints[name]) if isinstance(hints[name], types.UnionType) else ()
        options = args or (hints[name],)
        out.append((name, tuple(typing.get_origin(t) or t for t in options)))
    return tuple(out)


_ITEM_TYPES = _field_types(ItemRecord)
# Item fields every item of a meeting repeats (interned when read: ~40 MB at 100,000 items).
_MEETING_WIDE = tuple(_ITEM_FIELDS.index(name) for name in (
    "meeting_id", "body", "date", "start_time", "source", "municipality", "kind"))
_ATTACHMENTS = _ITEM_FIELDS.index("attachments")
_MEETING_TYPES = _field_types(MeetingRecord)
# The tables that hold records; anything else is a state table.
_RESERVED = frozenset({MEETINGS, ITEMS, META})
_JOURNALED = (META, MEETINGS, ITEMS)

Tables = dict[str, dict[str, dict[str, Any]]]
_Signature = tuple[int, int, int]  # (st_mtime_ns, st_size, st_ino) of the file last read/written


@dataclass
class IngestReport:
    """What one :meth:`Store.ingest` call did, by meeting id.

    ``items_added`` counts the items of added meetings, ``items_updated`` the (new) items of
    meetings whose content changed, ``items_unchanged`` the items of meetings left as they were.
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    items_added: int = 0
    items_updated: int = 0
    items_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


@dataclass
class StoreStats:
    meetings: int
    items: int
    updated_at: str | None
    size_bytes: int


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _AtomicJSONStorage(Storage):
    """A TinyDB storage that keeps the data in memory and writes the file only when told to.

    ``read`` hands TinyDB the live in-memory dict (no copy, no parse), ``write`` only records the
    new data; :meth:`flush` writes it atomically. With ``path=None`` nothing is ever written,
    which makes this the in-memory storage too, so both kinds of store share one code path.
    """

    def __init__(self, path: Path | None, data: Tables | None = None) -> None:
        super().__init__()
        self.path = path
        self.data: Tables = data if data is not None else {}
        self.dirty = False

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data
        self.dirty = True

    def flush(self) -> _Signature | None:
        """Write the data atomically; return the new file's signature (None in memory)."""
        self.dirty = False
        if self.path is None:
            return None
        return _atomic_write(self.path, _dump(self.data))


def _dump(data: Tables) -> bytes:
    # Compact UTF-8 (Danish text unescaped keeps the file a third smaller). Item records are
    # written as their documents: a dataclass's fields, in order, as ItemRecord.to_doc has them.
    return orjson.dumps(data)


def _temp_prefix(path: Path) -> str:
    # Hidden and named after the store, so folder scans skip it and writers can clean it up.
    return f".{path.name}."


def _atomic_write(path: Path, blob: bytes) -> _Signature:
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
            st = os.fstat(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    # A rename keeps the inode, size and mtime of the temporary file.
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); skipped where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _validate(data: Any, path: Path) -> Tables:
    """Refuse anything that is not a Referat store, so it is never overwritten by mistake."""
    not_ours = f"{path} is not a Referat store"
    if not isinstance(data, dict):
        raise StoreError(f"{not_ours} (expected a JSON object of tables)")
    if not data:
        return {}
    meta = data.get(META)
    if not isinstance(meta, dict) or not any(
        isinstance(doc, dict) and doc.get("format") == FORMAT for doc in meta.values()
    ):
        raise StoreError(f"{not_ours} (no Referat marker); move it aside or choose another --db")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(doc, dict) and key.isdigit() for key, doc in table.items()
        ):
            raise StoreError(f"{path}: table {name!r} is malformed")
    return data


def _read_file(path: Path) -> tuple[Tables, _Signature | None]:
    """Read and validate the store file; a missing file is an empty store."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - fstat must see the very file that is read
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        raise StoreError(f"cannot read store {path}: {exc.strerror}") from exc
    with handle:
        st = os.fstat(handle.fileno())
        blob = handle.read()
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    if not blob.strip():
        return {}, sig  # an empty file (e.g. made with `touch`) holds nothing to lose
    try:
        with bulk_allocation():
            data = orjson.loads(blob)  # twice as fast as json.loads on a large store
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path} is not a valid store file (corrupt JSON: {exc})") from exc
    return _validate(data, path), sig


def state_path(path: Path) -> Path:
    """The file beside a store that holds its state tables."""
    return path.with_name(path.name + ".state.json")


def _stat_signature(path: Path) -> _Signature | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _invalid(kind: str, cls: type, doc: dict[str, Any]) -> StoreError:
    """A record that does not fit its dataclass (a hand-edited store): name it and the field."""
    required = [f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    missing = [name for name in required if name not in doc]
    fields = _ITEM_TYPES if cls is ItemRecord else _MEETING_TYPES
    wrong = [(name, allowed) for name, allowed in fields
             if name in doc and not isinstance(doc[name], allowed)]
    if missing:
        what = f"field {missing[0]!r} is missing"
    elif wrong:
        name, allowed = wrong[0]
        kinds = " or ".join("null" if t is type(None) else t.__name__ for t in allowed)
        what = f"field {name!r} is {type(doc[name]).__name__}, expected {kinds}"
    else:
        what = "it does not fit the record layout"
    name = doc.get("meeting_id", "?")
    if kind == "item":
        name = f"{name} item {doc.get('item_number', '?')}"
    return StoreError(f"store record {kind} {name} fails validation: {what}")


def check_state_table(table: str) -> None:
    """State table names are the engines' shared rule: not a record table, no leading ``_``."""
    if not table or table in _RESERVED or table.startswith("_"):
        raise ValueError(f"{table!r} is not a state table name")


def clean_state_values(values: dict[str, dict]) -> dict[str, dict]:
    """Check state keys and values and detach them from the caller (a JSON round trip)."""
    clean: dict[str, dict] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise TypeError(f"state keys are strings, got {type(key).__name__}")
        if not isinstance(value, dict):
            raise TypeError(f"state values are dicts, got {type(value).__name__}")
        clean[key] = json.loads(json.dumps(value, ensure_ascii=False))
    return clean


def item_record(doc: dict[str, Any]) -> ItemRecord:
    """The record of a stored item document, checked against the record's field types.

    Every item is made at a store's first read, so this is on the path of a cold start: the
    field types are checked as one tuple against the combinations already seen valid, and only
    an unseen combination goes through the field-by-field check.
    """
    raw = list(map(doc.get, _ITEM_FIELDS))
    signature = tuple(map(type, raw))
    if signature not in _valid_item_signatures:
        return _checked_item_record(doc, signature)
    raw[_ATTACHMENTS] = tuple(raw[_ATTACHMENTS])
    for i in _MEETING_WIDE:  # one string for all of a meeting's items, not one per item
        if raw[i] is not None:
            raw[i] = sys.intern(raw[i])
    record = ItemRecord(*raw)
    return record.public() if record.closed else record


_valid_item_signatures: set[tuple[type, ...]] = set()


def _checked_item_record(doc: dict[str, Any], signature: tuple[type, ...]) -> ItemRecord:
    values = {name: doc[name] for name in _ITEM_FIELDS if name in doc}
    values["attachments"] = tuple(values.get("attachments") or ())
    try:
        record = ItemRecord(**values).public()  # a closed item leaves the store by its title only
    except TypeError:
        raise _invalid("item", ItemRecord, doc) from None
    for name, allowed in _ITEM_TYPES:
        if not isinstance(values.get(name), allowed):
            raise _invalid("item", ItemRecord, doc)
    if len(values) == len(_ITEM_FIELDS) and isinstance(doc.get("attachments"), list):
        _valid_item_signatures.add(signature)  # every field present and of its own type
    return record


def _records_in_place(data: Tables) -> None:
    """Hold every item as its :class:`ItemRecord`, not as the document read or inserted.

    A record holds the same strings as the document, so keeping both doubled the memory of a
    loaded store; the record is what every reader wants, and it is written back as the same
    document. Checked here, as the file is read: a damaged item fails the open, by name.
    """
    items = data.get(ITEMS)
    if not items:
        return
    made = 0
    with bulk_allocation():
        for key, doc in items.items():
            if type(doc) is not ItemRecord:
                items[key] = item_record(doc)
                made += 1
    if made > 1000:
        release_freed_memory()  # the documents just dropped, most of a large store's read


def meeting_record(doc: dict[str, Any]) -> MeetingRecord:
    values = {name: doc[name] for name in _MEETING_FIELDS if name in doc}
    values["participants"] = list(values.get("participants") or [])
    values["absent"] = list(values.get("absent") or [])
    try:
        record = MeetingRecord(**values)
    except TypeError:
        raise _invalid("meeting", MeetingRecord, doc) from None
    for name, allowed in _MEETING_TYPES:
        if name in values and not isinstance(values[name], allowed):
            raise _invalid("meeting", MeetingRecord, doc)
    return record


def newest_first(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort meeting documents newest date first, undated last, by body within a date."""
    docs = sorted(docs, key=lambda d: d.get("body") or "")
    return sorted(docs, key=lambda d: d.get("date") or "", reverse=True)


class Store:
    """All meetings and items, in memory, backed by one JSON file (or nothing).

    Reads never touch the disk: call :meth:`refresh` to pick up another process's writes.
    Records returned are shared, read-only views; change the store only through its methods.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 lock_timeout: float = 60.0, state_only: bool = False) -> None:
        """Open (or start) the store at ``path``; ``None`` keeps everything in memory.

        ``state_only`` marks the sidecar file that holds a store's state tables; it has no
        sidecar of its own.
        """
        self.path: Path | None = Path(path) if path is not None else None
        self._lock = threading.RLock()
        self._lock_timeout = lock_timeout
        self._file_lock: FileLock | None = None
        self._revision = 0
        self._in_transaction = False
        self._content_dirty = False
        self._cache_revision = -1
        self._meeting_docs: list[dict[str, Any]] = []
        self._meeting_ids: dict[str, int] = {}
        self._item_ids: dict[str, list[int]] = {}
        self._items: list[ItemRecord] = []
        self._items_ready = False
        self._meetings: list[MeetingRecord] = []
        data: Tables = {}
        self._sig: _Signature | None = None
        # Writes leave a journal for other processes' stores (not the small state sidecar's).
        self._journaled = self.path is not None and not state_only
        if self.path is not None:
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not a store file")
            data, self._sig = _read_file(self.path)
        self._open(data)
        # Where state_* go: the sidecar for a file store, the store itself in memory.
        self._state_store: Store = self
        if self.path is not None and not state_only:
            self._state_store = Store(state_path(self.path), lock_timeout=lock_timeout,
                                      state_only=True)
            if any(name not in _RESERVED for name in data):
                self._move_state_out()

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else None!r})"

    # -- reading -----------------------------------------------------------------------------

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting, newest date first."""
        with self._lock:
            self._index()
            return list(self._meetings)

    def meeting(self, meeting_id: str) -> MeetingRecord | None:
        with self._lock:
            self._index()
            doc_id = self._meeting_ids.get(meeting_id)
            if doc_id is None:
                return None
            return meeting_record(self._raw(MEETINGS)[str(doc_id)])

    def items(self) -> list[ItemRecord]:
        """Every item: meetings newest first, agenda order inside (cached per revision)."""
        with self._lock:
            self._index()
            if not self._items_ready:
                items = self._raw(ITEMS)
                self._items = [items[str(doc_id)] for doc in self._meeting_docs
                               for doc_id in self._item_ids.get(doc.get("meeting_id"), ())]
                self._items_ready = True
            return list(self._items)

    def items_for_meeting(self, meeting_id: str) -> list[ItemRecord]:
        with self._lock:
            self._index()
            items = self._raw(ITEMS)
            return [items[str(i)] for i in self._item_ids.get(meeting_id, ())]

    def revision(self) -> int:
        """A number that grows whenever the meetings or items held change (own write or reload).

        State-table writes (feedback, follows, announcements) leave it alone, so a search index
        keyed on it is not rebuilt for every button click.
        """
        with self._lock:
            return self._revision

    def content_stamp(self) -> str | None:
        """A token renewed by every write of meetings or items (None before the first)."""
        with self._lock:
            return self._content_stamp()

    def refresh(self) -> bool:
        """Reload if another process replaced the file; True if it did. One ``stat`` otherwise.

        Raises :class:`StoreError` if the file was replaced by something that is not a store.
        """
        if self.path is None:
            return False
        state_changed = self._state_store is not self and self._state_store.refresh()
        return self._refresh_own() or state_changed

    def outdated(self) -> bool:
        """True if another process replaced the store file since it was read (one ``stat``)."""
        if self.path is None:
            return False
        with self._lock:
            known = self._sig
        return _stat_signature(self.path) != known

    def _refresh_own(self) -> bool:
        assert self.path is not None
        with self._lock:
            return self._reread()

    def _reread(self) -> bool:
        """Take another process's write, if there was one: from its journal when this store
        is one write behind (:mod:`store.journal`), else by reading the whole file."""
        assert self.path is not None
        sig = _stat_signature(self.path)
        if sig == self._sig:
            return False
        changed = journal.read(self.path, self._content_stamp(), sig) \
            if self._journaled and sig is not None else None
        if changed is not None:
            data = journal.apply(self._storage.data, changed)
        else:
            data, sig = _read_file(self.path)
        self._sig = sig
        self._reload(data)
        return True

    def stats(self) -> StoreStats:
        with self._lock:
            meta = self._meta()
            size = 0
            if self.path is not None:
                with contextlib.suppress(OSError):
                    size = self.path.stat().st_size
            return StoreStats(
                meetings=len(self._raw(MEETINGS)),
                items=len(self._raw(ITEMS)),
                updated_at=meta.get("updated_at"),
                size_bytes=size,
            )

    # -- writing -----------------------------------------------------------------------------

    def ingest(self, meetings: Sequence[Meeting]) -> IngestReport:
        """Add or replace meetings in ONE locked, atomic transaction (one file write at most).

        A meeting is identified by body and date. The same content hash again leaves it as it
        is; a different hash replaces its header and all of its items. When nothing changes the
        file is not written at all. Within one call, a later meeting with the same id wins.
        """
        latest: dict[str, Meeting] = {}
        for meeting in meetings:
            latest.pop(meeting.meeting_id, None)  # keep the order of the last occurrence
            latest[meeting.meeting_id] = meeting
        report = IngestReport()
        with self._transaction():
            self._index()
            meetings_raw = self._raw(MEETINGS)
            drop_meetings: list[int] = []
            drop_items: list[int] = []
            new_meetings: list[dict[str, Any]] = []
            new_items: list[dict[str, Any]] = []
            stamp = _now()
            for mid, meeting in latest.items():
                content_hash = meeting.content_hash or meeting.compute_hash()
                doc_id = self._meeting_ids.get(mid)
                if doc_id is not None:
                    old = meetings_raw[str(doc_id)]
                    if old.get("content_hash") == content_hash:
                        report.unchanged.append(mid)
                        report.items_unchanged += len(self._item_ids.get(mid, ()))
                        continue
                    drop_meetings.append(doc_id)
                    drop_items.extend(self._item_ids.get(mid, ()))
                    report.updated.append(mid)
                    report.items_updated += len(meeting.items)
                else:
                    report.added.append(mid)
                    report.items_added += len(meeting.items)
                header = meeting.header()
                header["content_hash"] = content_hash
                header["ingested_at"] = stamp
                new_meetings.append(header)
                new_items.extend(meeting.record_docs())
            if report.changed:
                self._content_dirty = True
                if drop_meetings:
                    self._table(MEETINGS).remove(doc_ids=drop_meetings)
                if drop_items:
                    self._table(ITEMS).remove(doc_ids=drop_items)
                self._table(MEETINGS).insert_multiple(new_meetings)
                self._table(ITEMS).insert_multiple(new_items)
        return report

    def state_all(self, table: str) -> dict[str, dict]:
        if self._state_store is not self:
            return self._state_store.state_all(table)
        self._state_catch_up()
        with self._lock:
            return {key: json.loads(json.dumps(value)) for key, value in self._state(table).items()}

    def state_get(self, table: str, key: str) -> dict | None:
        if self._state_store is not self:
            return self._state_store.state_get(table, key)
        self._state_catch_up()
        with self._lock:
            value = self._state(table).get(key)
            return None if value is None else json.loads(json.dumps(value))

    def state_put(self, table: str, key: str, value: dict) -> None:
        """Set one key in a state table: its own locked, atomic transaction."""
        self.state_put_many(table, {key: value})

    def state_put_many(self, table: str, values: dict[str, dict]) -> None:
        """Set several keys in one transaction; keys whose value is unchanged cost nothing."""
        if self._state_store is not self:
            self._state_store.state_put_many(table, values)
            return
        self._check_table(table)
        clean = clean_state_values(values)
        with self._transaction():
            tbl = self._table(table)
            ids = self._state_ids(table)
            raw = self._raw(table)
            drop: list[int] = []
            add: list[Document] = []
            next_id = max((int(k) for k in raw), default=0) + 1
            for key, value in clean.items():
                doc_id = ids.get(key)
                if doc_id is not None:
                    if raw[str(doc_id)].get("value") == value:
                        continue
                    drop.append(doc_id)
                    add.append(Document({"key": key, "value": value}, doc_id))
                else:
                    add.append(Document({"key": key, "value": value}, next_id))
                    next_id += 1
            if drop:
                tbl.remove(doc_ids=drop)
            if add:
                tbl.insert_multiple(add)

    def state_delete(self, table: str, key: str) -> bool:
        """Remove one key; True if it was there."""
        if self._state_store is not self:
            return self._state_store.state_delete(table, key)
        self._check_table(table)
        with self._transaction():
            doc_id = self._state_ids(table).get(key)
            if doc_id is None:
                return False
            self._table(table).remove(doc_ids=[doc_id])
            return True

    def state_claim(self, table: str, key: str, value: dict) -> bool:
        """Set ``key`` only if no process has set it yet; True for the one caller that did.

        Several bot processes on one store use this to agree who announces a meeting.
        """
        if self._state_store is not self:
            return self._state_store.state_claim(table, key, value)
        self._check_table(table)
        with self._transaction():
            if key in self._state_ids(table):
                return False
            self.state_put(table, key, value)
            return True

    def state_tables(self) -> list[str]:
        if self._state_store is not self:
            return self._state_store.state_tables()
        self._state_catch_up()
        with self._lock:
            return sorted(name for name, docs in self._storage.data.items()
                          if name not in _RESERVED and docs)

    # -- internals ---------------------------------------------------------------------------

    def _state_catch_up(self) -> None:
        """State is shared between processes: pick up another's write (one ``stat``)."""
        if self.path is not None:
            self._refresh_own()

    def _move_state_out(self) -> None:
        """Move state tables from an older store file into the sidecar, once, under the lock.

        Keys the sidecar already holds win (they are newer). The store file is rewritten without
        the state tables; its content stamp, and so the search index, stays as it was.
        """
        with self._transaction():
            names = [name for name in self._storage.data if name not in _RESERVED]
            for name in names:
                have = self._state_store.state_all(name)
                moved = {doc["key"]: doc["value"] for doc in self._raw(name).values()
                         if doc.get("key") not in have}
                if moved:
                    self._state_store.state_put_many(name, moved)
                self._db.drop_table(name)

    def _open(self, data: Tables) -> None:
        """Start over from ``data``: a fresh TinyDB, so no table caches survive a reload."""
        _records_in_place(data)
        self._storage_obj = _AtomicJSONStorage(self.path, data)
        self._db = TinyDB(storage=lambda: self._storage_obj)

    @property
    def _storage(self) -> _AtomicJSONStorage:
        return self._storage_obj

    def _table(self, name: str) -> Table:
        return self._db.table(name)

    def _raw(self, name: str) -> dict[str, dict[str, Any]]:
        return self._storage.data.get(name, {})

    def _meta(self) -> dict[str, Any]:
        for doc in self._raw(META).values():
            return doc
        return {}

    def _changed(self) -> None:
        self._revision += 1
        self._cache_revision = -1

    def _content_stamp(self) -> str | None:
        return self._meta().get("content_stamp")

    def _reload(self, data: Tables) -> None:
        """Take another process's file; only a change of meetings or items is a new revision."""
        before = self._content_stamp()
        self._open(data)
        if self._content_stamp() != before:
            self._changed()

    def _index(self) -> None:
        """Rebuild the meeting order and the meeting -> item ids map once per revision."""
        if self._cache_revision == self._revision:
            return
        meetings = self._raw(MEETINGS)
        self._meeting_docs = newest_first(list(meetings.values()))
        self._meeting_ids = {doc.get("meeting_id"): int(k) for k, doc in meetings.items()}
        item_ids: dict[str, list[int]] = {}
        # Doc ids grow with insertion, and a meeting's items are inserted in agenda order.
        for key, record in self._raw(ITEMS).items():
            item_ids.setdefault(record.meeting_id, []).append(int(key))
        for ids in item_ids.values():
            ids.sort()
        self._item_ids = item_ids
        self._meetings = [meeting_record(doc) for doc in self._meeting_docs]
        self._items = []
        self._items_ready = False
        self._cache_revision = self._revision

    @staticmethod
    def _check_table(table: str) -> None:
        check_state_table(table)

    def _state(self, table: str) -> dict[str, dict]:
        self._check_table(table)
        return {doc["key"]: doc["value"] for doc in self._raw(table).values()}

    def _state_ids(self, table: str) -> dict[str, int]:
        return {doc["key"]: int(k) for k, doc in self._raw(table).items()}

    def _lock_file(self) -> FileLock:
        assert self.path is not None
        if self._file_lock is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create folder for store {self.path}: {exc}") from exc
            lock_path = self.path.with_name(self.path.name + ".lock")
            # thread_local=False: the RLock already serialises threads; the file lock is only
            # for other processes.
            self._file_lock = FileLock(lock_path, timeout=self._lock_timeout, thread_local=False)
        return self._file_lock

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Lock, catch up with the file, run the body, then write once if anything changed.

        If the body or the write fails, the in-memory state goes back to what it was, which
        is also what the file still holds.
        """
        with self._lock:
            if self._in_transaction:  # nested: the outer transaction writes
                yield
                return
            with self._locked():
                self._catch_up()
                storage = self._storage
                snapshot = {name: dict(table) for name, table in storage.data.items()}
                storage.dirty = False
                self._content_dirty = False
                self._in_transaction = True
                try:
                    yield
                    _records_in_place(storage.data)  # the documents inserted just now
                    if storage.dirty:
                        before = stamp = self._content_stamp()
                        if self._content_dirty:
                            stamp = uuid.uuid4().hex
                        meta = self._table(META)
                        meta.truncate()
                        meta.insert(Document({"format": FORMAT, "version": FORMAT_VERSION,
                                              "updated_at": _now(), "content_stamp": stamp}, 1))
                        sig = self._flush()
                        if self.path is not None:
                            self._sig = sig
                        if self._journaled and sig is not None:
                            self._journal(snapshot, before, stamp, sig)
                        if self._content_dirty:
                            self._changed()
                except BaseException:
                    self._open(snapshot)
                    self._cache_revision = -1
                    raise
                finally:
                    self._in_transaction = False

    def _journal(self, snapshot: Tables, before: str | None, after: str | None,
                 sig: _Signature) -> None:
        assert self.path is not None
        data = self._storage.data
        changed = journal.changes(snapshot, data, _JOURNALED) \
            if set(data) <= set(_JOURNALED) else None
        journal.write(self.path, before, after, sig, changed, _atomic_write)

    def _flush(self) -> _Signature | None:
        try:
            return self._storage.flush()
        except OSError as exc:
            raise StoreError(f"cannot write store {self.path}: {exc}") from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        lock = self._lock_file()
        try:
            lock.acquire()
        except Timeout as exc:
            raise StoreError(
                f"store {self.path} is locked by another process (waited {self._lock_timeout:g}s)"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot lock store {self.path}: {exc}") from exc
        try:
            self._remove_stray_temps()
            yield
        finally:
            lock.release()

    def _catch_up(self) -> None:
        """Reload if another process wrote since we last read (called under the file lock)."""
        if self.path is None:
            return
        self._reread()

    def _remove_stray_temps(self) -> None:
        """Delete temporary files left by a writer that was killed (safe: we hold the lock)."""
        assert self.path is not None
        prefix = _temp_prefix(self.path)
        try:
            entries = list(os.scandir(self.path.parent))
        except OSError:
            return
        for entry in entries:
            # ".<name>.<random>.tmp" only: the state sidecar's ".<name>.state.json.<random>.tmp"
            # shares the prefix but is written under its own lock.
            middle = entry.name[len(prefix):-len(".tmp")]
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and "." not in middle:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
