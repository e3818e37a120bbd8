"""Plain records that flow from the parser into the store and out of search.

The parser produces a :class:`Meeting` holding :class:`Item` objects. The store keeps one flat
document per agenda item (an :class:`ItemRecord`: the item's fields plus its meeting's body and
date), because every question is answered from items, and an item that carries its meeting's
identity can be shown without a second lookup.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


class ReferatError(Exception):
    """An expected failure with a message meant for the user (never a bug)."""


class ParseError(ReferatError):
    """A file could not be read as minutes; the message names the file and says why."""


class StoreError(ReferatError):
    """The store file could not be read or written."""


@dataclass
class Item:
    """One agenda item as printed in the minutes.

    Closed items ("Lukket: ...") keep their number, title and case number only: their content is
    never stored, so it can never be shown by mistake.
    """

    number: int | None
    title: str
    closed: bool = False
    case_number: str | None = None
    journal_number: str | None = None
    document_number: str | None = None
    decision: str = ""
    recommendation: str = ""
    resume: str = ""
    presentation: str = ""
    treatment: str = ""
    economy: str = ""
    attachments: list[str] = field(default_factory=list)
    text: str = ""


MINUTES = "minutes"
AGENDA = "agenda"

# What json.dumps(..., ensure_ascii=False) builds anew on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)


@dataclass
class Meeting:
    """One meeting: its header and agenda items, as parsed from one file.

    ``kind`` is ``"minutes"`` (decisions taken) or ``"agenda"`` (a dagsorden published before
    the meeting: its items have no decision yet). ``absent`` lists the members noted as absent
    ("Fraværende", "Afbud"). ``municipality`` is the municipality's name ("Køge"), from the text
    or given at ingest; None when neither says.
    """

    body: str
    date: str | None
    start_time: str | None = None
    place: str = ""
    participants: list[str] = field(default_factory=list)
    source: str = ""
    content_hash: str = ""
    items: list[Item] = field(default_factory=list)
    municipality: str | None = None
    absent: list[str] = field(default_factory=list)
    kind: str = MINUTES
    # For minutes whose text gives no date: the file's name, so two undated meetings of one
    # body stay two meetings (and the same file read again still replaces its meeting).
    undated_key: str = ""

    @property
    def meeting_id(self) -> str:
        """A meeting is identified by municipality, body and date (a re-published file
        replaces it); the same body name in two municipalities is two meetings."""
        date = self.date or (f"undated:{self.undated_key}" if self.undated_key else None)
        return meeting_id(self.body, date, self.municipality)

    def compute_hash(self) -> str:
        """A fingerprint of what was parsed (not of the file's bytes).

        The same minutes ingested from a text file, a PDF or a Word file hash alike, so only a real
        change in content counts as an update. Built from the fields directly: a deep copy of
        every item (``dataclasses.asdict``) cost more than parsing them.
        """
        head = [self.body, self.date, self.start_time, self.place, self.participants,
                self.municipality, self.absent, self.kind]
        # The header's JSON, then each item's, one after the other: the same bytes as hashing
        # them one by one did, so stored hashes stay valid.
        parts = [_JSON.encode(head)]
        parts.extend([_JSON.encode(list(vars(item).values())) for item in self.items])
        return hashlib.sha256("".join(parts).encode("utf-8")).hexdigest()

    def records(self) -> list[ItemRecord]:
        """The flat item records the store keeps for this meeting, in agenda order."""
        return [ItemRecord(**doc) for doc in self.record_docs()]

    def record_docs(self) -> list[dict[str, Any]]:
        """The stored documents of :meth:`records`, built directly (keys in field order, a
        closed item emptied as :meth:`ItemRecord.public` does): the store writes these, and
        without a record object per item, which at 100,000 items was a fifth of writing it.
        This is the one place an item and its meeting become a record's fields."""
        mid = self.meeting_id
        docs = []
        for item in self.items:
            doc = {
                "meeting_id": mid, "body": self.body, "date": self.date,
                "item_number": item.number, "title": item.title, "closed": item.closed,
                "case_number": item.case_number, "journal_number": item.journal_number,
                "document_number": item.document_number, "decision": item.decision,
                "recommendation": item.recommendation, "resume": item.resume,
                "presentation": item.presentation, "treatment": item.treatment,
                "economy": item.economy, "attachments": list(item.attachments),
                "text": item.text, "source": self.source, "start_time": self.start_time,
                "municipality": self.municipality, "kind": self.kind,
            }
            if item.closed:
                doc.update(_closed_fields())
            docs.append(doc)
        return docs

    def header(self) -> dict[str, Any]:
        """The meeting's own fields, without items, as the store keeps them."""
        # Field by field rather than dataclasses.asdict, which would deep-copy every item only to
        # drop them again (most of the time of a large ingest).
        names = [f.name for f in dataclasses.fields(self) if f.name != "items"]
        data = {name: getattr(self, name) for name in names}
        data["participants"] = list(self.participants)
        data["absent"] = list(self.absent)
        data["meeting_id"] = self.meeting_id
        data["item_count"] = len(self.items)
        return data


def meeting_id(body: str, date: str | None, municipality: str | None = None) -> str:
    """The key of a meeting: ``"Kalundborg|Direktionen|2023-02-20"``.

    Without a municipality the key is ``"Direktionen|2023-02-20"``, as stores written before
    municipalities were read keep it.
    """
    key = f"{body}|{date or 'undated'}"
    return f"{municipality}|{key}" if municipality else key


@dataclass(slots=True)
class ItemRecord:
    """An agenda item as stored and searched: the item plus its meeting's identity.

    The store holds its items as these records and hands out the very objects (read-only by
    contract); the attachments are a tuple, so not even a careless caller can change them.
    """

    meeting_id: str
    body: str
    date: str | None
    item_number: int | None
    title: str
    closed: bool
    case_number: str | None
    journal_number: str | None
    document_number: str | None
    decision: str
    recommendation: str
    resume: str
    presentation: str
    treatment: str
    economy: str
    attachments: tuple[str, ...]
    text: str
    source: str
    start_time: str | None = None
    municipality: str | None = None
    kind: str = MINUTES  # the meeting's kind: "agenda" means no decision has been made yet

    def __post_init__(self) -> None:
        if type(self.attachments) is not tuple:
            self.attachments = tuple(self.attachments)

    @property
    def decision_pending(self) -> bool:
        """True for an item of an agenda: the board has not decided it yet."""
        return self.kind == AGENDA and not self.decision

    def public(self) -> ItemRecord:
        """The record as any surface may show it: a closed item with every content field
        emptied, whatever the record holds; an open item unchanged (``self``).

        The parser leaves closed items empty, but a spelling it did not recognise, an older
        store file or a hand-edited one could still carry text; this is the one place that
        decides what of a closed item leaves the store: number, title, case number and the
        meeting it belongs to.
        """
        if not self.closed:
            return self
        return dataclasses.replace(self, **_closed_fields())

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ItemRecord:
        """Build a record from a stored document, ignoring keys this version does not know."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in names}).public()

    def to_doc(self) -> dict[str, Any]:
        """The stored document (its attachments a list, as JSON has them)."""
        doc = {name: getattr(self, name) for name in _ITEM_RECORD_FIELDS}
        doc["attachments"] = list(self.attachments)
        return doc


# A record has no per-instance __dict__ (slots: 100,000 of them are in memory at once).
_ITEM_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(ItemRecord))


def _closed_fields() -> dict[str, Any]:
    """The content fields of a closed item, as :meth:`ItemRecord.public` empties them."""
    return {"journal_number": None, "document_number": None, "decision": "",
            "recommendation": "", "resume": "", "presentation": "", "treatment": "",
            "economy": "", "attachments": [], "text": ""}


@dataclass
class MeetingRecord:
    """A meeting as listed by the store (header only, no items)."""

    meeting_id: str
    body: str
    date: str | None
    start_time: str | None
    place: str
    participants: list[str]
    source: str
    content_hash: str
    item_count: int
    ingested_at: str = ""
    municipality: str | None = None
    absent: list[str] = field(default_factory=list)
    kind: str = MINUTES

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MeetingRecord:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in names})
