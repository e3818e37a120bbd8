"""``referat check FILE…``: show how a file is read, without storing anything.

This is how a municipality's IT staff see whether their minutes are understood: the meeting
facts, then every item with its number, title, case number, closed flag and the first line of
its decision, how the items were found, and what was dropped as page furniture or web chrome.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from store.parse import Reading, read_text
from store.records import AGENDA, ParseError


def read_file(path: str | Path) -> Reading:
    """Read one file of any supported kind (text, PDF, Word) as ingest would."""
    try:
        from store.extract import read_document
    except ImportError:  # the extractor's dependencies are optional
        from store.parse import decode_bytes

        text = decode_bytes(Path(path).read_bytes(), str(path))
    else:
        text = read_document(path)
    return read_text(text, source=str(path))


def _first_line(text: str, width: int = 70) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def report(reading: Reading) -> list[str]:
    """The lines ``referat check`` prints for one document."""
    m = reading.meeting
    out = [
        f"municipality: {m.municipality or '-'}",
        f"body:         {m.body}",
        f"date:         {m.date or '-'}  time: {m.start_time or '-'}",
        f"place:        {m.place or '-'}",
        f"kind:         {m.kind}" + ("  (an agenda: no decisions yet)" if m.kind == AGENDA else ""),
        f"participants: {len(m.participants)}  absent: {', '.join(m.absent) or '-'}",
        f"items:        {len(m.items)} (found by {reading.how})",
    ]
    for item in m.items:
        number = "-" if item.number is None else str(item.number)
        flag = "CLOSED " if item.closed else ""
        out.append(f"  {number:>4}  {flag}{item.title}")
        out.append(f"        case: {item.case_number or '-'}"
                   f"  decision: {_first_line(item.decision) or '-'}")
    if reading.removed:
        counts = Counter(reason for reason, _ in reading.removed)
        out.append("ignored as furniture: " + ", ".join(f"{n} {r}" for r, n in counts.items()))
        for reason, line in reading.removed[:10]:
            out.append(f"  [{reason}] {_first_line(line, 60)}")
    return out


def check_paths(paths: list[str]) -> tuple[list[str], int]:
    """Report lines for every file, and how many files yielded no meeting."""
    out: list[str] = []
    failed = 0
    for path in paths:
        out.append(f"== {path}")
        try:
            out.extend(report(read_file(path)))
        except (ParseError, OSError) as exc:
            failed += 1
            out.append(f"not read: {exc}")
    return out, failed
