"""A saved search index, so a restart loads it instead of re-tokenising every item.

The index object the searcher builds is pickled next to the store file
(``<store>.index.pickle``), written atomically, and keyed by

* the store's **content stamp** -- a random token every write of meetings or items renews, so
  any change of the minutes, by any process, makes the saved index stale;
* a **code fingerprint** -- a hash of the ``store`` package's source and data files and the
  Python version, so a changed tokeniser, index class or glossary never loads an old index.

A missing, stale, corrupt or unreadable file is simply rebuilt; the cache can always be deleted.
A PostgreSQL store keeps the saved index in a table instead (``referat_saved_index``, one per
municipality scope), shared by every process on it; a store in memory builds it every time.
The pickle is ours, beside the store (or in it): whoever can write there can already replace the
store itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
PACKAGE = Path(__file__).resolve().parent
T = TypeVar("T")


def cache_path(store: Any) -> Path | None:
    path = getattr(store, "path", None)
    return None if path is None else Path(path).with_name(Path(path).name + ".index.pickle")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What the index depends on: every source and data file of the store package."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}|{sys.version}".encode())
    for file in sorted(PACKAGE.rglob("*")):
        if file.is_file() and file.suffix in {".py", ".tsv", ".txt", ".json"}:
            digest.update(str(file.relative_to(PACKAGE)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def load_or_build(store: Any, build: Callable[[list], T]) -> T:
    """The saved index for the store's current content, or ``build(store.items())`` (saved).

    The item records are not saved with the index: the store holds them already, so the file
    refers to "the store's items" and loading puts ``store.items()`` there. That halves the
    file and the load, and the index shares the records with the store instead of copying them.

    The stamp is read before the items: if another process writes in between, the saved index
    holds newer items under an older stamp, which the next start sees as stale -- never the
    reverse.
    """
    path = cache_path(store)
    in_store = hasattr(store, "load_saved_index")  # PostgreSQL keeps it in a table
    stamp_of = getattr(store, "content_stamp", None)
    stamp = stamp_of() if stamp_of is not None else None
    if stamp is None or (path is None and not in_store):
        return build(store.items())
    key = (FORMAT_VERSION, stamp, code_fingerprint())
    loaded = _load(path, key, store) if path is not None else _load_from_store(store, key)
    if loaded is not None:
        return loaded
    records = store.items()
    index = build(records)
    # Written beside the answer, not before it; not a daemon, so a one-shot `referat ask`
    # finishes the file before the process exits.
    saver = threading.Thread(target=_save if path is not None else _save_to_store,
                             args=(path if path is not None else store, key, index, records),
                             name="referat-index-save")
    _savers.append(saver)
    saver.start()
    return index


_savers: list[threading.Thread] = []


def wait_saved(timeout: float | None = None) -> None:
    """Wait until every index being saved is on disk (tests, benchmarks)."""
    while _savers:
        _savers.pop().join(timeout)


class _Pickler(pickle.Pickler):
    def __init__(self, file: Any, records: list) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._records = records

    def persistent_id(self, obj: Any) -> str | None:
        return (_RECORDS, len(obj)) if obj is self._records else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, store: Any) -> None:
        super().__init__(file)
        self._store = store

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and pid[0] == _RECORDS):
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        records = self._store.items()
        if len(records) != pid[1]:  # the store was changed behind its stamp's back
            raise pickle.UnpicklingError(f"saved for {pid[1]} items, the store has {len(records)}")
        return records


_RECORDS = "store.items"


def _load(path: Path, key: tuple, store: Any) -> Any | None:
    try:
        with open(path, "rb") as handle:
            if pickle.load(handle) != key:
                return None
            return _Unpickler(handle, store).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # corrupt, truncated, or written by other code: rebuild
        log.info("saved search index %s not used: %s", path, exc)
        return None


def _load_from_store(store: Any, key: tuple) -> Any | None:
    try:
        blob = store.load_saved_index(repr(key))
        return None if blob is None else _Unpickler(io.BytesIO(blob), store).load()
    except Exception as exc:  # unreadable or written by other code: rebuild
        log.info("saved search index in the store not used: %s", exc)
        return None


def _save_to_store(store: Any, key: tuple, index: Any, records: list) -> None:
    try:
        buffer = io.BytesIO()
        _Pickler(buffer, records).dump(index)
        store.save_index(repr(key), buffer.getvalue())
    except Exception as exc:
        log.info("search index not saved in the store: %s", exc)
    finally:
        release_freed_memory()


def _save(path: Path, key: tuple, index: Any, records: list) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        log.info("search index not saved: %s", exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(key, handle, protocol=pickle.HIGHEST_PROTOCOL)
            _Pickler(handle, records).dump(index)
        os.replace(tmp, path)
    except Exception as exc:
        log.info("search index not saved: %s", exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    finally:
        release_freed_memory()  # pickling's buffers


BACKGROUND_AFTER = 0.5  # seconds: an index that took longer to build is rebuilt in background


class IndexKeeper(Generic[T]):
    """The index for a store's current content, for a searcher answering from many threads.

    The first index is built (or loaded) at once. After the store changes, a small index is
    rebuilt at once too; one whose last build took longer than ``background_after`` seconds is
    rebuilt in a background thread while questions keep being answered from the previous index,
    so no question waits for a rebuild. The previous index is dropped when the new one is in
    place, so memory returns to its level.
    """

    def __init__(self, store: Any, build: Callable[[list], T], *,
                 background_after: float = BACKGROUND_AFTER) -> None:
        self.store = store
        self._build_index = build
        self.background_after = background_after
        self._lock = threading.Lock()
        self._index: T | None = None
        self._revision: int | None = None
        self._last_build = 0.0
        self._builder: threading.Thread | None = None

    def current(self) -> T:
        with self._lock:
            if self._builder is not None and self._builder.is_alive():
                # Rebuilding: the builder holds the store while it reads the items, and the
                # previous index is the answer meanwhile, so do not wait for the store.
                return self._index  # type: ignore[return-value]
            self.store.refresh()
            revision = self.store.revision()
            if self._index is not None and revision == self._revision:
                return self._index
            if self._index is None or self._last_build < self.background_after:
                return self._build(revision)
            if self._builder is None or not self._builder.is_alive():
                self._builder = threading.Thread(target=self._build_in_background,
                                                 args=(revision,), name="referat-index-build",
                                                 daemon=True)
                self._builder.start()
            return self._index

    def wait_built(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild to finish (tests, benchmarks)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _build(self, revision: int) -> T:
        start = time.perf_counter()
        index = load_or_build(self.store, self._build_index)
        self._last_build = time.perf_counter() - start
        previous, self._index, self._revision = self._index, index, revision
        if previous is not None:
            del previous
            release_freed_memory()
        # The index is millions of long-lived objects; left to the cyclic garbage collector
        # they make random questions pause for 100+ ms.
        gc.freeze()
        return index

    def _build_in_background(self, revision: int) -> None:
        start = time.perf_counter()
        try:
            index = load_or_build(self.store, self._build_index)
        except Exception:
            log.exception("rebuilding the search index failed; answering from the previous one")
            return
        with self._lock:
            self._last_build = time.perf_counter() - start
            if self._revision is None or revision > self._revision:
                self._index, self._revision = index, revision
            gc.freeze()
        del index
        release_freed_memory()


def release_freed_memory() -> None:
    """Hand memory freed by the previous index back to the system.

    glibc keeps freed heap memory for reuse, so without this a bot's resident memory ratchets up
    with every rebuild (630 -> 1,250 MiB after three at 86,000 items); with it, it returns to
    its level. A no-op where the C library has no ``malloc_trim``.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
