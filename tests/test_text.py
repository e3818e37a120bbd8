"""The one normaliser, stemming and compound splitting."""

import pytest

from store.text import normalise, split_compound, stem, terms, tokenise


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Økonomiudvalgsrådet", "oekonomiudvalgsraadet"),
        ("ÆLDREPLEJE", "aeldrepleje"),
        ("Aabenraa", "Åbenrå"),
        ("café", "cafe"),
        ('VSBV - Forbindsstoffer - "Plasterordning"', "vsbv forbindsstoffer plasterordning"),
    ],
)
def test_normalise_folds_spellings(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_drops_punctuation_and_case() -> None:
    assert normalise("  Hvad blev der besluttet om Plasterordningen?! ") == (
        "hvad blev der besluttet om plasterordningen"
    )
    assert tokenise("18-034639K, sag 47221.") == ["18", "034639k", "sag", "47221"]


def test_stemming_joins_inflections() -> None:
    assert stem("udviklingsstrategien") == stem("udviklingsstrategi")
    assert stem(normalise("plasterordningen")) == stem(normalise("plasterordning"))
    assert terms("Kommunikationsstrategien") == terms("kommunikationsstrategi")
    assert stem("2016") == "2016"


def test_split_compound_needs_a_known_head() -> None:
    known = {"ordning", "strategi", "kommunikation"}.__contains__
    assert split_compound("plasterordning", known) == ["plaster", "ordning"]
    assert split_compound("kommunikationsstrategi", known) == ["kommunikation", "strategi"]
    assert split_compound("rekruttering", known) == []
