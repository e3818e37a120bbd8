"""A saved search index, so a restart loads it instead of re-tokenising every item.

The index object the searcher builds is pickled next to the store file
(``<store>.index.pickle``), written atomically, and keyed by

* the store's **content stamp** -- a random token every write of meetings or items renews, so
  any change of the minutes, by any process, makes the saved index stale;
* a **code fingerprint** -- a hash of the ``store`` package's source and data files and the
  Python version, so a changed tokeniser, index class or glossary never loads an old index.

The item records are not in the file: the store holds them already. The file keeps the layout
of the index's records instead -- runs of (meeting id, item count) in doc order, holes as runs of
``None`` -- and loading fills it in from the store's own items. That halves the file and the load,
and the index shares the records with the store instead of copying them.

A missing, stale, corrupt or unreadable file is simply rebuilt; the cache can always be deleted.
A PostgreSQL store keeps the saved index in a table instead (``referat_saved_index_parts``, one
per municipality scope), shared by every process on it; a store in memory builds it every time.
The pickle is ours, beside the store (or in it): whoever can write there can already replace the
store itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
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

from store.memory import bulk_allocation, release_freed_memory

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 3: saved in pieces; 2: records as their layout, holes allowed
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


def load_or_build(store: Any, build: Callable[[Any], T]) -> T:
    """The saved index for the store's current content, or ``build(store)`` (then saved).

    The stamp is read before the build reads the items: if another process writes in between,
    the saved index holds newer items under an older stamp, which the next start sees as
    stale -- never the reverse.
    """
    key = _key(store)
    if key is None:
        with bulk_allocation():
            return build(store)
    path = cache_path(store)
    loaded = _load(path, key, store) if path is not None else _load_from_store(store, key)
    if loaded is not None:
        return loaded
    with bulk_allocation():
        index = build(store)
    save_in_background(store, key, index)
    return index


def saved_for(store: Any) -> bool:
    """True if an index saved for the store's current content is there to be loaded."""
    key = _key(store)
    if key is None:
        return False
    path = cache_path(store)
    if path is None:
        return store.load_saved_index(repr(key)) is not None
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle) == key
    except Exception:  # missing, corrupt or foreign: as good as none
        return False


def update_or_build(store: Any, previous: T | None, build: Callable[[Any], T],
                    update: Callable[[T, Any], T | None] | None) -> T:
    """``update(previous, store)`` when it can (then saved), else :func:`load_or_build`."""
    if previous is not None and update is not None:
        key = _key(store)  # before the update reads the items, as above
        with bulk_allocation():
            index = update(previous, store)
        if index is not None:
            if key is not None:
                save_in_background(store, key, index)
            return index
    return load_or_build(store, build)


def _key(store: Any) -> tuple | None:
    """What a saved index must match, or None for a store that keeps no saved index."""
    stamp_of = getattr(store, "content_stamp", None)
    stamp = stamp_of() if stamp_of is not None else None
    in_store = hasattr(store, "load_saved_index")  # PostgreSQL keeps it in a table
    if stamp is None or (cache_path(store) is None and not in_store):
        return None
    return (FORMAT_VERSION, stamp, code_fingerprint())


def save_in_background(store: Any, key: tuple, index: Any) -> None:
    """Save ``index`` for the content ``key`` names, beside the answer rather than before it.

    The saver is not a daemon thread, so a one-shot ``referat ask`` finishes the file before
    the process exits.
    """
    path = cache_path(store)
    saver = threading.Thread(target=_save if path is not None else _save_to_store,
                             args=(path if path is not None else store, key, index),
                             name="referat-index-save")
    _savers.append(saver)
    saver.start()


_savers: list[threading.Thread] = []


def wait_saved(timeout: float | None = None) -> None:
    """Wait until every index being saved is on disk (tests, benchmarks)."""
    while _savers:
        _savers.pop().join(timeout)


def _layout(records: list) -> list[tuple[str | None, int]]:
    """Runs of (meeting id, item count) in doc order; a run of holes has the id None."""
    return [(mid, len(list(run))) for mid, run in itertools.groupby(
        records, key=lambda r: None if r is None else r.meeting_id)]


class _Pickler(pickle.Pickler):
    def __init__(self, file: Any, records: list) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._records = records

    def persistent_id(self, obj: Any) -> tuple | None:
        return (_RECORDS, _layout(obj)) if obj is self._records else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, store: Any) -> None:
        super().__init__(file)
        self._store = store

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and pid[0] == _RECORDS):
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        groups: dict[str, list] = {}
        for record in self._store.items():
            groups.setdefault(record.meeting_id, []).append(record)
        records: list = []
        for meeting_id, count in pid[1]:
            if meeting_id is None:
                records.extend([None] * count)
                continue
            run = groups.pop(meeting_id, [])
            if len(run) != count:  # the store was changed behind its stamp's back
                raise pickle.UnpicklingError(f"{meeting_id}: saved {count} items, "
                                             f"the store has {len(run)}")
            records.extend(run)
        if groups:
            raise pickle.UnpicklingError(f"{len(groups)} meetings of the store are not indexed")
        return records


_RECORDS = "store.items"


def _load(path: Path, key: tuple, store: Any) -> Any | None:
    try:
        with open(path, "rb") as handle:
            if pickle.load(handle) != key:
                return None
            with bulk_allocation():
                return _read_pieces(_Unpickler(handle, store))
    except FileNotFoundError:
        return None
    except Exception as exc:  # corrupt, truncated, or written by other code: rebuild
        log.info("saved search index %s not used: %s", path, exc)
        return None


