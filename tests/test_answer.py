"""The answer text and JSON: decision first, honest about closed items and no-matches."""

from pathlib import Path

import pytest

from store.answer import answer_text, human_date, is_bare_decision, labels, result_json
from store.ingest import ingest_paths
from store.search import Searcher
from tests.helpers import ENGINES

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "minutes"


@pytest.fixture(scope="module", params=ENGINES)
def searcher(request: pytest.FixtureRequest, new_store) -> Searcher:
    store = new_store(request.param)  # every answer test runs on each store engine
    ingest_paths(store, [SAMPLES])
    return Searcher(store)


@pytest.mark.parametrize(
    ("decision", "bare"),
    [
        ("Godkendt.", True), ("Anbefales.", True), ("Taget til efterretning.", True),
        ("Drøftet.", True), ("Godkendt med de faldne bemærkninger.", True),
        ("Indstillingen tiltrådt.", True), ("Mødet aflyses.", False),
        ("Direktionen drøftede sagen og besluttede, at der skal udarbejdes et oplæg.", False),
        ("", False),
    ],
)
def test_is_bare_decision(decision: str, bare: bool) -> None:
    assert is_bare_decision(decision) is bare


def test_labels_follow_language() -> None:
    assert labels("da")["decision"] == "Beslutning" and labels("en")["decision"] == "Decision"
    assert labels("da")["closed_note"] == "lukket punkt: indholdet er ikke offentligt"
    assert human_date("2023-02-20", "da") == "20. februar 2023"
    assert human_date("2023-02-20", "en") == "20 February 2023"


def test_both_languages_word_the_same_things() -> None:
    from store.answer import _LABELS

    assert set(_LABELS["da"]) == set(_LABELS["en"])
    for lang in ("da", "en"):
        for key, text in _LABELS[lang].items():
            other = _LABELS["en" if lang == "da" else "da"][key]
            assert text.count("{") == other.count("{"), key


def test_bare_decision_quotes_the_recommendation(searcher: Searcher) -> None:
    text = answer_text(searcher.search("hvad blev der besluttet om plasterordningen?"))
    lines = text.splitlines()
    assert lines[0] == "Beslutning: Godkendt."
    assert lines[1].startswith("Indstilling: Sekretariatschefen indstiller") and "2023" in lines[1]
    assert "Direktionen (Kalundborg), 20. februar 2023" in text and "Sag: 18-034639K" in text
    assert "Punkt 4: VSBV" in text


def test_english_question_english_labels(searcher: Searcher) -> None:
    text = answer_text(searcher.search("what was decided on the plaster scheme?"))
    assert text.startswith("Decision: Godkendt.\nRecommendation: Sekretariatschefen")
    assert "20 February 2023" in text and "Case: 18-034639K" in text


def test_full_decision_is_not_followed_by_recommendation(searcher: Searcher) -> None:
    text = answer_text(searcher.search("udviklingsstrategien direktørområder"))
    assert text.startswith("Beslutning: Direktionen drøftede sagen")
    assert "Indstilling:" not in text


def test_closed_item_shows_no_content(searcher: Searcher) -> None:
    result = searcher.search("sagsnr 23-000658")
    text = answer_text(result)
    assert "Ydelser mellem enheder" in text and "23-000658" in text
    assert "Lukket punkt: indholdet er ikke offentligt." in text
    assert "Beslutning" not in text
    data = result_json(result)["results"][0]
    assert data["closed"] is True and data["decision"] == "" and data["recommendation"] == ""


def test_no_decision_is_said_plainly(searcher: Searcher) -> None:
    text = answer_text(searcher.search("326-2014-422"))
    assert text.startswith("Der står ingen beslutning i referatet.")


def test_no_match_says_so(searcher: Searcher) -> None:
    text = answer_text(searcher.search("what was decided about the new swimming pool?"))
    assert text.startswith("I found no answer in the minutes.")
    assert "case number" in text


def test_other_matches_listed(searcher: Searcher) -> None:
    text = answer_text(searcher.search("kommunikationsstrategi"))
    assert "Andre mulige svar:" in text
    assert text.index("Beslutning:") < text.index("Andre mulige svar:")


def test_did_you_mean(searcher: Searcher) -> None:
    text = answer_text(searcher.search("18-034369K"))
    assert text.startswith("Mente du sag 18-034639K?")


def test_result_json_shape(searcher: Searcher) -> None:
    data = result_json(searcher.search("18-034639"))
    assert data["question"] == "18-034639" and data["answer"].startswith("Beslutning: Godkendt.")
    first = data["results"][0]
    assert first["case_number"] == "18-034639K" and first["item_number"] == 4
    assert first["meeting"] == {"body": "Direktionen", "date": "2023-02-20",
                                "municipality": "Kalundborg"}
    assert set(first) >= {"case_number", "title", "item_number", "closed", "decision",
                          "recommendation", "meeting", "score"}
    assert result_json(searcher.search("vindmøller på Røsnæs"))["results"] == []
