"""Search the store: case numbers first, then keywords (BM25 over fields) with honest no-match.

The :class:`Searcher` keeps an in-memory index built once per store revision; TinyDB stays the
store of record. Ranking is BM25 per field, summed with field weights (a title hit beats a
decision or recommendation hit, which beats body text), so the rarer words of a question weigh
more. A keyword result is only given when the item matches enough of the question: the matched
concepts must carry at least :data:`MIN_COVERAGE` of the question's IDF weight (a concept the
corpus has never seen weighs as much as the rarest word) and one of them must be specific
(found in at most :data:`MAX_COMMON_SHARE` of the items). A question about a topic the minutes
never mention therefore gets "no match", not the nearest random item.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from store import index_cache, semantic
from store.casenum import case_key, find_case_numbers, typo_variants
from store.db import Store
from store.followup import Resolution, resolve
from store.index import Index, TermInfo
from store.index_cache import IndexKeeper
from store.parse_dates import DA_MONTHS, EN_MONTHS
from store.query import Concept, Query, detect_language, parse_query
from store.question import clean_question, help_language, is_help
from store.records import ItemRecord, MeetingRecord
from store.text import rarity, stem

MIN_COVERAGE = 0.6
# Postings longer than this are worth scoring on candidates only (see Searcher._score).
DEFER_SIZE = 2000
CASE_LIMIT = 20
LISTED_MEETINGS = 5  # meetings shown in a listing ("i 2016", "Direktionen"); the rest counted
# Semantic rescue (see Searcher._rescue): an item the words alone do not carry over the bar is
# still an answer when it is among the model's nearest items and the words back it.
SEM_TOP = 3  # the item is among the model's nearest this many items
SEM_COVERAGE = 0.45  # ... and matches this share of the question's weight
SEM_COVERAGE_NEAREST = 0.25  # or is the clearly nearest item and matches this share
SEM_Z_NEAREST = 3.0  # "clearly": this many standard deviations above the mean similarity
SEM_GAP_NEAREST = 0.01  # and this far ahead of the second nearest


@dataclass
class Hit:
    """One answer candidate. ``match`` is "case", "case_fuzzy" or "keyword"."""

    record: ItemRecord
    score: float
    match: str


@dataclass
class SearchResult:
    """What a question found; ``hits`` is empty for a no-match, and ``hint`` then says why."""

    question: str
    lang: str
    hits: list[Hit] = field(default_factory=list)
    did_you_mean: bool = False
    hint: str = ""
    # "items" (an answer about agenda items), "listing" (a period's or body's meetings),
    # "meeting" (a fact about one meeting: ``fact`` is place, time, participants or absent),
    # "help". ``meetings`` are the meetings shown, newest first; ``more`` how many were not.
    kind: str = "items"
    meetings: list[MeetingRecord] = field(default_factory=list)
    more: int = 0
    fact: str = ""
    # The question as understood (cleaned, follow-ups resolved): what a follow-up builds on.
    resolved: str = ""
    focus: str = ""
    listed: list[ItemRecord] = field(default_factory=list)  # a listing's items, by meeting


@dataclass
class _Scored:
    doc: int
    score: float
    coverage: float
    specific: bool


class Searcher:
    """Answer questions over a :class:`Store`.

    >>> searcher = Searcher(Store("data/referat.json"))             # doctest: +SKIP
    >>> searcher.search("hvad blev der besluttet om plasterordningen?").hits[0].record.title
    ...                                                              # doctest: +SKIP
    """

    def __init__(self, store: Store, embed_in_background: bool = False) -> None:
        self.store = store
        # Saved beside the store, rebuilt once per revision (large ones in the background).
        self._keeper = IndexKeeper(store, Index.build, update=Index.update)
        self._embedded_for: Index | None = None  # the index whose items were last embedded
        self._embed = embed_in_background
        self._vectors: semantic.VectorStore | None = None
        self._backfill: semantic.Backfill | None = None
        if embed_in_background:
            # A long-running bot gets ready at once, not at the first question.
            threading.Thread(target=self.prepare, name="referat-index", daemon=True).start()

    def prepare(self) -> None:
        """Load now what questions may need: the index (which starts embedding the items that
        lack a vector) and the everyday word frequencies that weigh a question word the minutes
        lack (a third of a second, which the first such question would otherwise wait)."""
        self.index()
        rarity("")

    # -- semantic vectors ----------------------------------------------------------------

    def vectors(self) -> semantic.VectorStore | None:
        """The item vectors beside the store, or None when semantic search is unavailable."""
        if semantic.model() is None:
            return None
        # Reloaded when another process (an ingest) has written vectors since.
        self._vectors = semantic.vectors_for(self.store)
        return self._vectors

    def start_backfill(self) -> semantic.Backfill | None:
        """Embed the items that lack a vector, in a background thread (None without a model)."""
        vectors = self.vectors()
        if vectors is None:
            return None
        if self._backfill is None:
            self._backfill = semantic.Backfill(self.store.items, vectors)
        self._backfill.request()
        return self._backfill

    # -- index lifecycle ---------------------------------------------------------------

    def index(self) -> Index:
        """The index for the store's current revision (rebuilt only when the store changed)."""
        index = self._keeper.current()
        if self._embed and index is not self._embedded_for:
            # New or changed items get their vectors in the background after every rebuild.
            self._embedded_for = index
            threading.Thread(target=self.start_backfill, daemon=True).start()
        return index

    def update_index(self) -> None:
        """Bring the index up to the store's content now, and wait until it is saved.

        For a one-shot ingest that loaded the saved index first: its update is then saved for
        the next start, which loads it instead of building a new one.
        """
        self._keeper.current()
        self._keeper.wait_built()
        self._keeper.current()
        index_cache.wait_saved()

    # -- public API ----------------------------------------------------------------------

    def search(self, question: str, limit: int = 4,
               meeting_ids: Collection[str] | None = None,
               previous: SearchResult | None = None) -> SearchResult:
        """Find the items a question is about, best first (see the module doc for the rules).

        The question is cleaned of chat noise first (:func:`store.question.clean_question`).
        ``meeting_ids`` restricts the answer to items of those meetings (a follower asking
        "does the new meeting mention my topic?"). The restriction applies before ranking and
        the no-match rules, so an item counts exactly as it would in a full search, and no
        better match from another meeting can push it out of ``limit``. ``previous`` is the
        previous answer in the same conversation: a follow-up ("og den forrige?", "what about
        2016?", "hvad var indstillingen?") is resolved against it (:mod:`store.followup`).
        """
        idx = self.index()
        cleaned = clean_question(question)
        if is_help(question):
            return SearchResult(question=question, lang=help_language(question), kind="help")
        turn = self._resolve(idx, cleaned, previous)
        query = parse_query(turn.question, idx.bodies, idx.municipalities)
        if query.fact and (query.cases or any(not c.optional for c in query.concepts)):
            # A topic or case number with "hvem deltager?" asks about an item, not the meeting.
            query = parse_query(turn.question, idx.bodies, idx.municipalities, facts=False)
        result = SearchResult(question=question, lang=query.lang, resolved=turn.question)
        if turn.followup:
            result.lang = detect_language(cleaned)  # the follow-up's own language
        if not cleaned.strip():
            result.hint = _hint(query.lang, "empty")
            return result
        if turn.record is not None:
            result.hits = [Hit(turn.record, 1.0, "followup")]
            result.focus = turn.focus
            return result
        ids = turn.meeting_ids if turn.meeting_ids is not None else meeting_ids
        scope = None
        if ids is not None:
            scope = {d for m in ids for d in idx.meeting_docs.get(m, ())}
        if query.fact:
            self._meeting_fact(idx, query, result, scope, previous)
            return result
        if query.cases:
            handled = self._search_cases(idx, query, result, scope)
            if handled:
                return result
        self._search_keywords(idx, query, result, limit, scope)
        if not result.hits and result.kind == "items" and query.municipalities:
            # Nothing in that municipality: the name may be part of a topic ("Københavns
            # Vestegns Karateskole" in Hvidovre's minutes), so it is read as a word instead.
            query = parse_query(turn.question, idx.bodies, (), facts=False)
            self._search_keywords(idx, query, result, limit, scope)
        return result

    def _resolve(self, idx: Index, cleaned: str, previous: SearchResult | None) -> Resolution:
        if previous is None or not previous.resolved:
            return Resolution(cleaned)
        top = previous.hits[0].record if previous.hits else None
        if top is None and previous.meetings:
            m = previous.meetings[0]
            top = next((idx.records[d] for d in idx.meeting_docs.get(m.meeting_id, ())), None)

        def earlier(body: str, date: str | None) -> list[str]:
            return [mid for mid, docs in idx.meeting_docs.items()
                    if idx.records[docs[0]].body == body and date
                    and (idx.records[docs[0]].date or "") < date]

        def filter_only(text: str) -> bool:
            q = parse_query(text, idx.bodies, idx.municipalities)
            return q.has_filter and not any(not c.optional for c in q.concepts)

        return resolve(cleaned, previous.resolved, top, earlier, filter_only)

    def lookup_cases(self, text: str) -> list[ItemRecord]:
        """Items whose case number is written in ``text`` (strict forms only), newest first."""
        idx = self.index()
        out: list[ItemRecord] = []
        seen: set[int] = set()
        for raw in find_case_numbers(text):
            key = case_key(raw)
            docs = idx.case_exact.get(key) or idx.case_partial.get(key) or []
            for d in _newest_first(idx, docs):
                if d not in seen:
                    seen.add(d)
                    out.append(idx.records[d])
        return out

    def latest_meeting(self) -> tuple[MeetingRecord, list[ItemRecord]] | None:
        """The newest meeting in the store and its items in agenda order."""
        self.store.refresh()
        meetings = self.store.meetings()
        if not meetings:
            return None
        newest = meetings[0]
        return newest, self.store.items_for_meeting(newest.meeting_id)

    # -- case numbers ----------------------------------------------------------------------

    def _search_cases(self, idx: Index, query: Query, result: SearchResult,
                      scope: set[int] | None = None) -> bool:
        """Resolve case candidates. True when the question is settled (hits or an honest miss)."""
        exact: list[int] = []
        fuzzy: list[int] = []
        missing: list[str] = []
        explicit_missing = False

        def inside(docs: list[int] | None) -> list[int]:
            if not docs or scope is None:
                return docs or []
            return [d for d in docs if d in scope]

        for raw, explicit in query.cases:
            key = case_key(raw)
            known = idx.case_exact.get(key) or idx.case_partial.get(key)
            docs = inside(known)
            if known and scope is not None and not docs:
                # The case exists, only not in these meetings: no guessing at near numbers.
                missing.append(raw)
                explicit_missing = explicit_missing or explicit
                continue
            if docs:
                exact.extend(d for d in docs if d not in exact)
                continue
            near: list[int] = []
            if len(key) >= 5:
                for variant in sorted(typo_variants(key)):
                    found = inside(idx.case_exact.get(variant))
                    if not found and len(key) >= 6:
                        # Serials alone are short: among thousands of cases some random one is
                        # always a swap away, so only longer keys are guessed at.
                        found = inside(idx.case_partial.get(variant))
                    near.extend(d for d in found if d not in near)
            if near:
                fuzzy.extend(d for d in near if d not in fuzzy)
            else:
                missing.append(raw)
                explicit_missing = explicit_missing or explicit
        if exact:
            result.hits = [Hit(idx.records[d], 1.0, "case")
                           for d in _newest_first(idx, exact)[:CASE_LIMIT]]
            return True
        if fuzzy:
            result.hits = [Hit(idx.records[d], 0.5, "case_fuzzy")
                           for d in _newest_first(idx, fuzzy)[:CASE_LIMIT]]
            result.did_you_mean = True
            return True
        # A number that is not a known case: a no-match when it was written as a case number or
        # when the question has nothing else to go on; otherwise search the words.
        if explicit_missing or not query.concepts:
            result.hint = _hint(query.lang, "case", ", ".join(missing))
            return True
        return False

    # -- keywords --------------------------------------------------------------------------

    def _search_keywords(self, idx: Index, query: Query, result: SearchResult,
                         limit: int, scope: set[int] | None = None) -> None:
        allowed = self._body_docs(idx, query)
        if scope is not None:
            allowed = scope if allowed is None else allowed & scope
        required = [c for c in query.concepts if not c.optional]
        if not required and query.item is not None and query.has_filter:
            self._agenda_item(idx, query, result, allowed)
            return
        if not required:
            self._filter_only(idx, query, result, allowed, limit)
            return
        scored = self._score(idx, query, allowed)
        good = [s for s in scored if s.coverage >= MIN_COVERAGE and s.specific]
        if not good:
            good = self._rescue(idx, query, scored)
        if not good:
            result.hint = _hint(query.lang, "words")
            return
        if query.has_date:
            dated = [s for s in good if query.date_matches(idx.records[s.doc].date)]
            if not dated:
                # The date may be part of the topic ("chefmøde 1. marts 2023"): keep items that
                # mention it; otherwise the filter stands and nothing matches.
                dated = [s for s in good if _mentions(idx.records[s.doc], query.date_words)]
            if not dated:
                result.hint = _hint(query.lang, "date", _date_text(query))
                return
            good = dated
        rank = idx.date_rank
        if query.latest:
            good.sort(key=lambda s: (-s.score, rank[s.doc]))
        else:
            good = heapq.nsmallest(limit, good, key=lambda s: (-s.score, rank[s.doc]))
        if query.latest:
            # "seneste"/"latest": the newest meeting among the strong matches.
            top = good[0].score
            strong = [s for s in good if s.score >= 0.5 * top]
            strong.sort(key=lambda s: (rank[s.doc], -s.score))
            rest = [s for s in good if s not in strong]
            good = strong + rest
        result.hits = [Hit(idx.records[s.doc], round(s.score, 4), "keyword")
                       for s in good[:limit]]

    def _similarities(self, idx: Index, query: Query) -> Any | None:
        """Cosine similarity of the question to every item (-1 where an item has no vector)."""
        vectors = self.vectors()
        if vectors is None:
            return None
        matrix, mask = idx.semantic_rows(vectors)
        if not mask.any():
            return None
        q = semantic.embed_question(semantic.question_text(query.text))
        if q is None:
            return None
        sims = matrix @ q
        sims[~mask] = -1.0
        return sims

    def _rescue(self, idx: Index, query: Query, scored: list[_Scored]) -> list[_Scored]:
        """Items the words partly match and the model puts nearest to the question.

        The model never answers alone (its similarities do not separate unanswerable questions
        from answerable ones): an item needs a specific lexical match and a share of the
        question's weight, less when the model singles it out clearly.
        """
        candidates = {s.doc: s for s in scored
                      if s.specific and s.coverage >= SEM_COVERAGE_NEAREST}
        if not candidates or _absent_topic(idx, query):
            return []
        sims = self._similarities(idx, query)
        if sims is None:
            return []
        known = sims[sims > -1.0]
        if len(known) < SEM_TOP + 1:
            return []
        top = sims.argsort()[::-1][:SEM_TOP]
        spread = float(known.std()) or 1e-6
        z = (float(sims[top[0]]) - float(known.mean())) / spread
        gap = float(sims[top[0]] - sims[top[1]])
        out: list[_Scored] = []
        for rank, d in enumerate(top):
            s = candidates.get(int(d))
            if s is None:
                continue
            clear = rank == 0 and z >= SEM_Z_NEAREST and gap >= SEM_GAP_NEAREST
            if s.coverage >= SEM_COVERAGE or clear:
                out.append(_Scored(s.doc, s.score * (1.0 - 0.1 * rank), s.coverage, True))
        return out

    def _body_docs(self, idx: Index, query: Query) -> set[int] | None:
        """Items of the bodies and municipalities the question names (None: no such filter)."""
        out: set[int] | None = None
        for names, docs in ((query.bodies, idx.body_docs),
                            (query.municipalities, idx.municipality_docs)):
            if names:
                found = set().union(*(docs.get(n, set()) for n in names))
                out = found if out is None else out & found
        return out

    def _meetings(self, idx: Index, query: Query, allowed: set[int] | None) -> list[str]:
        """Ids of the meetings the question's filters select, newest first."""
        out = []
        for mid, docs in idx.meeting_docs.items():  # newest meeting first
            d = docs[0]
            if (allowed is None or d in allowed) and query.date_matches(idx.records[d].date):
                out.append(mid)
        if query.previous:
            return out[1:2]
        if query.latest:
            return out[:1]
        return out

    def _filter_only(self, idx: Index, query: Query, result: SearchResult,
                     allowed: set[int] | None, limit: int) -> None:
        """Questions with filters but no topic: "seneste møde", "i 2016", "Direktionen".

        One meeting is listed with all its items; several are listed newest first, a few
        items each, with how many more there are.
        """
        if not query.has_filter:
            result.hint = _hint(query.lang, "words")
            return
        meetings = self._meetings(idx, query, allowed)
        if not meetings:
            result.hint = _hint(query.lang, "date", _date_text(query)) if query.has_date \
                else _hint(query.lang, "words")
            return
        one = query.latest or query.previous or query.month is not None or query.day is not None
        if len(meetings) == 1 and one:
            docs = sorted(idx.meeting_docs[meetings[0]],
                          key=lambda d: idx.records[d].item_number or 0)
            result.hits = [Hit(idx.records[d], 0.0, "keyword") for d in docs[: max(limit, 20)]]
            return
        # A listing answers no question about an item: its items are shown, not results.
        shown = meetings[:LISTED_MEETINGS]
        result.kind = "listing"
        result.more = len(meetings) - len(shown)
        result.meetings = [m for m in (self.store.meeting(mid) for mid in shown) if m]
        for mid in shown:
            docs = sorted(idx.meeting_docs[mid], key=lambda d: idx.records[d].item_number or 0)
            result.listed.extend(idx.records[d] for d in docs)

    def _agenda_item(self, idx: Index, query: Query, result: SearchResult,
                     allowed: set[int] | None) -> None:
        """"Punkt 3", "første punkt" in the meetings the filters select, newest first."""
        for mid in self._meetings(idx, query, allowed):
            docs = sorted(idx.meeting_docs[mid], key=lambda d: idx.records[d].item_number or 0)
            for place, d in enumerate(docs, start=1):
                if query.item_matches(place, idx.records[d].item_number, len(docs)):
                    result.hits.append(Hit(idx.records[d], 1.0, "keyword"))
            if len(result.hits) >= CASE_LIMIT:
                break
        if not result.hits:
            result.hint = _hint(query.lang, "words")

    def _meeting_fact(self, idx: Index, query: Query, result: SearchResult,
                      scope: set[int] | None, previous: SearchResult | None) -> None:
        """Where and when a meeting was held, who took part, who was absent.

        The meeting is the one the question's filters select (the newest if several), else the
        meeting of the item the question's words or case number find, else the meeting of the
        previous answer in the conversation, else the newest meeting.
        """
        result.kind, result.fact = "meeting", query.fact or ""
        mid = self._fact_meeting(idx, query, scope, previous)
        meeting = self.store.meeting(mid) if mid else None
        if meeting is None:
            result.kind = "items"
            result.hint = _hint(query.lang, "words")
            return
        result.meetings = [meeting]
        docs = sorted(idx.meeting_docs.get(mid, ()), key=lambda d: idx.records[d].item_number or 0)
        result.hits = [Hit(idx.records[d], 0.0, "meeting") for d in docs]

    def _fact_meeting(self, idx: Index, query: Query, scope: set[int] | None,
                      previous: SearchResult | None) -> str | None:
        allowed = self._body_docs(idx, query)
        if scope is not None:
            allowed = scope if allowed is None else allowed & scope
        if any(not c.optional for c in query.concepts) or query.cases:
            found = SearchResult(question=query.text, lang=query.lang)
            if not (query.cases and self._search_cases(idx, query, found, scope)):
                self._search_keywords(idx, query, found, 1, scope)
            return found.hits[0].record.meeting_id if found.hits else None
        if query.has_filter:
            meetings = self._meetings(idx, query, allowed)
            return meetings[0] if meetings else None
        if previous is not None and previous.hits:
            return previous.hits[0].record.meeting_id
        return next(iter(idx.meeting_docs), None)

    def _score(self, idx: Index, query: Query, allowed: set[int] | None) -> list[_Scored]:
        plans = _join_split_compounds(idx, [_plan(idx, c) for c in query.concepts])
        total_weight = sum(p.weight for p in plans if not p.concept.optional)
        if not any(p.known and not p.concept.optional and p.weight >= idx.common_idf
                   for p in plans):
            return []  # only common words matched: no item can be a specific answer
        # Concepts with long postings are scored only on the items the others found, when an
        # item matching none of the others could not reach MIN_COVERAGE anyway: the result is
        # the same, at a fraction of the cost for words that most items contain.
        deferred: set[int] = set()
        budget = MIN_COVERAGE * total_weight
        spent = 0.0
        for i in sorted(range(len(plans)), key=lambda i: -plans[i].size):
            p = plans[i]
            if p.size < DEFER_SIZE:
                break
            cost = 0.0 if p.concept.optional else p.weight
            if spent + cost >= budget:
                continue
            spent += cost
            deferred.add(i)
        if len(deferred) == len(plans):
            deferred.clear()
        totals: dict[int, float] = {}
        covered: dict[int, float] = {}
        specific: dict[int, bool] = {}
        # A small allowed set (one body, a follower's new meetings) is cheaper to look up than
        # the postings are to scan.
        cand: set[int] | None = allowed if allowed is not None and len(allowed) < DEFER_SIZE \
            else None
        order = [i for i in range(len(plans)) if i not in deferred] + sorted(deferred)
        for i in order:
            p = plans[i]
            if i in deferred and cand is None:
                cand = set(totals)
            scores = _concept_scores(idx, p, cand)
            for d, sc in scores.items():
                if allowed is not None and d not in allowed:
                    continue
                totals[d] = totals.get(d, 0.0) + sc
                if not p.concept.optional:
                    covered[d] = covered.get(d, 0.0) + p.weight
                    if p.known and p.weight >= idx.common_idf:
                        specific[d] = True
        out: list[_Scored] = []
        for d, score in totals.items():
            coverage = covered.get(d, 0.0) / total_weight if total_weight else 0.0
            if coverage > 0:
                out.append(_Scored(d, score * coverage, coverage, specific.get(d, False)))
        return out


