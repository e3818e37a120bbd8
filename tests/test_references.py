"""Questions that quote a reference other than a whole case number: the serial and year of a KLE
case number ("ender på 3584-18"), or the number of a document filed under the case."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.casenum import case_candidates
from store.db import Store
from store.ingest import ingest_paths
from store.search import Searcher

DEV = Path(__file__).parent / "fixtures" / "dev"
SLAGELSE = "022_slagelse_miljoe-planlaegning-og-baeredygtighedsudvalget_2018-03-05.txt"
GRIBSKOV = "028_gribskov_udvikling-by-og-land_2019-09-17.txt"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The two real pages, saved without their ``# source:`` line as a user would have them."""
    folder = tmp_path_factory.mktemp("pages")
    for name in (SLAGELSE, GRIBSKOV):
        text = (DEV / name).read_text(encoding="utf-8").split("\n", 1)[1]
        (folder / name).write_text(text, encoding="utf-8")
    store = Store(folder / "referat.json")
    ingest_paths(store, [folder])
    return Searcher(store)


def test_the_serial_and_year_of_a_kle_case_number_is_a_candidate() -> None:
    assert case_candidates("sagsnummer der slutter med 3584-18") == [("3584-18", False)]


def test_the_tail_of_a_kle_case_number_finds_its_item(searcher: Searcher) -> None:
    top = searcher.search("sagsnummer der slutter med 3584-18").hits[0].record
    assert top.case_number == "00.22.00-3584-18"


def test_a_document_number_finds_the_item_and_names_its_case(searcher: Searcher) -> None:
    """Both Slagelse items share one case; the document number picks the second."""
    hits = searcher.search("Hvilken sag hører dok.nr. 330-2018-104357 til?").hits
    assert hits[0].record.case_number == "330-2017-90230"
    assert hits[0].record.document_number == "330-2018-104357"
    assert hits[0].record.title.startswith("Orientering")


def test_a_number_that_is_neither_is_still_an_honest_miss(searcher: Searcher) -> None:
    assert searcher.search("dok.nr. 330-2018-999999").hits == []