def _load_from_store(store: Any, key: tuple) -> Any | None:
    try:
        blob = store.load_saved_index(repr(key))
        if blob is None:
            return None
        with bulk_allocation():
            return _read_pieces(_Unpickler(io.BytesIO(blob), store))
    except Exception as exc:  # unreadable or written by other code: rebuild
        log.info("saved search index in the store not used: %s", exc)
        return None


def _save_to_store(store: Any, key: tuple, index: Any) -> None:
    try:
        buffer = io.BytesIO()
        _write_pieces(_Pickler(buffer, index.records), index)
        store.save_index(repr(key), buffer.getvalue())
    except Exception as exc:
        log.info("search index not saved in the store: %s", exc)
    finally:
        release_freed_memory()


def _save(path: Path, key: tuple, index: Any) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        log.info("search index not saved: %s", exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(key, handle, protocol=pickle.HIGHEST_PROTOCOL)
            _write_pieces(_Pickler(handle, index.records), index)
        os.replace(tmp, path)
    except Exception as exc:
        log.info("search index not saved: %s", exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    finally:
        release_freed_memory()  # pickling's buffers


PIECE = 20_000  # dict entries or list elements pickled at a time


def _write_pieces(pickler: pickle.Pickler, index: Any) -> None:
    """Pickle the index attribute by attribute, its large dicts and lists a piece at a time.

    One ``dump`` of a whole index holds the interpreter for as long as it takes (two seconds at
    400,000 items), and a question asked meanwhile waits that long; between pieces it is
    answered. The pieces share the pickler's memo, so a term string is still written once.
    """
    state = index.__getstate__()
    pickler.dump((type(index), list(state)))
    for value in state.values():
        # The records are written as a reference to the store's (see _Pickler), whole.
        if isinstance(value, dict | list) and len(value) > PIECE and value is not index.records:
            pairs = list(value.items()) if isinstance(value, dict) else value
            pickler.dump((type(value), -(-len(pairs) // PIECE)))
            for start in range(0, len(pairs), PIECE):
                pickler.dump(pairs[start:start + PIECE])
        else:
            pickler.dump((None, value))


def _read_pieces(unpickler: pickle.Unpickler) -> Any:
    """The index :func:`_write_pieces` wrote."""
    cls, names = unpickler.load()
    state: dict[str, Any] = {}
    for name in names:
        kind, value = unpickler.load()
        if kind is None:
            state[name] = value
            continue
        parts = [unpickler.load() for _ in range(value)]
        joined = [x for part in parts for x in part]
        state[name] = dict(joined) if kind is dict else joined
    index = cls.__new__(cls)
    if hasattr(index, "__setstate__"):
        index.__setstate__(state)
    else:
        index.__dict__.update(state)
    return index


BACKGROUND_AFTER = 0.5  # seconds: an index that took longer to build is rebuilt in background


class IndexKeeper(Generic[T]):
    """The index for a store's current content, for a searcher answering from many threads.

    The first index is built (or loaded) at once. After the store changes, the index is
    *updated* for the changed meetings when ``update`` can (see :mod:`store.index`), else
    rebuilt. A small index is brought up to date at once; one whose last full build took longer
    than ``background_after`` seconds is brought up to date in a background thread while
    questions keep being answered from the previous index, so no question waits for it. The
    previous index is dropped when the new one is in place, so memory returns to its level.
    """

    def __init__(self, store: Any, build: Callable[[Any], T], *,
                 update: Callable[[T, Any], T | None] | None = None,
                 background_after: float = BACKGROUND_AFTER) -> None:
        self.store = store
        self._build_index = build
        self._update_index = update
        self.background_after = background_after
        self._lock = threading.Lock()
        self._index: T | None = None
        self._revision: int | None = None
        self._last_build = 0.0  # seconds the last full build (or load) took
        self._builder: threading.Thread | None = None

    def current(self) -> T:
        with self._lock:
            if self._builder is not None and self._builder.is_alive():
                # Updating: the previous index is the answer meanwhile.
                return self._index  # type: ignore[return-value]
            if self._index is not None and self._last_build >= self.background_after:
                # A large index: even reading another process's write (a reload of the store
                # file) happens in the background, so a question never waits for it.
                if self.store.revision() != self._revision or self.store.outdated():
                    self._builder = threading.Thread(target=self._in_background,
                                                     name="referat-index-build", daemon=True)
                    self._builder.start()
                return self._index
            self.store.refresh()
            revision = self.store.revision()
            if self._index is None or revision != self._revision:
                self._install(self._next(), revision)
            return self._index  # type: ignore[return-value]

    def wait_built(self, timeout: float | None = None) -> None:
        """Wait for a background update or rebuild to finish (tests, benchmarks)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _next(self) -> T:
        """The index for the store's content now: an update of the current one, or a build."""
        start = time.perf_counter()
        built: list[bool] = []

        def build(store: Any) -> T:
            built.append(True)
            return self._build_index(store)

        index = update_or_build(self.store, self._index, build, self._update_index)
        if built or self._index is None:  # a full build or a load: the cost of the next one
            self._last_build = time.perf_counter() - start
        return index

    def _install(self, index: T, revision: int) -> None:
        if self._revision is None or revision > self._revision:
            previous, self._index, self._revision = self._index, index, revision
            del previous
            release_freed_memory()

    def _in_background(self) -> None:
        try:
            self.store.refresh()
            revision = self.store.revision()
            index = self._next()
        except Exception:
            log.exception("updating the search index failed; answering from the previous one")
            return
        with self._lock:
            self._install(index, revision)
        del index
        release_freed_memory()
