"""The search index updated for changed meetings matches one built from scratch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import index_cache
from store.db import Store
from store.engine import Engine, open_store_at
from store.index import Index
from store.ingest import ingest_paths
from store.search import Searcher
from tests.helpers import ENGINES, SAMPLES, CountingBuild, make_meeting
from tests.pg_server import EngineFactory

QUESTIONS = SAMPLES.parent / "questions.jsonl"


def reopen(store: Engine) -> Engine:
    """The same store as another process opens it."""
    return open_store_at(store.path or store.url)  # type: ignore[attr-defined]
BODIES = ("Direktionen", "Økonomiudvalget", "Teknik- og Miljøudvalget")


def _key(index: Index, doc: int) -> tuple:
    r = index.records[doc]
    assert r is not None, "a hole is still referred to"
    return (r.meeting_id, r.item_number, r.title, r.decision)


def _view(index: Index) -> dict:
    """Everything an index says about the items, with doc ids replaced by the items themselves."""
    def keys(docs) -> list:
        return sorted(_key(index, d) for d in docs)

    return {
        "postings": {t: keys(ids) for t, ids in index.ids.items()},
        "df": index.df,
        "vocab": index.vocab,
        "rvocab": index.rvocab,
        "case_exact": {k: keys(v) for k, v in index.case_exact.items()},
        "case_partial": {k: keys(v) for k, v in index.case_partial.items()},
        "meetings": {m: keys(v) for m, v in index.meeting_docs.items()},
        "meeting order": list(index.meeting_docs),
        "by_len": index.by_len,
        "municipalities": index.municipalities,
        "municipality_docs": {m: keys(v) for m, v in index.municipality_docs.items()},
        "bodies": index.bodies,
        "body_docs": {b: keys(v) for b, v in index.body_docs.items()},
        "years": index.years,
        "n": index.n,
        "newest": [_key(index, d) for d in sorted(
            (d for d, r in enumerate(index.records) if r is not None),
            key=lambda d: index.date_rank[d])][:5],
    }


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path, new_store: EngineFactory) -> Engine:
    store = Store(tmp_path / "referat.json") if request.param == "tinydb" else \
        new_store(request.param)
    ingest_paths(store, [SAMPLES])
    store.ingest([make_meeting(n, body=BODIES[n % 3]) for n in range(1, 40)])
    return store


def test_an_update_equals_a_fresh_build(store: Engine) -> None:
    old = Index.build(store)
    before = _view(old)
    store.ingest([make_meeting(n, body=BODIES[n % 3]) for n in range(40, 44)]
                 + [make_meeting(7, body=BODIES[1], decision="Udsat til næste møde.")])
    updated = old.update(store)
    assert updated is not None and updated.holes == 4  # meeting 7's four items
    assert _view(updated) == _view(Index.build(store))
    assert _view(old) == before  # the index questions were answered from is untouched


def test_words_new_to_the_index_and_words_no_item_uses_any_more(store: Engine) -> None:
    index = Index.build(store)
    rare = "Kvaksalveriet blev afvist af Xylofonudvalget."
    for decision in (rare, "Godkendt."):  # born, then gone
        store.ingest([make_meeting(60, body="Xylofonudvalget", decision=decision)])
        index = index.update(store)
        assert index is not None
        assert _view(index) == _view(Index.build(store))
    assert "xylofonudvalg" not in index.df and "Xylofonudvalget" in index.bodies


def test_a_replaced_meetings_old_text_is_gone(store: Engine) -> None:
    searcher = Searcher(store)
    assert searcher.search("sag 23-007000").hits[0].record.decision == "Godkendt."
    store.ingest([make_meeting(7, body=BODIES[1], decision="Sagen blev sendt i høring.")])
    hits = searcher.search("sag 23-007000").hits
    assert [h.record.decision for h in hits] == ["Sagen blev sendt i høring."]
    assert searcher.index().holes == 4
    assert not searcher.search("godkendt ældrepleje 23-007001").hits[0].record.decision \
        .startswith("Godkendt")


def test_the_updated_index_answers_every_sample_question_as_a_fresh_one(store: Engine) -> None:
    searcher = Searcher(store)
    searcher.index()
    store.ingest([make_meeting(n, body=BODIES[n % 3]) for n in range(40, 45)]
                 + [make_meeting(3, body=BODIES[0], decision="Taget til efterretning.")])
    fresh = Searcher(reopen(store))
    assert searcher.index().holes > 0
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)["question"]
        got, want = searcher.search(question), fresh.search(question)
        assert [h.record for h in got.hits[:1]] == [h.record for h in want.hits[:1]], question


def test_the_updated_index_is_saved_for_the_next_start(store: Engine) -> None:
    searcher = Searcher(store)
    searcher.index()
    store.ingest([make_meeting(50), make_meeting(5, body=BODIES[2], decision="Afvist.")])
    assert searcher.index().holes == 4
    index_cache.wait_saved()
    build = CountingBuild()
    loaded = index_cache.load_or_build(reopen(store), build)
    assert build.calls == 0 and loaded.holes == 4
    assert _view(loaded) == _view(Index.build(reopen(store)))


def test_a_large_change_is_a_full_build(store: Engine) -> None:
    old = Index.build(store)
    store.ingest([make_meeting(n) for n in range(100, 140)])
    assert old.update(store) is None