@dataclass
class _Plan:
    concept: Concept
    alternatives: list[list[TermInfo]]
    weight: float
    known: bool
    size: int


def _plan(idx: Index, concept: Concept) -> _Plan:
    """Match a concept's alternatives against the vocabulary (no postings read yet)."""
    alternatives: list[list[TermInfo]] = []
    weight = 0.0
    known = False
    size = 0
    for alt in concept.alternatives:
        infos = [idx.term_info(t, fuzzy=not concept.translated) for t in alt]
        alternatives.append(infos)
        alt_known = any(i.known for i in infos)
        if alt_known:
            alt_weight = sum(i.weight for i in infos) / len(infos)
            weight = max(weight, alt_weight) if known else alt_weight
            known = True
        size += sum(i.size for i in infos)
    if not known:
        # An absent everyday word ("holdes", "request") must not veto an answer; a name or a rare
        # word still does (see :func:`store.text.rarity`).
        weight = idx.idf_unknown * concept.rarity
    return _Plan(concept, alternatives, weight, known, size)


def _absent_topic(idx: Index, query: Query) -> bool:
    """A Danish question names a rare word the minutes never use ("parkering", "Kattegat").

    Then the answer is "not in these minutes", however near the model puts some item. English
    words are exempt: a Danish corpus lacks them by nature, and the glossary may miss a sense.
    """
    if query.lang == "en":
        return False
    return any(not c.optional and not _plan(idx, c).known and c.rarity >= 0.5
               for c in query.concepts)


