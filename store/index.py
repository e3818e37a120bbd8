"""The search index: postings, vocabulary, case keys and meetings, built once and then updated.

The index is what the :class:`~store.search.Searcher` scores against. It is built from the
store's items once (or loaded from the copy :mod:`store.index_cache` saved), and when meetings
are added, replaced or removed it is **updated** for those meetings' items only: a new index
object shares every posting list the change did not touch with the previous one, so the update
costs a few hundred milliseconds at 100,000 items where a build costs ten seconds, and questions
keep being answered from the previous object meanwhile.

Doc ids are positions in :attr:`Index.records`. An update appends the new meetings' items and
leaves the replaced ones as holes (``None``) that no posting, case key or meeting list refers to
any more. Two things are kept from the build rather than recomputed: the fields' average lengths
(BM25's length normalisation) and the positions of holes. When the holes or the items added since
the build pass :data:`REBUILD_SHARE` of the index, the next change is a full build instead, which
also brings the averages up to date.
"""

from __future__ import annotations

import bisect
import itertools
import math
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from store import semantic
from store.casenum import case_key, index_keys
from store.records import ItemRecord, MeetingRecord
from store.text import split_compound, terms

# Field weights: title > decision = recommendation > resume = body.
FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 3.0),
    ("decision", 1.5),
    ("recommendation", 1.5),
    ("resume", 0.7),
    ("body", 0.5),
)
K1 = 1.2
B = 0.75
# A concept found in more than this share of the items is too common to carry an answer alone.
MAX_COMMON_SHARE = 0.4
# How much a looser match of a query word counts, against an exact one.
W_EXACT = 1.0
W_INFLECTION = 0.9
W_FUZZY_1 = 0.85
W_FUZZY_2 = 0.7
W_COMPOUND_HEAD = 0.75  # "plaster" finds "plasterordning"
W_COMPOUND_TAIL = 0.6  # "strategi" finds "kommunikationsstrategi"
W_SPLIT = 0.6  # "kommunikationsteam" finds "team" + "kommunikation"
MAX_EXPANSIONS = 40


def _body_text(r: ItemRecord) -> str:
    # ``text`` is the whole item as printed (it repeats the structured fields, which is harmless
    # at the body's low weight and keeps anything the parser did not recognise searchable).
    parts = [r.text or " ".join((r.presentation, r.treatment, r.economy))]
    parts.extend(r.attachments or [])
    return "\n".join(parts)


def _field_texts(r: ItemRecord) -> tuple[str, ...]:
    return (r.title or "", r.decision or "", r.recommendation or "", r.resume or "", _body_text(r))
# An update that would leave more than this share of the index as holes or late additions is
# a full build instead.
REBUILD_SHARE = 0.2
SEM_REFRESH_S = 10.0  # item vectors added by a running backfill are picked up this often

Postings = tuple[dict[str, array], dict[str, array]]


def _field_texts(r: ItemRecord) -> tuple[str, ...]:
    return (r.title or "", r.decision or "", r.recommendation or "", r.resume or "", _body_text(r))


def _body_text(r: ItemRecord) -> str:
    # ``text`` is the whole item as printed (it repeats the structured fields, which is harmless
    # at the body's low weight and keeps anything the parser did not recognise searchable).
    parts = [r.text or " ".join((r.presentation, r.treatment, r.economy))]
    parts.extend(r.attachments or [])
    return "\n".join(parts)


def _field_counts(records: Iterable[ItemRecord]) -> tuple[list[list[dict[str, int]]], list[int]]:
    """Term counts per field of each record, and the fields' total lengths."""
    per_doc: list[list[dict[str, int]]] = []
    lengths = [0] * len(FIELDS)
    for r in records:
        fields_tf: list[dict[str, int]] = []
        for f, text in enumerate(_field_texts(r)):
            tf: dict[str, int] = {}
            toks = terms(text) if text else []
            for t in toks:
                tf[t] = tf.get(t, 0) + 1
            lengths[f] += len(toks)
            fields_tf.append(tf)
        per_doc.append(fields_tf)
    return per_doc, lengths


