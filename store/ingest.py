"""Turn files and folders of minutes into one store transaction.

Every file is read on its own and a file that cannot be read is reported, never fatal: one bad
PDF in a folder of a thousand must not lose the other 999. Everything that loaded is then written
in ONE :meth:`Store.ingest` call, so the store file is written once per run. A long run reads and
parses its files in worker processes, one per processor; this process keeps their order, decides
which file of a meeting wins and writes the store.

    >>> samples = Path(__file__).resolve().parents[1] / "examples" / "minutes"
    >>> summary = ingest_paths(Store(None), [samples])     # Store("data/referat.json") for a file
    >>> len(summary.report.added), summary.skipped
    (2, [])
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import logging
import multiprocessing
import os
import stat
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from store.db import IngestReport, Store
from store.records import Meeting, ParseError

log = logging.getLogger(__name__)

Loader = Callable[[Path], Meeting]


@dataclass(frozen=True)
class Progress:
    """Where an ingest run is, for whoever shows it (the CLI draws a bar; store/ draws nothing).

    ``stage`` is ``"read"`` (about to read ``path``, file ``done + 1`` of ``total``) or
    ``"write"`` (every file read; the store is being written). Sizes are in bytes, so one large
    file weighs as much as many small ones.
    """

    stage: str
    done: int
    total: int
    bytes_done: int
    bytes_total: int
    path: Path | None = None


ProgressCallback = Callable[[Progress], None]

# Found while walking a folder, these are never minutes: the store itself, its lock, temporary
# and saved-index files, code, images and archives. Anything else is handed to the loader, which
# decides by content (a PDF saved as ".txt" is still read as a PDF). A file named explicitly is
# always tried.
SKIP_SUFFIXES = frozenset({
    ".json", ".jsonl", ".lock", ".tmp", ".md", ".py", ".pyc", ".sh", ".csv",
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".zip", ".gz", ".tar", ".7z",
    ".exe", ".dll", ".so", ".db", ".sqlite", ".pickle",
})

NO_SUCH_FILE = "no such file or directory"


@dataclass(frozen=True)
class SizePolicy:
    """How large a minutes file may be, the same for every intake (``referat ingest``, the
    watched folder, the feed).

    ``max_text_mb`` bounds the text a file holds, which is what parsing and every later question
    cost: real minutes hold well under 1 MB, a year's worth of one board a few. A PDF or Word
    file may be up to :data:`FILE_BYTES_PER_TEXT_BYTE` times larger than that on disk (it also
    carries fonts, images and layout); a bigger file is refused before it is opened.
    """

    max_text_mb: float = 5.0

    @property
    def max_text_chars(self) -> int:
        return int(self.max_text_mb * 1_000_000)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_text_mb * 1_000_000 * FILE_BYTES_PER_TEXT_BYTE)

    def refusal(self, path: Path) -> str:
        """Why ``path`` is refused before it is read, or "" if it may be read.

        A PDF or Word file (by its first bytes) may take :attr:`max_file_bytes`; any other file
        is text, whose size on disk is its text, so :attr:`max_text_chars` applies at once.
        """
        size = path.stat().st_size
        if size <= self.max_text_chars:
            return ""
        with path.open("rb") as handle:
            head = handle.read(1024)
        if b"%PDF-" in head or head.startswith(b"PK"):
            if size <= self.max_file_bytes:
                return ""
            return (f"too large: {size / 1e6:,.1f} MB, the limit for PDF and Word files is "
                    f"{self.max_file_bytes / 1e6:g} MB {RAISE_HINT}")
        return (f"too large: {size / 1e6:,.1f} MB of text, the limit is "
                f"{self.max_text_chars / 1e6:g} MB {RAISE_HINT}")


FILE_BYTES_PER_TEXT_BYTE = 10
RAISE_HINT = "(raise it with `referat ingest --max-size`)"
DEFAULT_POLICY = SizePolicy()


@dataclass
class IngestSummary:
    """What an ingest run did.

    ``files`` counts the candidate files that were tried (read or not); ``skipped`` lists
    ``(path, reason)`` for every path that did not end up in the store: missing paths, files
    the loader refused, and files superseded by a later file for the same meeting.
    """

    report: IngestReport
    files: int
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def scan_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Candidate files in argument order (each folder walked recursively, sorted), and the
    paths that do not exist.

    Hidden files and folders (``.git``, ``.DS_Store``, the store's own temporary files) and the
    :data:`SKIP_SUFFIXES` are left out of folder walks. A file reached twice is listed once.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    seen: set[str] = set()
    real_folders: dict[str, str] = {}

    def add(path: Path, key: str) -> None:
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for folder, dirs, names in os.walk(path):
                dirs[:] = [d for d in dirs if not _hidden(d)]
                for name in names:
                    if _hidden(name) or Path(name).suffix.lower() in SKIP_SUFFIXES:
                        continue
                    found.append(Path(folder, name))
            for file in sorted(found, key=lambda p: p.as_posix()):
                key = _walked_file_key(file, real_folders)
                if key is not None:
                    add(file, key)
        elif path.is_file():
            add(path, os.path.realpath(path))
        else:
            missing.append((str(path), NO_SUCH_FILE))
    return files, missing


def _walked_file_key(path: Path, real_folders: dict[str, str]) -> str | None:
    """``path``'s resolved path if it is a file, else None: ``path.resolve()`` after
    ``path.is_file()``, at one ``lstat`` for a plain file (not a link), which resolves to its
    folder, resolved once for all of the folder's files, plus its name. Resolving every file
    of 10,000 component by component was most of a scan."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    if not stat.S_ISREG(mode):  # a link, something else, or an error: the plain way
        return os.path.realpath(path) if path.is_file() else None
    folder = str(path.parent)
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = os.path.realpath(folder)
    return os.path.join(real, path.name)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files an ingest of ``paths`` would try: see :func:`scan_paths`."""
    return scan_paths(paths)[0]


def default_loader(policy: SizePolicy = DEFAULT_POLICY) -> Loader:
    """Read any supported document if the extractor is installed, else plain text only.

    Imported here, not at module level, so ingest works with just the text parser. The loader
    refuses a document holding more text than ``policy`` allows, before parsing it.
    """
    try:
        from store.extract import load_meeting
    except ImportError:
        from store.parse import parse_file

        return parse_file
    return functools.partial(load_meeting, max_text_chars=policy.max_text_chars)


LoadResult = tuple[Meeting | None, str, str]


def _load(loader: Loader, path: Path, policy: SizePolicy) -> LoadResult:
    """One file: the meeting, or None and the reason it was skipped; for a bug in the loader
    also the traceback, which the caller logs (a worker process has no log of its own)."""
    try:
        refusal = policy.refusal(path)
        if refusal:
            return None, refusal, ""
        return loader(path), "", ""
    except ParseError as exc:
        return None, str(exc), ""
    except OSError as exc:
        return None, exc.strerror or str(exc), ""
    except Exception as exc:
        # A bug in a loader: report the file, log the traceback, keep the rest of the batch.
        return None, f"internal error: {type(exc).__name__}: {exc}", traceback.format_exc()


def _load_chunk(loader: Loader, paths: list[Path], policy: SizePolicy) -> list[LoadResult]:
    """A worker process's task: a few files, each as :func:`_load` reads it."""
    return [_load(loader, path, policy) for path in paths]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# Reading files in worker processes pays once a run is long enough to cover starting them (a
