"""Turn files and folders of minutes into one store transaction.

Every file is read on its own and a file that cannot be read is reported, never fatal: one bad
PDF in a folder of a thousand must not lose the other 999. Everything that loaded is then written
in ONE :meth:`Store.ingest` call, so the store file is written once per run.

    >>> samples = Path(__file__).resolve().parents[1] / "examples" / "minutes"
    >>> summary = ingest_paths(Store(None), [samples])     # Store("data/referat.json") for a file
    >>> len(summary.report.added), summary.skipped
    (2, [])
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable
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
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
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
                if file.is_file():
                    add(file)
        elif path.is_file():
            add(path)
        else:
            missing.append((str(path), NO_SUCH_FILE))
    return files, missing


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


def _load(loader: Loader, path: Path, policy: SizePolicy) -> tuple[Meeting | None, str]:
    """One file: the meeting, or None and the reason it was skipped."""
    try:
        refusal = policy.refusal(path)
        if refusal:
            return None, refusal
        return loader(path), ""
    except ParseError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    except Exception as exc:
        # A bug in a loader: report the file, log the traceback, keep the rest of the batch.
        log.exception("internal error while reading %s", path)
        return None, f"internal error: {type(exc).__name__}: {exc}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest_paths(store: Store, paths: Iterable[str | Path], loader: Loader | None = None,
                 progress: ProgressCallback | None = None,
                 policy: SizePolicy = DEFAULT_POLICY,
                 municipality: str | None = None) -> IngestSummary:
    """Load every file under ``paths`` and ingest all meetings in one transaction.

    ``municipality`` names the municipality whose minutes these are (a watched folder or feed
    of one municipality); it replaces whatever the text suggested, since minutes often name
    neighbouring municipalities too.

    A file larger than ``policy`` allows is skipped with the reason, whatever the loader.

    Two files for the same meeting (same body and date): the later one in scan order wins (a
    later argument, or later in a folder's sorted order), and the earlier file is reported in
    ``skipped`` as superseded, so nothing disappears silently. ``progress`` is called before
    each file is read and once before the store is written.
    """
    load = loader or default_loader(policy)
    files, skipped = scan_paths(paths)
    sizes = [_size(path) for path in files]
    total_bytes, done_bytes = sum(sizes), 0
    chosen: dict[str, tuple[Path, Meeting]] = {}
    for index, path in enumerate(files):
        if progress:
            progress(Progress("read", index, len(files), done_bytes, total_bytes, path))
        done_bytes += sizes[index]
        meeting, reason = _load(load, path, policy)
        if meeting is None:
            skipped.append((str(path), reason))
            continue
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
    if progress:
        progress(Progress("write", len(files), len(files), total_bytes, total_bytes))
    report = store.ingest([meeting for _, meeting in chosen.values()])
    return IngestSummary(report=report, files=len(files), skipped=skipped)
