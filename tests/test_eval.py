"""Every question about the bundled samples, over the samples alone and with 1,000 generated
meetings mixed in."""

from pathlib import Path

import pytest

from store.db import Store
from store.ingest import ingest_paths
from store.search import Searcher
from tests.helpers import ENGINES, QS, SAMPLES


def _norm(case: str | None) -> str | None:
    return "".join(str(case).split()).upper() if case else None


def _check(searcher: Searcher, q: dict) -> None:
    hits = searcher.search(q["question"]).hits
    if q["kind"] == "no_answer" or not q.get("expected_case_number"):
        assert hits == [], [h.record.title for h in hits]
    else:
        assert hits, "no result"
        assert _norm(hits[0].record.case_number) == _norm(q["expected_case_number"])


@pytest.fixture(scope="module", params=ENGINES)
def samples(request: pytest.FixtureRequest, new_store) -> Searcher:
    store = new_store(request.param)  # the question set must score the same on each engine
    ingest_paths(store, [SAMPLES])
    return Searcher(store)


@pytest.fixture(scope="module")
def at_scale(generated_1000: Path) -> Searcher:
    out = generated_1000
    store = Store(None)
    # The samples come last: a generated meeting of the same body and date must not replace them.
    ingest_paths(store, [out, SAMPLES])
    return Searcher(store)


@pytest.mark.parametrize("q", QS, ids=[q["id"] for q in QS])
def test_samples(samples: Searcher, q: dict) -> None:
    _check(samples, q)


@pytest.mark.parametrize("q", QS, ids=[q["id"] for q in QS])
def test_with_1000_generated_meetings(at_scale: Searcher, q: dict) -> None:
    _check(at_scale, q)