def _join_split_compounds(idx: Index, plans: list[_Plan]) -> list[_Plan]:
    """Join a word the index does not know with its neighbour when together they are a word.

    Staff split long Danish compounds, often with a slip as well ("demens stratgi" for
    "demensstrategi", "rengørings udbud"). Only an unknown word is joined, so questions whose
    words all match are never changed.
    """
    i = 0
    while i < len(plans):
        p = plans[i]
        if p.known or p.concept.translated or p.concept.optional:
            i += 1
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(plans):
                continue
            q = plans[j]
            if q.concept.translated or q.concept.optional:
                continue
            first, second = (q, p) if j < i else (p, q)
            left, right = first.concept.source, second.concept.source
            if not (left.isalpha() and right.isalpha()):
                continue
            for joined in (left + right, left + "s" + right):
                plan = _plan(idx, Concept(f"{left} {right}", [[stem(joined)]]))
                if plan.known:
                    lo = min(i, j)
                    plans = plans[:lo] + [plan] + plans[lo + 2:]
                    break
            else:
                continue
            break
        i += 1
    return plans


def _concept_scores(idx: Index, plan: _Plan, cand: set[int] | None) -> dict[int, float]:
    """Per-doc score of a concept: its best alternative (a phrase needs most of its words)."""
    best: dict[int, float] = {}
    for infos in plan.alternatives:
        maps = [idx.term_scores(i, cand) for i in infos]
        if not any(maps):
            continue
        for d in set().union(*maps):
            present = [m[d] for m in maps if d in m]
            if len(maps) > 1 and len(present) * 2 < len(maps) + 1:
                continue
            sc = sum(present) / len(maps)
            if sc > best.get(d, 0.0):
                best[d] = sc
    return best


def _newest_first(idx: Index, docs: list[int]) -> list[int]:
    return sorted(docs, key=lambda d: idx.date_rank[d])


def _mentions(r: ItemRecord, words: list[str]) -> bool:
    if not words:
        return False
    from store.text import normalise

    tokens = set(normalise(" ".join((r.title, r.resume, r.decision))).split())
    return all(normalise(w) in tokens for w in words)


def _date_text(query: Query) -> str:
    months = EN_MONTHS if query.lang == "en" else DA_MONTHS
    parts = []
    if query.day is not None:
        parts.append(f"{query.day}." if query.lang == "da" else str(query.day))
    if query.month is not None:
        parts.append(months[query.month - 1])
    if query.year is not None:
        parts.append(str(query.year))
    return " ".join(parts)


def _hint(lang: str, kind: str, arg: str = "") -> str:
    # The hints are answer wording, kept in the answer's wording table; imported here because
    # store.answer imports this module.
    from store.answer import word

    return word(lang, f"hint_{kind}").format(arg)
