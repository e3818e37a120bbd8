"""Held-out questions over hand-written minutes of other committees and municipalities.

``tests/fixtures/heldout/`` holds five meetings written for this test (Økonomiudvalget,
Børne- og Skoleudvalget, Teknik- og Miljøudvalget, Kommunalbestyrelsen, Social- og
Sundhedsudvalget; case numbers in the ``330-2019-2104``, ``14/30210``, KLE ``17.01.00-P20-1-19``
and ``23-004512K`` families) and ``questions.jsonl`` with questions of every evaluated kind, in the
schema of the shared evaluation set. The questions were written before the search was tuned on
them; a second batch (ids ``h2..``) after a first round of changes, and measured untuned.

The bar is a share per kind, not every question: some are ambiguous once 1,000 generated
meetings about the same topics sit next to them ("ældreplejen 2023" has many true answers).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from store.db import Store
from store.ingest import ingest_paths
from store.parse import parse_file
from store.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "fixtures" / "heldout"
SAMPLES = ROOT / "examples" / "minutes"
QS = [json.loads(line) for line in (HELDOUT / "questions.jsonl").read_text("utf-8").splitlines()
      if line.strip()]
KINDS = ("keyword", "case_number", "partial_case_number", "typo", "english_crosslingual",
         "date_filter", "no_answer")

# Least share answered right per kind: each bar is the share measured when it was set, less a
# small margin.
BAR_OWN = {"keyword": 0.94, "case_number": 1.0, "partial_case_number": 1.0, "typo": 0.9,
           "english_crosslingual": 0.93, "date_filter": 0.93, "no_answer": 1.0}
BAR_SCALE = {"keyword": 0.94, "case_number": 1.0, "partial_case_number": 1.0, "typo": 0.9,
             "english_crosslingual": 0.90, "date_filter": 0.73, "no_answer": 1.0}
TOTAL_OWN = 0.96
TOTAL_SCALE = 0.94


def _norm(case: str | None) -> str | None:
    return "".join(str(case).split()).upper() if case else None


def _right(searcher: Searcher, q: dict) -> bool:
    hits = searcher.search(q["question"]).hits
    if not q["expected_case_number"]:
        return not hits
    return bool(hits) and _norm(hits[0].record.case_number) == _norm(q["expected_case_number"])


def _shares(searcher: Searcher) -> tuple[dict[str, float], float, list[str]]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for q in QS:
        total[q["kind"]] += 1
        if _right(searcher, q):
            right[q["kind"]] += 1
        else:
            misses.append(f"{q['id']}: {q['question']}")
    shares = {k: right[k] / total[k] for k in total}
    return shares, sum(right.values()) / len(QS), misses


def test_questions_are_well_formed() -> None:
    """Every kind is present and every expected item exists in the fixtures with its title."""
    assert {q["kind"] for q in QS} == set(KINDS)
    assert len({q["id"] for q in QS}) == len(QS)
    titles: dict[str, list[str]] = {}
    for path in HELDOUT.glob("*.txt"):
        for item in parse_file(path).items:
            if item.case_number:
                titles.setdefault(_norm(item.case_number), []).append(item.title)
    for q in QS:
        if q["expected_case_number"]:
            found = titles.get(_norm(q["expected_case_number"]), [])
            assert any(q["expected_title_contains"].lower() in t.lower() for t in found), q["id"]
        else:
            assert q["kind"] == "no_answer" and q["file"] is None


@pytest.fixture(scope="module")
def own() -> Searcher:
    store = Store(None)
    ingest_paths(store, [SAMPLES, HELDOUT])
    return Searcher(store)


@pytest.fixture(scope="module")
def at_scale(generated_1000: Path) -> Searcher:
    out = generated_1000
    store = Store(None)
    ingest_paths(store, [out, SAMPLES, HELDOUT])
    return Searcher(store)


def test_share_over_the_heldout_minutes(own: Searcher) -> None:
    shares, total, misses = _shares(own)
    for kind, bar in BAR_OWN.items():
        assert shares[kind] >= bar, (kind, shares[kind], misses)
    assert total >= TOTAL_OWN, misses


def test_share_with_1000_generated_meetings(at_scale: Searcher) -> None:
    shares, total, misses = _shares(at_scale)
    for kind, bar in BAR_SCALE.items():
        assert shares[kind] >= bar, (kind, shares[kind], misses)
    assert total >= TOTAL_SCALE, misses
