"""Follow-up questions in a conversation: "og den forrige?", "what about 2016?", "indstillingen?".

A follow-up is short and leans on the previous answer in the same thread. :func:`resolve` turns it
into something :class:`store.search.Searcher` can answer on its own: the previous question with a
new period or body, the previous question restricted to the meetings before the previous answer's,
or "this field of that item". It is pure: the caller keeps the previous result per thread and
supplies the earlier meetings of a body.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from store.records import ItemRecord
from store.text import normalise

# Fields of the previous answer's item a follow-up may ask for, by the words people use.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "recommendation": ("indstilling", "indstillingen", "indstillet", "recommendation",
                       "recommended", "forslaget", "proposal", "indstillede"),
    "decision": ("beslutning", "beslutningen", "besluttet", "decision", "decided", "outcome",
                 "udfaldet", "resultatet"),
    "resume": ("resume", "resumeet", "resumé", "resuméet", "baggrund", "baggrunden",
               "summary", "background", "sagsfremstilling", "sagsfremstillingen"),
    "case": ("sagsnummer", "sagsnummeret", "sagsnr", "case number", "journalnummer"),
}
# What starts a follow-up: "og", "hvad med", "what about", "and", "how about", "samme for".
_LEAD = re.compile(r"(?i)^\s*(?:og\s+hvad\s+med|hvad\s+så\s+med|hvad\s+med|og\s+i|og\s+for|og|"
                   r"what\s+about|how\s+about|and\s+in|and\s+for|and|samme\s+for|same\s+for)\b"
                   r"\s*")
_PREVIOUS = re.compile(r"(?i)\b(?:den\s+forrige|det\s+forrige|forrige(?:\s+møde)?|"
                       r"mødet\s+før|før\s+det|the\s+previous(?:\s+(?:one|meeting))?|"
                       r"previous(?:\s+(?:one|meeting))?|the\s+one\s+before|before\s+that)\b")
_FIELD_Q = re.compile(r"(?i)^\s*(?:og\s+|and\s+)?(?:hvad\s+(?:var|er|blev)\s+|"
                      r"what\s+(?:was|is|were)\s+|hvad\s+stod\s+der\s+i\s+|vis\s+|show\s+(?:me\s+)?)?(?:the\s+|den\s+|"
                      r"det\s+)?(?P<word>[\w\s]+?)\s*\??\s*$")
MAX_WORDS = 6


@dataclass
class Resolution:
    """What a question means in its thread.

    ``question`` is what to search; ``meeting_ids`` restricts the search; ``record`` and
    ``focus`` answer with one field of the previous item; ``meeting_id`` is the meeting a
    meeting-fact question is about when it names none.
    """

    question: str
    meeting_ids: list[str] | None = None
    record: ItemRecord | None = None
    focus: str = ""
    meeting_id: str | None = None
    followup: bool = False
    notes: list[str] = field(default_factory=list)


def asked_field(question: str) -> str:
    """The item field a short question asks for ("hvad var indstillingen?"), or ""."""
    m = _FIELD_Q.match(question)
    if not m:
        return ""
    word = normalise(m.group("word"))
    for name, words in FIELD_WORDS.items():
        if word in {normalise(w) for w in words}:
            return name
    return ""


def resolve(question: str, previous_question: str, previous_top: ItemRecord | None,
            earlier_meetings: Callable[[str, str | None], list[str]],
            is_filter_only: Callable[[str], bool]) -> Resolution:
    """Resolve ``question`` against the previous turn of its thread.

    ``previous_question`` is the previous resolved question ("" when there is none),
    ``previous_top`` its first result; ``earlier_meetings(body, date)`` lists the ids of that
    body's meetings before ``date``, newest first; ``is_filter_only(text)`` tells whether a text
    names only a period, body or municipality (no topic).

    >>> r = resolve("what about 2016?", "kommunikationsstrategi 2023", None,
    ...             lambda b, d: [], lambda t: True)
    >>> r.question
    'kommunikationsstrategi 2016'
    """
    out = Resolution(question)
    if not previous_question or len(question.split()) > MAX_WORDS:
        return out
    focus = asked_field(question)
    if focus and previous_top is not None:
        return Resolution(previous_question, record=previous_top, focus=focus, followup=True)
    if _PREVIOUS.search(question) and previous_top is not None:
        # No earlier meeting: an empty scope, so the answer says nothing was found.
        before = earlier_meetings(previous_top.body, previous_top.date)
        return Resolution(f"{previous_question} seneste", meeting_ids=before, followup=True)
    lead = _LEAD.match(question)
    if lead:
        rest = question[lead.end():].strip(" ?!.")
        if rest and is_filter_only(rest):
            return Resolution(f"{_without_period(previous_question)} {rest}".strip(),
                              followup=True)
    return out


def _without_period(question: str) -> str:
    """The question without its date expression (a follow-up brings a new one)."""
    from store.query import Query, _extract_dates

    return " ".join(_extract_dates(question, Query(text=question, lang="da")).split())


class Conversations:
    """The last answer of each recent conversation (a Slack thread, a DM, a console session).

    Bounded: the oldest conversations are forgotten first, and an answer older than ``ttl``
    seconds is not built on (a question asked tomorrow is a new question).
    """

    def __init__(self, size: int = 1000, ttl: float = 3600.0) -> None:
        self._size = size
        self._ttl = ttl
        self._last: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._last.get(key)
            if entry is None or time.monotonic() - entry[0] > self._ttl:
                return None
            return entry[1]

    def put(self, key: Hashable, result: Any) -> None:
        with self._lock:
            self._last[key] = (time.monotonic(), result)
            self._last.move_to_end(key)
            while len(self._last) > self._size:
                self._last.popitem(last=False)
