"""Turn files and folders of minutes into one store transaction.

Every file is read on its own and a file that cannot be read is reported, never fatal: one bad
PDF in a folder of a thousand must not lose the other 999. Everything that loaded is then written
in ONE :meth:`Store.ingest` call, so the store file is written once per run.

    >>> summary = ingest_paths(Store("data/referat.json"), ["minutes/"])   # doctest: +SKIP
    >>> summary.report.added, summary.skipped                               # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from store.db import IngestReport, Store
from store.records import Meeting, ParseError

log = logging.getLogger(__name__)

Loader = Callable[[Path], Meeting]

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


def default_loader() -> Loader:
    """Read any supported document if the extractor is installed, else plain text only.

    Imported here, not at module level, so ingest works with just the text parser.
    """
    try:
        from store.extract import load_meeting
    except ImportError:
        from store.parse import parse_file

        return parse_file
    return load_meeting


def _load(loader: Loader, path: Path) -> tuple[Meeting | None, str]:
    """One file: the meeting, or None and the reason it was skipped."""
    try:
        return loader(path), ""
    except ParseError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    except Exception as exc:
        # A bug in a loader: report the file, log the traceback, keep the rest of the batch.
        log.exception("internal error while reading %s", path)
        return None, f"internal error: {type(exc).__name__}: {exc}"


def ingest_paths(store: Store, paths: Iterable[str | Path],
                 loader: Loader | None = None) -> IngestSummary:
    """Load every file under ``paths`` and ingest all meetings in one transaction.

    Two files for the same meeting (same body and date): the later one in scan order wins (a
    later argument, or later in a folder's sorted order), and the earlier file is reported in
    ``skipped`` as superseded, so nothing disappears silently.
    """
    load = loader or default_loader()
    files, skipped = scan_paths(paths)
    chosen: dict[str, tuple[Path, Meeting]] = {}
    for path in files:
        meeting, reason = _load(load, path)
        if meeting is None:
            skipped.append((str(path), reason))
            continue
        if not meeting.content_hash:
            meeting.content_hash = meeting.compute_hash()
        previous = chosen.pop(meeting.meeting_id, None)
        if previous is not None:
            reason = f"same meeting ({meeting.meeting_id}) as {path}, which is used instead"
            skipped.append((str(previous[0]), reason))
        chosen[meeting.meeting_id] = (path, meeting)
    report = store.ingest([meeting for _, meeting in chosen.values()])
    return IngestSummary(report=report, files=len(files), skipped=skipped)