# fork is quick; a spawned interpreter importing the parser takes about 0.2 s): a folder of many
# files, or a few large ones (reading a PDF costs far more than parsing its text). A handful of
# files, as the watched folder usually brings, is read in-process.
POOL_MIN_FILES = 64
POOL_MIN_BYTES = 2_000_000
FILES_PER_WORKER = 32  # at least, on a machine with many processors: no process for a few files
CHUNK_FILES = 8  # files per task at most: fewer round trips, and a crash retries few files
CHUNKS_PER_WORKER = 4  # tasks queued per worker: enough to keep it busy, few to redo on a crash
# How a pool fails: a worker died (BrokenProcessPool), or no process could be started (OSError;
# the loader's own OSErrors are caught in the worker).
POOL_FAILURES = (BrokenProcessPool, OSError)
WORKER_CRASHED = ("internal error: the process reading this file stopped abruptly "
                  "(it crashed or was killed)")


def worker_count() -> int:
    """The processors this process may run on (all of them unless the OS pins it to fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pool_size(workers: int | None, loader: Loader | None, sizes: list[int]) -> int:
    """How many worker processes to read with; 0 or 1 means in-process.

    ``workers=None`` decides: processes only for the default loader (a loader passed in may
    keep state, which a process of its own would not share) and only for a long run.
    """
    if workers is None:
        if loader is not None or (len(sizes) < POOL_MIN_FILES and sum(sizes) < POOL_MIN_BYTES):
            return 0
        workers = min(worker_count(), max(2, len(sizes) // FILES_PER_WORKER))
    return min(workers, len(sizes)) if len(sizes) > 1 else 0


def _chunk_files(files: int, workers: int) -> int:
    """Files per task: :data:`CHUNK_FILES`, or fewer when there are few files, so that each
    worker gets its share (two large PDFs go to two processes, not to one)."""
    return max(1, min(CHUNK_FILES, files // (workers * CHUNKS_PER_WORKER)))


def _load_serial(load: Loader, files: list[Path], policy: SizePolicy) -> Iterator[LoadResult]:
    for path in files:
        yield _load(load, path, policy)


def _load_in_pool(load: Loader, files: list[Path], policy: SizePolicy,
                  workers: int) -> Iterator[LoadResult]:
    """Every file's :func:`_load` result, in order, read by ``workers`` processes.

    A process that dies (a crash in a C library, the OOM killer) breaks the whole pool and fails
    every task it held; those files are read again one at a time, so only the file that kills
    its reader is reported (as :data:`WORKER_CRASHED`), and the run goes on with a new pool.
    If no worker process can start at all, the rest is read in this process.
    """
    done = 0
    while done < len(files):
        with contextlib.closing(_pool_run(load, files[done:], policy, workers)) as results:
            for result in results:
                done += 1
                yield result
        if done == len(files):
            return
        # The pool broke: the file that did it was among those queued.
        queued = workers * CHUNKS_PER_WORKER * _chunk_files(len(files) - done, workers)
        suspects = files[done:done + queued]
        try:
            for result in _load_one_by_one(load, suspects, policy):
                done += 1
                yield result
        except _NoWorkers:
            log.warning("worker processes do not start; reading the remaining %d files in this "
                        "process", len(files) - done)
            yield from _load_serial(load, files[done:], policy)
            return


class _NoWorkers(Exception):
    """A fresh worker process failed a task that cannot fail: processes cannot be used here."""


def _load_one_by_one(load: Loader, files: list[Path], policy: SizePolicy) -> Iterator[LoadResult]:
    """Each file alone in a worker process, so a crash is known to be that file's."""
    pool = _spawn_pool(1)
    try:
        for path in files:
            try:
                result = pool.submit(_load_chunk, load, [path], policy).result()[0]
            except POOL_FAILURES:
                pool.shutdown(wait=True)
                pool = _spawn_pool(1)
                if not _starts(pool):
                    raise _NoWorkers from None
                result = None, WORKER_CRASHED, ""
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _starts(pool: ProcessPoolExecutor) -> bool:
    """Whether the pool's process starts and answers (a crash was then the file's doing)."""
    try:
        return pool.submit(_ready).result()
    except POOL_FAILURES:
        return False


