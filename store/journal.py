"""What the last write of a store file changed, kept beside it for readers one write behind.

A running bot re-reads the store when another process (an ingest) has written it. At 100,000
items the file is about 100 MB, and parsing it holds the interpreter for most of a second, so a
question asked meanwhile waits that long. Yet an ingest of new minutes changes a few dozen
documents. So every write also leaves ``<store>.journal.json``:

* ``before`` and ``after`` -- the content stamps before and after the write;
* ``sig`` -- the signature (mtime, size, inode) of the store file the write produced;
* ``tables`` -- per table, the documents put (``{"doc id": {...}}``) and the ids dropped.

A reader whose content stamp is ``before`` and whose ``stat`` of the file gives ``sig`` applies
the journal instead of re-reading the file; any other reader, a missing or damaged journal, or
a write too large to journal (:data:`MAX_DOCS`) means reading the whole file, as before. The
journal never adds anything the file does not hold: it is written after the file, under the
same lock, and only trusted for the exact file it names.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import orjson

Tables = dict[str, dict[str, dict[str, Any]]]
Signature = tuple[int, int, int]

FORMAT = "referat-journal"
MAX_DOCS = 5_000  # documents changed by one write; a larger write is not journaled
MAX_BYTES = 32 * 1024 * 1024


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal.json")


def changes(before: Tables, after: Tables, tables: tuple[str, ...]) -> dict | None:
    """Documents put and dropped between two states of the data (None: too many to journal).

    A write replaces the documents it changes with new objects and keeps the others, so a
    document that is not the very object it was has been put.
    """
    out: dict[str, dict] = {}
    total = 0
    for name in tables:
        old, new = before.get(name, {}), after.get(name, {})
        dropped = [key for key in old if key not in new]
        put = {key: doc for key, doc in new.items() if old.get(key) is not doc}
        total += len(dropped) + len(put)
        if total > MAX_DOCS:
            return None
        out[name] = {"put": put, "drop": dropped}
    return out


def write(path: Path, before: str | None, after: str | None, sig: Signature,
          changed: dict | None, write_file: Any) -> None:
    """Leave the journal of the write that produced ``sig`` (or none, for a large write)."""
    target = journal_path(path)
    if changed is None:
        with contextlib.suppress(OSError):
            os.unlink(target)
        return
    blob = orjson.dumps({"format": FORMAT, "before": before, "after": after, "sig": list(sig),
                         "tables": changed})  # records are written as their documents
    try:
        write_file(target, blob)
    except OSError:  # the file itself is written: readers then read it whole
        with contextlib.suppress(OSError):
            os.unlink(target)


def read(path: Path, stamp: str | None, sig: Signature) -> dict | None:
    """The journal's table changes if it leads from ``stamp`` to the file with ``sig``."""
    target = journal_path(path)
    try:
        if target.stat().st_size > MAX_BYTES:
            return None
        doc = json.loads(target.read_bytes())
    except (OSError, ValueError):
        return None
    if not (isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("before") == stamp
            and doc.get("sig") == list(sig) and _well_formed(doc.get("tables"))):
        return None
    return doc["tables"]


def apply(data: Tables, changed: dict) -> Tables:
    """The data with the journal's changes applied (new table dicts; ``data`` is not changed)."""
    out = dict(data)
    for name, change in changed.items():
        table = dict(out.get(name, {}))
        for key in change["drop"]:
            table.pop(key, None)
        table.update(change["put"])
        out[name] = table
    return out


def _well_formed(tables: Any) -> bool:
    if not isinstance(tables, dict):
        return False
    for change in tables.values():
        if not (isinstance(change, dict) and isinstance(change.get("put"), dict)
                and isinstance(change.get("drop"), list)):
            return False
        if not all(isinstance(key, str) and key.isdigit() and isinstance(doc, dict)
                   for key, doc in change["put"].items()):
            return False
        if not all(isinstance(key, str) for key in change["drop"]):
            return False
    return True