def _doc_weights(fields_tf: list[dict[str, int]], avg: Sequence[float]) -> dict[str, float]:
    """One item's per-field BM25 weights (without IDF), summed over the fields."""
    combined: dict[str, float] = {}
    for f, tf in enumerate(fields_tf):
        if not tf:
            continue
        weight = FIELDS[f][1]
        norm = K1 * (1 - B + B * sum(tf.values()) / avg[f])
        for t, c in tf.items():
            combined[t] = combined.get(t, 0.0) + weight * c / (c + norm)
    return combined


def _add_postings(postings: Postings, first: int, per_doc: list[list[dict[str, int]]],
                  avg: Sequence[float], fresh: set[str] | None = None) -> None:
    """Append docs ``first, first + 1, ...`` to the postings in place.

    With ``fresh`` (an update), a list not yet in it is copied before it grows, so the previous
    index, which shares the lists, never sees the change.
    """
    ids, vals = postings
    for doc, fields_tf in enumerate(per_doc, start=first):
        for t, v in _doc_weights(fields_tf, avg).items():
            if t not in ids:
                ids[t], vals[t] = array("i"), array("f")
            elif fresh is not None and t not in fresh:
                ids[t], vals[t] = array("i", ids[t]), array("f", vals[t])
            if fresh is not None:
                fresh.add(t)
            ids[t].append(doc)
            vals[t].append(v)


def _drop_postings(postings: Postings, terms_of: Iterable[str], dead: set[int]) -> set[str]:
    """Remove the ``dead`` docs from the postings of the given terms (new lists, not in place);
    returns the terms."""
    ids, vals = postings
    touched = set(terms_of)
    for t in touched:
        if t not in ids:
            continue
        keep = [(d, v) for d, v in zip(ids[t], vals[t], strict=True) if d not in dead]
        if keep:
            ids[t] = array("i", (d for d, _ in keep))
            vals[t] = array("f", (v for _, v in keep))
        else:
            del ids[t], vals[t]
    return touched