def _ready() -> bool:
    return True


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(_start_method()),
                               initializer=_worker_started)


def _start_method() -> str:
    """How worker processes start: forked where that is safe, spawned elsewhere.

    A fork starts at once and needs nothing from the main module, but a forked copy of a process
    with other threads (the bot reads its watched folder from one) can inherit a lock that one of
    them held and hang; a spawned worker is a fresh interpreter (and needs the main module
    guarded by ``if __name__ == "__main__"``, as every entry point here is). macOS spawns: its
    system libraries do not survive a fork.
    """
    if (threading.active_count() == 1 and sys.platform != "darwin"
            and "fork" in multiprocessing.get_all_start_methods()):
        return "fork"
    return "spawn"


def _worker_started() -> None:
    """A forked worker inherits the parent's objects and its paused collector: set the objects
    aside (collecting would walk, and so copy, every page of them) and collect its own."""
    gc.freeze()
    gc.enable()


def _pool_run(load: Loader, files: list[Path], policy: SizePolicy,
              workers: int) -> Iterator[LoadResult]:
    """Results in file order until the pool breaks (then the generator just stops)."""
    size = _chunk_files(len(files), workers)
    chunks = (files[i:i + size] for i in range(0, len(files), size))
    pool = _spawn_pool(workers)
    try:
        queued: deque[Future] = deque()
        for chunk in itertools.islice(chunks, workers * CHUNKS_PER_WORKER):
            queued.append(pool.submit(_load_chunk, load, chunk, policy))
        while queued:
            results = queued.popleft().result()
            for chunk in itertools.islice(chunks, 1):
                queued.append(pool.submit(_load_chunk, load, chunk, policy))
            yield from results
    except POOL_FAILURES:
        return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ingest_paths(store: Store, paths: Iterable[str | Path], loader: Loader | None = None,
                 progress: ProgressCallback | None = None,
                 policy: SizePolicy = DEFAULT_POLICY,
                 municipality: str | None = None,
                 workers: int | None = None) -> IngestSummary:
    """Load every file under ``paths`` and ingest all meetings in one transaction.

    ``municipality`` names the municipality whose minutes these are (a watched folder or feed
    of one municipality); it replaces whatever the text suggested, since minutes often name
    neighbouring municipalities too.

    A file larger than ``policy`` allows is skipped with the reason, whatever the loader.

    Two files for the same meeting (same body and date): the later one in scan order wins (a
    later argument, or later in a folder's sorted order), and the earlier file is reported in
    ``skipped`` as superseded, so nothing disappears silently. ``progress`` is called for each
    file in order, before its meeting is taken, and once before the store is written.

    Many files (:data:`POOL_MIN_FILES`, :data:`POOL_MIN_BYTES`) are read and parsed in worker
    processes, one per processor, while this process keeps the order, the choices above and the
    one store write. ``workers`` overrides that: 0 or 1 reads in-process, N > 1 uses up to N
    processes (``loader`` must then be picklable: a module-level function or a partial of one).
    """
    load = loader or default_loader(policy)
    files, skipped = scan_paths(paths)
    sizes = [_size(path) for path in files]
    total_bytes, done_bytes = sum(sizes), 0
    processes = _pool_size(workers, loader, sizes)
    results = (_load_in_pool(load, files, policy, processes) if processes > 1
               else _load_serial(load, files, policy))
    chosen: dict[str, tuple[Path, Meeting]] = {}
    with _collector_paused():
        with contextlib.closing(results):  # the worker processes end before the store is written
            for index, path in enumerate(files):
                if progress:
                    progress(Progress("read", index, len(files), done_bytes, total_bytes, path))
                done_bytes += sizes[index]
                meeting, reason, trace = next(results)
                if trace:
                    log.error("internal error while reading %s\n%s", path, trace.rstrip())
                if meeting is None:
                    skipped.append((str(path), reason))
                    continue
                _take(chosen, skipped, path, meeting, municipality)
        if progress:
            progress(Progress("write", len(files), len(files), total_bytes, total_bytes))
        report = store.ingest([meeting for _, meeting in chosen.values()])
    return IngestSummary(report=report, files=len(files), skipped=skipped)


def _take(chosen: dict[str, tuple[Path, Meeting]], skipped: list[tuple[str, str]], path: Path,
          meeting: Meeting, municipality: str | None) -> None:
    """Keep ``meeting`` (with the municipality given, if any); an earlier file for the same
    meeting becomes a skipped one."""
    if municipality and meeting.municipality != municipality:
        meeting.municipality = municipality
        meeting.content_hash = ""
    if not meeting.content_hash:
        meeting.content_hash = meeting.compute_hash()
    previous = chosen.pop(meeting.meeting_id, None)
    if previous is not None:
        reason = f"same meeting ({meeting.meeting_id}) as {path}, which is used instead"
        skipped.append((str(previous[0]), reason))
    chosen[meeting.meeting_id] = (path, meeting)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while an ingest piles up its records.

    Every meeting read stays alive until the store is written, and each automatic full
    collection walks all of them again: at 10,000 meetings that was a seventh of the run. The
    parser makes no reference cycles worth collecting meanwhile. The collector is switched back
    on only if it was on, so concurrent ingests leave it as they found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
