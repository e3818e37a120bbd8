"""The English → Danish glossary: its format and how it is applied."""

import pytest

from store.glossary import (
    GLOSSARY_PATH,
    english_forms,
    load_glossary,
    parse_glossary,
    translate,
)
from store.text import normalise


def _entries() -> list[tuple[str, str]]:
    rows = []
    for line in GLOSSARY_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, danish = line.split("\t")
            rows.append((english, danish))
    return rows


def test_glossary_file_format() -> None:
    rows = _entries()
    assert len(rows) >= 300
    englishes = [normalise(e) for e, _ in rows]
    assert len(englishes) == len(set(englishes)), "duplicate English entries"
    for english, danish in rows:
        assert english == english.lower() and danish == danish.lower(), english
        assert english.strip() == english and all(d.strip() for d in danish.split("|"))
    assert len(load_glossary()) == len(rows)


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        ("scheme", "ordning"), ("mayor", "borgmester"),
        ("communication strategy", "kommunikationsstrategi"), ("first aid", "førstehjælp"),
        ("bandages", "forbindsstoffer"), ("budget", "budget"), ("school", "skole"),
        ("elderly care", "ældrepleje"), ("recruitment", "rekruttering"), ("approved", "godkendt"),
        ("development strategy", "udviklingsstrategi"), ("managers meeting", "chefmøde"),
        ("cancelled", "aflyst"), ("parking", "parkering"), ("swimming pool", "svømmehal"),
        ("wind turbines", "vindmøller"),
        ("climate adaptation", "klimatilpasning"), ("meals on wheels", "madservice"),
        ("senior citizens council", "ældreråd"), ("supplementary appropriation",
                                                   "tillægsbevilling"),
        ("municipal plan", "kommuneplan"), ("dementia", "demens"), ("exemption", "dispensation"),
        ("nursing home", "plejecenter"),
    ],
)
def test_core_vocabulary(english: str, danish: str) -> None:
    assert danish in load_glossary()[english]


def test_phrases_before_words() -> None:
    assert translate(["first", "aid", "supplies"]) == [
        ("first aid", ["førstehjælp"]), ("supplies", ["forsyninger", "udstyr"])]
    assert translate(["the", "plaster", "scheme"])[1] == ("plaster scheme", ["plasterordning"])
    assert translate(["zzz"]) == [("zzz", [])]


def test_parse_rejects_duplicates_and_bad_lines() -> None:
    with pytest.raises(ValueError, match="twice"):
        parse_glossary("mayor\tborgmester\nMayor\tborgmester\n")
    with pytest.raises(ValueError, match="line 1"):
        parse_glossary("mayor borgmester\n")


def test_english_inflections() -> None:
    assert english_forms("approved")[:2] == ["approved", "approve"]
    assert "grant" in english_forms("granted") and "nursery" in english_forms("nurseries")
    assert "plan" in english_forms("planned") and "merge" in english_forms("merging")
    assert english_forms("bus") == ["bus"]  # too short to guess at
    # The last word of a phrase may be inflected; a word alone too.
    assert translate(["nursing", "homes"])[0][0] == "nursing homes"
    assert translate(["building", "plots"]) == [("building plots", ["byggegrund"])]
    assert translate(["kindergartens"]) == [("kindergartens", ["børnehave"])]