class Index:
    """Postings per term (doc ids and per-field BM25 sums), vocabulary, case keys, meetings.

    ``Index(records, meetings)`` builds it; :meth:`updated` makes the next one for a changed
    store. ``meetings`` (the store's meeting headers) give each meeting's content hash, which is
    how an update tells a changed meeting from an unchanged one.
    """

    def __init__(self, records: list[ItemRecord], meetings: Sequence[MeetingRecord] = ()) -> None:
        self.records: list[ItemRecord | None] = records
        self.hashes = {m.meeting_id: m.content_hash for m in meetings}
        per_doc, lengths = _field_counts(records)
        self.avg = [max(1.0, total / max(1, len(records))) for total in lengths]
        self.ids: dict[str, array] = {}
        self.vals: dict[str, array] = {}
        _add_postings((self.ids, self.vals), 0, per_doc, self.avg)
        self.built_size = len(records)
        self.holes = 0
        self.case_exact: dict[str, list[int]] = {}
        self.case_partial: dict[str, list[int]] = {}
        _add_cases(self, enumerate(records), on_write=None)
        self._finish()

    def _finish(self) -> None:
        """Everything a build derives from the postings and records."""
        self.df = {t: len(a) for t, a in self.ids.items()}
        self.vocab = sorted(self.ids)
        self.rvocab = sorted(t[::-1] for t in self.ids)
        self.by_len: dict[int, list[str]] = {}
        for t in self.vocab:
            if not t.isdigit():
                self.by_len.setdefault(len(t), []).append(t)
        self._index_meetings()
        self._reset()

    def _reset(self) -> None:
        """The collection statistics and empty query caches (after a build or an update)."""
        self.n = len(self.records) - self.holes  # items, not holes: what IDF counts
        self.idf_unknown = self.idf_for(0)
        self.common_idf = self.idf_for(max(1.0, MAX_COMMON_SHARE * self.n))
        self._info_cache: dict[tuple[str, bool], TermInfo] = {}
        self._map_cache: dict[str, dict[int, float]] = {}
        self._sem_keys: list[str] | None = None
        self._sem_count = -1
        self._sem_at = 0.0
        self._sem: tuple[Any, Any] | None = None

    def _index_meetings(self) -> None:
        """Bodies, municipalities, years, meetings and each item's rank by date."""
        records = self.records
        live = [d for d, r in enumerate(records) if r is not None]
        self.bodies = sorted({records[d].body for d in live if records[d].body})
        self.years = {int(r.date[:4]) for d in live if (r := records[d]).date
                      and r.date[:4].isdigit()}
        # A sort key per item, smaller for newer: meeting date, agenda number, position.
        self.date_rank = [_HOLE if r is None else _age(r, d) for d, r in enumerate(records)]
        order = sorted(live, key=self.date_rank.__getitem__)
        self.body_docs: dict[str, set[int]] = {}
        self.municipality_docs: dict[str, set[int]] = {}
        self.meeting_docs: dict[str, list[int]] = {}
        for d in order:
            r = records[d]
            self.body_docs.setdefault(r.body, set()).add(d)
            if r.municipality:
                self.municipality_docs.setdefault(r.municipality, set()).add(d)
            self.meeting_docs.setdefault(r.meeting_id, []).append(d)
        self.municipalities = sorted(self.municipality_docs)

    # -- the store's side ----------------------------------------------------------------

    @classmethod
    def build(cls, store: Any) -> Index:
        """The index of everything the store holds."""
        return cls(store.items(), store.meetings())

    def update(self, store: Any) -> Index | None:
        """The index of what the store holds now, made from this one (see :meth:`updated`)."""
        return self.updated(store.items(), store.meetings())

    # -- updates -------------------------------------------------------------------------

    def updated(self, items: Sequence[ItemRecord],
                meetings: Sequence[MeetingRecord]) -> Index | None:
        """The index for the store now holding ``items`` and ``meetings``, or None when a full
        build is the better way there (a large change, or an index without meeting hashes).

        ``self`` is left as it is: questions being answered from it are not disturbed.
        """
        hashes = {m.meeting_id: m.content_hash for m in meetings}
        groups = _by_meeting(items)
        gone = {mid for mid, h in self.hashes.items() if hashes.get(mid) != h}
        # A meeting whose items are not what the index holds (an edit by hand) is replaced too.
        gone |= {mid for mid in self.hashes if mid not in gone
                 and len(groups.get(mid, ())) != len(self.meeting_docs.get(mid, ()))}
        new = [mid for mid in groups if mid in gone or mid not in self.hashes]
        dead = {d for mid in gone for d in self.meeting_docs.get(mid, ())}
        added = sum(len(groups[mid]) for mid in new)
        late = len(self.records) - self.built_size + added
        if not self.hashes or self.holes + len(dead) + late > REBUILD_SHARE * self.built_size:
            return None
        return _Update(self, groups, dead, new).apply(hashes)

    def __getstate__(self) -> dict[str, Any]:
        """What is saved (see :mod:`store.index_cache`): not the query caches."""
        state = dict(self.__dict__)
        for name in ("_info_cache", "_map_cache", "_sem_keys", "_sem"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._info_cache, self._map_cache = {}, {}
        self._sem_keys, self._sem_count, self._sem_at, self._sem = None, -1, 0.0, None

    def semantic_rows(self, vectors: semantic.VectorStore) -> tuple[Any, Any]:
        """Item vectors in doc order and a mask of which items have one (refreshed as the
        background backfill adds vectors)."""
        if self._sem_keys is None:
            # A hole has no vector: the empty key is never in the vector store.
            self._sem_keys = ["" if r is None else semantic.content_key(r) for r in self.records]
        # While a backfill adds vectors the rows are refreshed at most every few seconds:
        # copying 100,000 vectors costs more than a question may.
        stale = self._sem_count != len(vectors) and \
            time.monotonic() - self._sem_at >= SEM_REFRESH_S
        if self._sem is None or stale:
            self._sem_count = len(vectors)
            self._sem = vectors.matrix_for(self._sem_keys)
            self._sem_at = time.monotonic()
        return self._sem

    def idf_for(self, df: float) -> float:
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def idf(self, term: str) -> float:
        return self.idf_for(self.df.get(term, 0))

    # -- vocabulary matching -------------------------------------------------------------

    def _prefixed(self, prefix: str) -> list[str]:
        lo = bisect.bisect_left(self.vocab, prefix)
        hi = bisect.bisect_left(self.vocab, prefix + "\uffff")
        return self.vocab[lo:hi]

    def _suffixed(self, suffix: str) -> list[str]:
        rev = suffix[::-1]
        lo = bisect.bisect_left(self.rvocab, rev)
        hi = bisect.bisect_left(self.rvocab, rev + "\uffff")
        return [t[::-1] for t in self.rvocab[lo:hi]]

    def expand(self, term: str, fuzzy: bool) -> list[tuple[str, float]]:
        """Index terms a query term may stand for, with how much each counts."""
        out: dict[str, float] = {}
        if term in self.df:
            out[term] = W_EXACT
        if term.isdigit():
            return list(out.items())
        for t, w in self._inflections(term, fuzzy):
            if w > out.get(t, 0.0):
                out[t] = w
        if not out and fuzzy and len(term) >= 5:
            out = self._near_spellings(term)
        if not out and len(term) >= 8:
            parts = split_compound(term, self.df.__contains__)
            if parts and parts[0] in self.df:
                return [(p, -W_SPLIT) for p in parts]  # negative: all parts are needed
        return self._trim(term, out)

    def _inflections(self, term: str, fuzzy: bool) -> Iterable[tuple[str, float]]:
        """Inflected forms and compounds of a term that the vocabulary has."""
        # Inflections the stemmer leaves apart ("administrativ"/"administrativt", "aflyst"/"aflys").
        for cut in (1, 2):
            if len(term) - cut >= 4 and term[:-cut] in self.df:
                yield term[:-cut], W_INFLECTION
        # Verbal nouns of a verb stem the corpus has ("aflysning" → "aflys").
        for suffix in ("ning", "else", "ing"):
            base = term[: -len(suffix)]
            if term.endswith(suffix) and len(base) >= 4 and base in self.df:
                yield base, W_INFLECTION * 0.9
        yield from self._compound_heads(term)
        # A compound ending in the word: "strategi" finds "kommunikationsstrategi". Glossary
        # output is a clean Danish base noun, so it may be shorter ("baek" finds "moellebaek");
        # a typed four-letter word matches too many unrelated compounds.
        if len(term) >= (5 if fuzzy else 4):
            for t in self._suffixed(term):
                if len(t) - len(term) >= 3:
                    yield t, W_COMPOUND_TAIL

    def _compound_heads(self, term: str) -> Iterable[tuple[str, float]]:
        """Longer words starting with the term: inflections, or compounds it is the head of."""
        for t in self._prefixed(term) if len(term) >= 4 else ():
            rest = len(t) - len(term)
            if 0 < rest <= 2:
                yield t, W_INFLECTION
            elif rest >= 3:
                tail = t[len(term):]
                if tail[0] in "se" and tail[1:] in self.df:
                    tail = tail[1:]
                if tail in self.df or len(term) >= 5:
                    yield t, W_COMPOUND_HEAD

    def _near_spellings(self, term: str) -> dict[str, float]:
        """Vocabulary words one or two edits away (typos), for terms of five letters or more."""
        limit = 1 if len(term) <= 7 else 2
        choices: list[str] = []
        for n in range(len(term) - limit, len(term) + limit + 1):
            choices.extend(self.by_len.get(n, ()))
        found = process.extract(term, choices, scorer=OSA.distance, processor=None,
                                score_cutoff=limit, limit=5)
        return {t: (W_FUZZY_1 if dist <= 1 else W_FUZZY_2) for t, dist, _ in found}

    def _trim(self, term: str, out: dict[str, float]) -> list[tuple[str, float]]:
        if term in self.df:
            # A looser form far more common than the word itself ("oekonomisk" for "oekonomi")
            # dilutes the question and costs a long postings scan.
            cap = max(4 * self.df[term], 500)
            out = {t: w for t, w in out.items() if t == term or self.df[t] <= cap}
        if len(out) > MAX_EXPANSIONS:
            best = sorted(out.items(), key=lambda kv: (-kv[1], -self.df[kv[0]]))
            out = dict(best[:MAX_EXPANSIONS])
        return list(out.items())

    def term_info(self, term: str, fuzzy: bool) -> TermInfo:
        """How a query term is matched: its expansions, weight in the question, postings size."""
        key = (term, fuzzy)
        info = self._info_cache.get(key)
        if info is not None:
            return info
        expansions = self.expand(term, fuzzy)
        if not expansions:
            info = TermInfo([], self.idf_unknown, False, False, 0)
        elif expansions[0][1] < 0:  # a compound split into known parts: each part must match
            parts = [(t, -w) for t, w in expansions]
            weight = min(w * self.idf(t) for t, w in parts)
            info = TermInfo(parts, weight, True, True, min(self.df[t] for t, _ in parts))
        else:
            weight = max(w * self.idf(t) for t, w in expansions)
            info = TermInfo(expansions, weight, True, False,
                             sum(self.df[t] for t, _ in expansions))
        if len(self._info_cache) > 10_000:
            self._info_cache.clear()
        self._info_cache[key] = info
        return info

    def term_scores(self, info: TermInfo, cand: set[int] | None) -> dict[int, float]:
        """Per-doc score of one query term (only docs in ``cand`` when given)."""
        if not info.known:
            return {}
        if info.split:
            maps = [self._scores_for([(t, w)], cand) for t, w in info.expansions]
            common = set(maps[0]).intersection(*maps[1:])
            return {d: sum(m[d] for m in maps) / len(maps) for d in common}
        return self._scores_for(info.expansions, cand)

    def _posting_map(self, term: str) -> dict[int, float]:
        m = self._map_cache.get(term)
        if m is None:
            if len(self._map_cache) > 64:
                self._map_cache.clear()
            m = dict(zip(self.ids[term], self.vals[term], strict=True))
            self._map_cache[term] = m
        return m

    def _scores_for(self, expansions: Iterable[tuple[str, float]],
                    cand: set[int] | None) -> dict[int, float]:
        out: dict[int, float] = {}
        get = out.get
        for t, w in expansions:
            factor = w * self.idf(t)
            if cand is not None and len(cand) * 4 < self.df[t]:
                # Few candidates, long postings: look the candidates up instead of scanning.
                m = self._posting_map(t)
                for d in cand:
                    v = m.get(d)
                    if v is not None:
                        s = factor * v
                        if s > get(d, 0.0):
                            out[d] = s
                continue
            for d, v in zip(self.ids[t], self.vals[t], strict=True):
                s = factor * v
                if s > get(d, 0.0):
                    out[d] = s
        if cand is not None:
            out = {d: v for d, v in out.items() if d in cand}
        return out


@dataclass
class TermInfo:
    expansions: list[tuple[str, float]]
    weight: float
    known: bool
    split: bool
    size: int




class _OnWrite:
    """Changes to lists and sets shared with the previous index: each is copied before its
    first change, so questions answered from the previous index never see it."""

    def __init__(self) -> None:
        self._owned: set[tuple[int, str]] = set()

    def own(self, table: dict[str, Any], key: str, make: type) -> Any:
        """``table[key]``, a copy of its own (made with ``make``) the first time it is asked."""
        if (id(table), key) not in self._owned or key not in table:
            table[key] = make(table.get(key, ()))
            self._owned.add((id(table), key))
        return table[key]

    def add(self, table: dict[str, set[int]], key: str, doc: int) -> None:
        self.own(table, key, set).add(doc)

    def discard(self, table: dict[str, set[int]], key: str | None, doc: int) -> None:
        if key is None or key not in table:
            return
        docs = self.own(table, key, set)
        docs.discard(doc)
        if not docs:
            del table[key]


PIECE = 50_000  # dict entries copied at a time


def _copied(table: dict) -> dict:
    """A copy of a shared dict, made a piece at a time: one ``dict()`` of the five million case
    keys of a million items holds the interpreter for a fifth of a second, and a question
    asked meanwhile would wait; between pieces it is answered."""
    if len(table) <= PIECE:
        return dict(table)
    out: dict = {}
    entries = iter(table.items())
    while piece := list(itertools.islice(entries, PIECE)):
        out.update(piece)
    return out


def _sorted_remove(values: list[str], value: str) -> None:
    i = bisect.bisect_left(values, value)
    if i < len(values) and values[i] == value:
        del values[i]


_UNDATED = 100_000_000
_HOLE = (_UNDATED + 1) << 40


def _age(r: ItemRecord, doc: int) -> int:
    """Sort key for "newest first": the meeting date inverted (undated last), then the agenda
    number, then the position, packed into one integer so sorting needs no Python calls."""
    try:
        days = 99_999_999 - int(r.date.replace("-", "")) if r.date else _UNDATED
    except ValueError:
        days = _UNDATED
    number = min(max(r.item_number or 0, 0), 9_999)
    return (days * 10_000 + number) << 24 | doc


def _by_meeting(items: Iterable[ItemRecord]) -> dict[str, list[ItemRecord]]:
    """Items grouped by meeting, in the order given (agenda order within a meeting)."""
    groups: dict[str, list[ItemRecord]] = {}
    for r in items:
        groups.setdefault(r.meeting_id, []).append(r)
    return groups


def _case_keys(index: Index, r: ItemRecord) -> Iterable[tuple[dict[str, list[int]], str]]:
    """The case-key tables an item is listed in, and under which key."""
    if r.document_number:
        # Staff quote the document they hold ("dok.nr. 330-2018-104357") to find the case it
        # belongs to: a document number leads to its item like a case number does.
        yield index.case_partial, case_key(r.document_number)
    if r.case_number:
        full, partial = index_keys(r.case_number)
        if full:
            yield index.case_exact, full
        for key in partial:
            yield index.case_partial, key


def _add_cases(index: Index, docs: Iterable[tuple[int, ItemRecord | None]],
               on_write: _OnWrite | None) -> None:
    """List the given docs under their case keys (on an update, lists shared with the
    previous index are copied before they grow)."""
    for doc, r in docs:
        if r is None:
            continue
        for table, key in _case_keys(index, r):
            docs_of = table.setdefault(key, []) if on_write is None else \
                on_write.own(table, key, list)
            docs_of.append(doc)


class _Update:
    """One update of an :class:`Index`: the replaced meetings' docs become holes, the new
    meetings' items are appended, and every shared structure touched is copied first."""

    def __init__(self, old: Index, groups: dict[str, list[ItemRecord]], dead: set[int],
                 new: list[str]) -> None:
        self.old, self.groups, self.dead, self.new = old, groups, dead, new

    def apply(self, hashes: dict[str, str]) -> Index:
        old = self.old
        index = Index.__new__(Index)
        index.hashes = hashes
        index.avg = old.avg
        index.built_size = old.built_size
        index.holes = old.holes + len(self.dead)
        index.records = self._records()
        first = len(old.records)
        added = index.records[first:]
        index.ids, index.vals = _copied(old.ids), _copied(old.vals)
        dead_terms = (t for d in self.dead for fields_tf in _field_counts([old.records[d]])[0]
                      for tf in fields_tf for t in tf)
        touched = _drop_postings((index.ids, index.vals), dead_terms, self.dead)
        _add_postings((index.ids, index.vals), first, _field_counts(added)[0], index.avg,
                      fresh=touched)
        self._cases(index, first)
        self._terms(index, touched)
        self._meetings(index, first)
        index._reset()
        return index

    def _terms(self, index: Index, touched: set[str]) -> None:
        """Document frequencies and vocabularies: the old ones, changed where terms were."""
        old = self.old
        index.df = _copied(old.df)
        born, gone = [], []
        for t in touched:
            if t in index.ids:
                if t not in old.df:
                    born.append(t)
                index.df[t] = len(index.ids[t])
            elif index.df.pop(t, None) is not None:
                gone.append(t)
        index.vocab, index.rvocab, index.by_len = old.vocab, old.rvocab, old.by_len
        if not born and not gone:
            return
        index.vocab, index.rvocab = list(old.vocab), list(old.rvocab)
        index.by_len = dict(old.by_len)
        lengths = {len(t) for t in born + gone if not t.isdigit()}
        for n in lengths:
            index.by_len[n] = list(index.by_len.get(n, ()))
        for t in gone:
            _sorted_remove(index.vocab, t)
            _sorted_remove(index.rvocab, t[::-1])
            if not t.isdigit():
                _sorted_remove(index.by_len[len(t)], t)
        for t in born:
            bisect.insort(index.vocab, t)
            bisect.insort(index.rvocab, t[::-1])
            if not t.isdigit():
                bisect.insort(index.by_len[len(t)], t)
        for n in lengths:
            if not index.by_len[n]:
                del index.by_len[n]

    def _meetings(self, index: Index, first: int) -> None:
        """Dates, bodies, municipalities and meetings: the old ones, changed where items were."""
        old, dead, records = self.old, self.dead, index.records
        index.date_rank = old.date_rank + [_age(r, d) for d, r in enumerate(records[first:], first)]
        index.body_docs, index.municipality_docs = dict(old.body_docs), dict(old.municipality_docs)
        groups = _OnWrite()
        meetings = {mid: docs for mid, docs in old.meeting_docs.items() if docs[0] not in dead}
        for d in dead:
            r = old.records[d]
            groups.discard(index.body_docs, r.body, d)
            groups.discard(index.municipality_docs, r.municipality, d)
        for d, r in enumerate(records[first:], first):
            groups.add(index.body_docs, r.body, d)
            if r.municipality:
                groups.add(index.municipality_docs, r.municipality, d)
            meetings.setdefault(r.meeting_id, []).append(d)
        for mid in self.new:
            meetings[mid].sort(key=index.date_rank.__getitem__)
        index.meeting_docs = dict(sorted(meetings.items(),
                                         key=lambda kv: index.date_rank[kv[1][0]]))
        index.bodies = sorted(b for b in index.body_docs if b)
        index.municipalities = sorted(index.municipality_docs)
        index.years = {int(date[:4]) for docs in index.meeting_docs.values()
                       if (date := records[docs[0]].date) and date[:4].isdigit()}  # type: ignore[union-attr]

    def _records(self) -> list[ItemRecord | None]:
        """The store's own records at the old positions, holes for the dead, new ones at the end.

        Unchanged meetings take the store's current record objects (equal to the old ones), so
        an index kept across a reload does not hold on to the previous file's strings.
        """
        old, groups = self.old, self.groups
        records: list[ItemRecord | None] = list(old.records)
        for d in self.dead:
            records[d] = None
        for mid, docs in old.meeting_docs.items():
            current = groups.get(mid)
            if current is not None and docs[0] not in self.dead:
                for d, r in zip(sorted(docs), current, strict=True):
                    records[d] = r
        for mid in self.new:
            records.extend(self.groups[mid])
        return records

    def _cases(self, index: Index, first: int) -> None:
        old = self.old
        index.case_exact, index.case_partial = _copied(old.case_exact), _copied(old.case_partial)
        for d in self.dead:
            for table, key in _case_keys(index, old.records[d]):  # type: ignore[arg-type]
                kept = [doc for doc in table.get(key, ()) if doc not in self.dead]
                if kept:
                    table[key] = kept
                else:
                    table.pop(key, None)
        _add_cases(index, enumerate(index.records[first:], start=first), on_write=_OnWrite())
