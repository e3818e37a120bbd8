"""An absent everyday word does not veto an answer; an absent rare word or name still does."""

from __future__ import annotations

from store.db import Store
from store.parse import parse_text
from store.query import parse_query
from store.search import Searcher
from store.text import general_zipf, rarity

_MINUTES = """Referat
Integrationsrådet
Mødedato: 12. marts 2024

Punkt 1: Temadag for Integrationsrådet
Sagsnr.: 24-000101
Beslutning
Temadagen holdes i september på rådhuset.

Punkt 2: Budget for sprogcafeer
Sagsnr.: 24-000102
Beslutning
Godkendt.

Punkt 3: Frivillige i lektiecafeen
Sagsnr.: 24-000103
Beslutning
Taget til efterretning.
"""


def _searcher() -> Searcher:
    store = Store(None)
    store.ingest([parse_text(_MINUTES, "integrationsraadet.txt")])
    return Searcher(store)


def test_everyday_words_are_common_and_topics_rare() -> None:
    for word in ("finder", "answer", "request", "looking"):
        assert rarity(word) < 0.5, (word, general_zipf(word))
    for word in ("kattegat", "loebehjul", "hundeskov", "snerydning"):
        assert rarity(word) == 1.0, (word, general_zipf(word))


def test_an_absent_everyday_verb_does_not_veto() -> None:
    searcher = _searcher()
    hits = searcher.search("hvornår finder Integrationsrådets temadag sted?").hits
    assert hits and hits[0].record.case_number == "24-000101"


def test_an_absent_rare_word_or_name_still_means_not_in_these_minutes() -> None:
    searcher = _searcher()
    assert searcher.search("temadag om løbehjul").hits == []
    assert searcher.search("temadag i Kattegat").hits == []
    assert searcher.search("temadag i Hundested").hits == []


def test_capitalised_words_inside_a_sentence_are_names() -> None:
    query = parse_query("hvad med temadag i Køge?")
    weights = {c.source: c.rarity for c in query.concepts}
    assert weights["koege"] == 1.0
