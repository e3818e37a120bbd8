"""The store in PostgreSQL: the store of record for a shared installation.

Selected by ``REFERAT_DATABASE_URL=postgresql://…`` (or ``--db postgresql://…``). It keeps the
contract of :class:`store.engine.Engine` exactly as the TinyDB store does, so ingest, search and
the bot do not know which one they talk to. What PostgreSQL adds:

* **Several processes.** Any number of ``referat run`` and ``referat ingest`` processes share
  the database. An ingest is one transaction under an advisory lock; it bumps the revision row
  (``referat_meta``) that every reader polls in :meth:`PgStore.refresh` (one primary-key read),
  so a meeting ingested by one process is answered by all. :meth:`PgStore.state_claim` is an
  ``INSERT … ON CONFLICT DO NOTHING``, so exactly one process announces a meeting.
* **Municipalities.** Meetings and items carry a ``municipality`` column and are partitioned by
  it (``PARTITION BY LIST``; a partition is created with the first meeting of a municipality).
  ``PgStore(url, municipality="Kalundborg")`` sees and writes that municipality only.
* **Candidate retrieval in the database** (:meth:`PgStore.candidates`): a Danish text search
  configuration with ``unaccent`` (``referat_da``) over title and text, and ``pg_trgm`` on titles
  for typos and compound parts, both GIN-indexed, for archives beyond one machine's memory.

The records themselves are stored as ``jsonb`` documents, the same documents the TinyDB file
holds, with the columns needed for keys, order and search beside them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from store.db import (
    IngestReport,
    StoreStats,
    check_state_table,
    clean_state_values,
    item_record,
    meeting_record,
    newest_first,
)
from store.memory import bulk_allocation
from store.records import ItemRecord, Meeting, MeetingRecord, StoreError

SCHEMA_VERSION = 4
TS_CONFIG = "referat_da"
INDEX_PART = 64 * 1024 * 1024  # bytes of a saved search index per row
# pg_advisory_xact_lock key shared by every writer of meetings and items (and the schema).
_WRITE_LOCK = 0x5245_4645  # "REFE"

_SCHEMA = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TS_CONFIG}') THEN
    CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = pg_catalog.danish);
    ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG}
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, danish_stem;
  END IF;
END $$;
DO $$ DECLARE ns text := (SELECT extnamespace::regnamespace::text FROM pg_extension
                          WHERE extname = 'unaccent');
BEGIN
  -- Schema-qualified: index builds run with a search_path of pg_catalog only.
  EXECUTE format('CREATE OR REPLACE FUNCTION referat_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $f$ SELECT pg_catalog.lower(%1$s.unaccent(%2$L::regdictionary, $1)) $f$',
    ns, ns || '.unaccent');
END $$;
CREATE TABLE IF NOT EXISTS referat_meta (
  id int PRIMARY KEY CHECK (id = 1),
  schema_version int NOT NULL,
  revision bigint NOT NULL,
  content_stamp text,
  updated_at text
);
INSERT INTO referat_meta VALUES (1, {SCHEMA_VERSION}, 1, NULL, NULL) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS referat_meetings (
  municipality text NOT NULL,
  meeting_id text NOT NULL,
  date text,
  body text,
  content_hash text,
  doc jsonb NOT NULL,
  PRIMARY KEY (municipality, meeting_id)
) PARTITION BY LIST (municipality);
CREATE TABLE IF NOT EXISTS referat_items (
  municipality text NOT NULL,
  meeting_id text NOT NULL,
  position int NOT NULL,
  title text NOT NULL,
  case_number text,
  doc jsonb NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('{TS_CONFIG}'::regconfig, title || ' ' || coalesce(doc->>'text', ''))) STORED,
  PRIMARY KEY (municipality, meeting_id, position)
) PARTITION BY LIST (municipality);
CREATE INDEX IF NOT EXISTS referat_items_search ON referat_items USING gin (search);
CREATE INDEX IF NOT EXISTS referat_items_title_trgm
  ON referat_items USING gin (referat_fold(title) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS referat_items_case ON referat_items (case_number);
CREATE TABLE IF NOT EXISTS referat_state (
  tbl text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  PRIMARY KEY (tbl, key)
);
DROP TABLE IF EXISTS referat_saved_index;
CREATE TABLE IF NOT EXISTS referat_saved_index_parts (
  scope text NOT NULL,
  part int NOT NULL,
  key text NOT NULL,
  blob bytea NOT NULL,
  PRIMARY KEY (scope, part)
);
CREATE TABLE IF NOT EXISTS referat_vectors (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  vec bytea NOT NULL
);
UPDATE referat_meta SET schema_version = {SCHEMA_VERSION} WHERE id = 1;
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _partition_suffix(municipality: str) -> str:
    """A safe table-name suffix for any municipality name (Danish letters, spaces, …)."""
    return hashlib.sha1(municipality.encode("utf-8")).hexdigest()[:16]


def _municipality_of(meeting: Meeting, default: str) -> str:
    return getattr(meeting, "municipality", None) or default


class PgStore:
    """All meetings and items in PostgreSQL, cached in memory per revision.

    Reads of meetings and items are served from memory, like the TinyDB store, and reloaded
    when :meth:`refresh` sees a new revision; state reads and writes go to the database each
    time (they are small, and shared with the other processes).
    """

    path: Path | None = None

    def __init__(self, url: str, *, municipality: str | None = None) -> None:
        import psycopg

        self.url = url
        self.municipality = municipality
        self._psycopg = psycopg
        self._local = threading.local()
        self._connections: list[Any] = []
        self._conn_lock = threading.Lock()
        self._lock = threading.RLock()
        self._revision = 0
        self._stamp: str | None = None
        self._cache_revision = -1
        self._meetings: list[MeetingRecord] = []
        self._meeting_docs: dict[str, dict[str, Any]] = {}
        self._items: list[ItemRecord] | None = None
        # Each meeting's items as last loaded, under its content hash: a reload after another
        # process's ingest fetches only the meetings whose hash changed.
        self._loaded: dict[tuple[str, str], tuple[str, list[ItemRecord]]] = {}
        self._headers: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self._hashes: dict[tuple[str, str], str] = {}
        if not self._schema_ready():
            with self._conn() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
                conn.execute(_SCHEMA)
        self._revision, self._stamp = self._db_revision()

    def __repr__(self) -> str:
        # Never the URL: it may hold a password.
        return f"PgStore(municipality={self.municipality!r})"

    def close(self) -> None:
        with self._conn_lock:
            for conn in self._connections:
                with contextlib.suppress(Exception):
                    conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- connections -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _conn(self) -> Iterator[Any]:
        """This thread's connection (autocommit; callers open transactions where needed)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                conn = self._psycopg.connect(self.url, autocommit=True)
            except self._psycopg.Error as exc:
                raise StoreError(f"cannot connect to the PostgreSQL store: {exc}") from None
            self._local.conn = conn
            with self._conn_lock:
                self._connections.append(conn)
        try:
            yield conn
        except self._psycopg.OperationalError as exc:
            conn.close()  # a broken connection is replaced on the next call
            raise StoreError(f"PostgreSQL store: {exc}") from None

    def _schema_ready(self) -> bool:
        """True when the database already holds this version's schema (the usual case)."""
        with self._conn() as conn:
            if conn.execute("SELECT to_regclass('referat_meta')").fetchone()[0] is None:
                return False
            row = conn.execute("SELECT schema_version FROM referat_meta WHERE id = 1").fetchone()
        return row is not None and row[0] == SCHEMA_VERSION

    def _scope(self) -> tuple[str, tuple[Any, ...]]:
        """A WHERE clause (and its parameters) limiting reads to this store's municipality."""
        if self.municipality is None:
            return "TRUE", ()
        return "municipality = %s", (self.municipality,)

    def _db_revision(self) -> tuple[int, str | None]:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT revision, content_stamp FROM referat_meta WHERE id = 1").fetchone()
        return int(row[0]), row[1]

    # -- reading -----------------------------------------------------------------------------

    def meetings(self) -> list[MeetingRecord]:
        with self._lock:
            self._load()
            return list(self._meetings)

    def meeting(self, meeting_id: str) -> MeetingRecord | None:
        with self._lock:
            self._load()
            doc = self._meeting_docs.get(meeting_id)
            return None if doc is None else meeting_record(doc)

    def items(self) -> list[ItemRecord]:
        with self._lock:
            self._load()
            if self._items is None:
                self._items = self._load_items()
            return list(self._items)

    def items_for_meeting(self, meeting_id: str) -> list[ItemRecord]:
        where, params = self._scope()
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT doc FROM referat_items WHERE {where} AND meeting_id = %s "
                "ORDER BY municipality, position", (*params, meeting_id)).fetchall()
        return [item_record(doc) for (doc,) in rows]

    def revision(self) -> int:
        with self._lock:
            return self._revision

    def outdated(self) -> bool:
        """One primary-key read: True if meetings or items changed since the last refresh."""
        with self._lock:
            known = self._revision
        return self._db_revision()[0] != known

    def refresh(self) -> bool:
        """One primary-key read: True if another process changed meetings or items."""
        revision, stamp = self._db_revision()
        with self._lock:
            if revision == self._revision:
                return False
            self._revision, self._stamp = revision, stamp
            return True

    def content_stamp(self) -> str | None:
        """A token renewed by every write of meetings or items, per municipality scope."""
        with self._lock:
            return None if self._stamp is None else f"{self._stamp}|{self.municipality or ''}"

    def load_saved_index(self, key: str) -> bytes | None:
        """The search index saved under ``key`` (see :mod:`store.index_cache`), if any."""
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT part, blob FROM referat_saved_index_parts WHERE scope = %s AND key = %s "
                "ORDER BY part", (self.municipality or "", key)).fetchall()
        if not rows or [part for part, _ in rows] != list(range(len(rows))):
            return None
        return b"".join(bytes(blob) for _, blob in rows)

    def save_index(self, key: str, blob: bytes) -> None:
        """Keep one saved index per municipality scope, shared by every process, in parts of
        :data:`INDEX_PART` bytes (a value may not exceed 1 GB; a million items' index does)."""
        view = memoryview(blob)
        parts = [(self.municipality or "", n, key, view[start:start + INDEX_PART])
                 for n, start in enumerate(range(0, len(view), INDEX_PART))]
        with self._conn() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("DELETE FROM referat_saved_index_parts WHERE scope = %s",
                        (self.municipality or "",))
            cur.executemany("INSERT INTO referat_saved_index_parts (scope, part, key, blob) "
                            "VALUES (%s, %s, %s, %s)", parts)

    def vectors_since(self, after: int) -> list[tuple[int, str, bytes]]:
        """Item vectors (see :mod:`store.semantic`) stored after row ``after``, in order."""
        with self._conn() as conn:
            rows = conn.execute("SELECT id, key, vec FROM referat_vectors WHERE id > %s "
                                "ORDER BY id", (after,)).fetchall()
        return [(int(i), key, bytes(vec)) for i, key, vec in rows]

    def add_vectors(self, rows: Sequence[tuple[str, bytes]]) -> None:
        """Store item vectors for every process; a key stored already is kept as it is."""
        with self._conn() as conn, conn.cursor() as cur:
            cur.executemany("INSERT INTO referat_vectors (key, vec) VALUES (%s, %s) "
                            "ON CONFLICT (key) DO NOTHING", list(rows))

    def stats(self) -> StoreStats:
        where, params = self._scope()
        with self._conn() as conn:
            meetings = conn.execute(f"SELECT count(*) FROM referat_meetings WHERE {where}",
                                    params).fetchone()[0]
            items = conn.execute(f"SELECT count(*) FROM referat_items WHERE {where}",
                                 params).fetchone()[0]
            updated_at = conn.execute("SELECT updated_at FROM referat_meta").fetchone()[0]
            size = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM ("
                " SELECT relid FROM pg_partition_tree('referat_items')"
                " UNION ALL SELECT relid FROM pg_partition_tree('referat_meetings')"
                " UNION ALL SELECT 'referat_state'::regclass) AS t").fetchone()[0]
        return StoreStats(meetings=int(meetings), items=int(items), updated_at=updated_at,
                          size_bytes=int(size))

    def candidates(self, terms: Sequence[str], limit: int = 200) -> list[tuple[str, int]]:
        """Items worth scoring for ``terms``: ``(meeting_id, position)`` pairs, best first.

        Danish full-text match (stemmed, accents folded) over title and text, or a title that
        holds a word similar to a term (``pg_trgm``: typos, compound parts); ranked by text rank
        plus title similarity. ``position`` indexes :meth:`items_for_meeting`.
        """
        words = [t for t in (str(term).strip() for term in terms) if t]
        if not words:
            return []
        phrase = " ".join(words)
        tsquery = " || ".join(["plainto_tsquery(%s::regconfig, %s)"] * len(words))
        ts_params: list[Any] = []
        for word in words:
            ts_params += [TS_CONFIG, word]
        where, params = self._scope()
        sql = (
            f"WITH q AS (SELECT ({tsquery}) AS tsq, referat_fold(%s) AS fold) "
            "SELECT meeting_id, position FROM referat_items, q "
            f"WHERE {where} AND (search @@ q.tsq OR q.fold <%% referat_fold(title)) "
            "ORDER BY ts_rank(search, q.tsq) + word_similarity(q.fold, referat_fold(title)) DESC,"
            " meeting_id, position LIMIT %s"
        )
        with self._conn() as conn:
            rows = conn.execute(sql, (*ts_params, phrase, *params, limit)).fetchall()
        return [(meeting_id, int(position)) for meeting_id, position in rows]

    def _load(self) -> None:
        """Meetings, once per revision (items are loaded the first time they are asked for).

        Only the headers of meetings whose content hash changed are fetched again, and later
        only their items: after another process's ingest a reload reads what it wrote.
        """
        if self._cache_revision == self._revision:
            return
        with self._conn() as conn:
            self._hashes = {(mu, mid): h for mu, mid, h in self._select(
                conn, "content_hash", "referat_meetings", None)}
            kept = {key: doc for key, (h, doc) in self._headers.items()
                    if self._hashes.get(key) == h}
            for mu, mid, doc in self._select(conn, "doc", "referat_meetings",
                                             self._missing(kept, self._hashes)):
                kept[(mu, mid)] = doc
        self._headers = {key: (self._hashes[key], doc) for key, doc in kept.items()
                         if key in self._hashes}
        ordered = newest_first(list(kept.values()))
        self._meetings = [meeting_record(doc) for doc in ordered]
        self._meeting_docs = {}
        for doc in ordered:
            self._meeting_docs.setdefault(doc.get("meeting_id"), doc)
        self._items = None
        self._cache_revision = self._revision

    def _load_items(self) -> list[ItemRecord]:
        hashes = self._hashes
        by_meeting = {key: records for key, (h, records) in self._loaded.items()
                      if hashes.get(key) == h}
        # One row per meeting, its items as one JSON array in agenda order: a tenth of the
        # rows to convert, and one fast parse each.
        with self._conn() as conn, bulk_allocation():
            for mu, mid, docs in self._select(
                    conn, "json_agg(doc ORDER BY position)::text", "referat_items",
                    self._missing(by_meeting, hashes), group=True):
                by_meeting[(mu, mid)] = [item_record(doc) for doc in orjson.loads(docs)]
        self._loaded = {key: (hashes[key], records) for key, records in by_meeting.items()
                        if key in hashes}
        order = {record.meeting_id: n for n, record in enumerate(self._meetings)}
        keys = sorted(by_meeting, key=lambda k: (order.get(k[1], len(order)), k[0]))
        return [item for key in keys for item in by_meeting[key]]

    @staticmethod
    def _missing(kept: dict, hashes: dict) -> list[tuple[str, str]] | None:
        """The meetings to fetch: None for all of them (nothing kept), else those not kept."""
        return None if not kept else [key for key in hashes if key not in kept]

    def _select(self, conn: Any, column: str, table: str,
                only: list[tuple[str, str]] | None, group: bool = False) -> list[tuple]:
        """(municipality, meeting id, ``column``) of this scope's rows of ``table``; with
        ``only``, of those meetings alone."""
        if only is not None and not only:
            return []
        where, params = self._scope()
        if only is not None:
            where += (" AND (municipality, meeting_id) IN "
                      "(SELECT * FROM unnest(%s::text[], %s::text[]))")
            params = (*params, [mu for mu, _ in only], [mid for _, mid in only])
        tail = " GROUP BY municipality, meeting_id" if group else ""
        return conn.execute(f"SELECT municipality, meeting_id, {column} FROM {table} "
                            f"WHERE {where}{tail}", params).fetchall()

    # -- writing -----------------------------------------------------------------------------

    def ingest(self, meetings: Sequence[Meeting]) -> IngestReport:
        """Add or replace meetings in one transaction, under the writers' advisory lock."""
        default = self.municipality or ""
        latest: dict[tuple[str, str], Meeting] = {}
        for meeting in meetings:
            key = (_municipality_of(meeting, default), meeting.meeting_id)
            latest.pop(key, None)  # keep the order of the last occurrence
            latest[key] = meeting
        report = IngestReport()
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            known = self._known(conn, latest)
            replace: list[tuple[str, str]] = []
            fresh: list[tuple[str, Meeting, str]] = []
            for (municipality, mid), meeting in latest.items():
                content_hash = meeting.content_hash or meeting.compute_hash()
                old = known.get((municipality, mid))
                if old is not None and old[0] == content_hash:
                    report.unchanged.append(mid)
                    report.items_unchanged += old[1]
                    continue
                if old is not None:
                    replace.append((municipality, mid))
                    report.updated.append(mid)
                    report.items_updated += len(meeting.items)
                else:
                    report.added.append(mid)
                    report.items_added += len(meeting.items)
                fresh.append((municipality, meeting, content_hash))
            if report.changed:
                self._write(conn, replace, fresh)
                stamp = uuid.uuid4().hex
                revision = conn.execute(
                    "UPDATE referat_meta SET revision = revision + 1, content_stamp = %s,"
                    " updated_at = %s WHERE id = 1 RETURNING revision",
                    (stamp, _now())).fetchone()[0]
        if report.changed:
            with self._lock:
                self._revision, self._stamp = int(revision), stamp
        return report

    def _known(self, conn: Any, latest: dict[tuple[str, str], Meeting]
               ) -> dict[tuple[str, str], tuple[str, int]]:
        """(content_hash, item count) of the meetings about to be ingested that exist already."""
        if not latest:
            return {}
        municipalities = [m for m, _ in latest]
        ids = [mid for _, mid in latest]
        rows = conn.execute(
            "SELECT m.municipality, m.meeting_id, m.content_hash, (m.doc->>'item_count')::int "
            "FROM referat_meetings m JOIN unnest(%s::text[], %s::text[]) AS k(mu, id) "
            "ON m.municipality = k.mu AND m.meeting_id = k.id", (municipalities, ids))
        return {(mu, mid): (content_hash, count or 0) for mu, mid, content_hash, count in rows}

    def _write(self, conn: Any, replace: list[tuple[str, str]],
               fresh: list[tuple[str, Meeting, str]]) -> None:
        for municipality in sorted({m for m, _, _ in fresh}):
            self._ensure_partition(conn, municipality)
        if replace:
            keys = ([m for m, _ in replace], [mid for _, mid in replace])
            for table in ("referat_items", "referat_meetings"):
                conn.execute(
                    f"DELETE FROM {table} t USING unnest(%s::text[], %s::text[]) AS k(mu, id) "
                    "WHERE t.municipality = k.mu AND t.meeting_id = k.id", keys)
        stamp = _now()
        with conn.cursor() as cur:
            with cur.copy("COPY referat_meetings (municipality, meeting_id, date, body,"
                          " content_hash, doc) FROM STDIN") as copy:
                for municipality, meeting, content_hash in fresh:
                    header = meeting.header()
                    header["content_hash"] = content_hash
                    header["ingested_at"] = stamp
                    copy.write_row((municipality, meeting.meeting_id, meeting.date, meeting.body,
                                    content_hash, json.dumps(header, ensure_ascii=False)))
            with cur.copy("COPY referat_items (municipality, meeting_id, position, title,"
                          " case_number, doc) FROM STDIN") as copy:
                for municipality, meeting, _ in fresh:
                    for position, record in enumerate(meeting.records()):
                        copy.write_row((municipality, meeting.meeting_id, position, record.title,
                                        record.case_number,
                                        json.dumps(record.to_doc(), ensure_ascii=False)))

    @staticmethod
    def _ensure_partition(conn: Any, municipality: str) -> None:
        """Each municipality its own partition of meetings and items (made on first use)."""
        from psycopg import sql

        suffix = _partition_suffix(municipality)
        for table in ("referat_meetings", "referat_items"):
            conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {part} PARTITION OF {table} FOR VALUES IN ({value})"
            ).format(part=sql.Identifier(f"{table}_{suffix}"), table=sql.Identifier(table),
                     value=sql.Literal(municipality)))

    # -- state tables ------------------------------------------------------------------------

    def state_all(self, table: str) -> dict[str, dict]:
        check_state_table(table)
        with self._conn() as conn:
            rows = conn.execute("SELECT key, value FROM referat_state WHERE tbl = %s",
                                (table,)).fetchall()
        return dict(rows)

    def state_get(self, table: str, key: str) -> dict | None:
        check_state_table(table)
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM referat_state WHERE tbl = %s AND key = %s",
                               (table, key)).fetchone()
        return None if row is None else row[0]

    def state_put(self, table: str, key: str, value: dict) -> None:
        self.state_put_many(table, {key: value})

    def state_put_many(self, table: str, values: dict[str, dict]) -> None:
        check_state_table(table)
        clean = clean_state_values(values)
        if not clean:
            return
        rows = [(table, key, json.dumps(value, ensure_ascii=False))
                for key, value in clean.items()]
        with self._conn() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO referat_state (tbl, key, value) VALUES (%s, %s, %s::jsonb) "
                "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value "
                "WHERE referat_state.value IS DISTINCT FROM EXCLUDED.value", rows)

    def state_delete(self, table: str, key: str) -> bool:
        check_state_table(table)
        with self._conn() as conn:
            cur = conn.execute("DELETE FROM referat_state WHERE tbl = %s AND key = %s",
                               (table, key))
            return cur.rowcount > 0

    def state_claim(self, table: str, key: str, value: dict) -> bool:
        check_state_table(table)
        clean = clean_state_values({key: value})[key]
        with self._conn() as conn:
            row = conn.execute(
                "INSERT INTO referat_state (tbl, key, value) VALUES (%s, %s, %s::jsonb) "
                "ON CONFLICT (tbl, key) DO NOTHING RETURNING 1",
                (table, key, json.dumps(clean, ensure_ascii=False))).fetchone()
        return row is not None

    def state_tables(self) -> list[str]:
        with self._conn() as conn:
            rows = conn.execute("SELECT DISTINCT tbl FROM referat_state ORDER BY tbl").fetchall()
        return [name for (name,) in rows]
