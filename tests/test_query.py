"""Question parsing: language, stop words, glossary, filters and case candidates."""

import pytest

from store.query import detect_language, parse_query

BODIES = ["Direktionen", "Økonomiudvalget", "Børne- og Skoleudvalget"]


def _terms(question: str) -> list[list[list[str]]]:
    return [c.alternatives for c in parse_query(question, BODIES).concepts if not c.optional]


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("what was decided on the plaster scheme?", "en"),
        ("topics for the mayor", "en"),
        ("plaster scheme", "en"),
        ("hvad blev der besluttet om plasterordningen?", "da"),
        ("flexrum indretning", "da"),
        ("18-034639K", "da"),
        ("budget 2023", "da"),
        ("status på sag 23-001310", "da"),
        # Place names with Danish letters do not make an English question Danish.
        ("wind turbines at Hedegård", "en"),
        ("did they approve the roof repair at Rønnebæk school?", "en"),
        ("dementia strategy", "en"),
        ("vindmøller ved Hedegård", "da"),
        ("Økonomiudvalget om kantineordning", "da"),
        ("fire vindmøller", "da"),
        ("carport", "da"),
    ],
)
def test_detect_language(question: str, lang: str) -> None:
    assert detect_language(question) == lang


def test_question_words_are_dropped_in_both_languages() -> None:
    assert _terms("hvad blev der besluttet om plasterordningen?") == [[["plasterordning"]]]
    assert _terms("what was decided on the plaster scheme?") == [[["plasterordning"]]]


def test_english_goes_through_the_glossary() -> None:
    assert _terms("topics for the mayor") == [[["emn"]], [["borgmest"]]]
    # An English word without a glossary entry stays as it is (and will not match Danish text).
    assert _terms("what about the gizmo") == [[["gizmo"]]]


@pytest.mark.parametrize(
    ("question", "year", "month", "day"),
    [
        ("kommunikationsstrategi 2016", 2016, None, None),
        ("budget i 2023", 2023, None, None),
        ("møder i februar 2023", 2023, 2, None),
        ("what was decided in Feb 2023", 2023, 2, None),
        ("referat 20-02-2023", 2023, 2, 20),
        ("referat 2023-02-20", 2023, 2, 20),
        ("Administrativt chefmøde 1. marts 2023", 2023, 3, 1),
        ("meeting on 1 March 2023", 2023, 3, 1),
        ("April 3, 2019 budget", 2019, 4, 3),
        ("blev chefmødet 1. marts aflyst?", None, 3, 1),
        ("affaldsordningen i marts", None, 3, None),
        ("what happened in October with the budget", None, 10, None),
        ("may we see the budget", None, None, None),
    ],
)
def test_date_filters(question: str, year: int | None, month: int | None,
                      day: int | None) -> None:
    q = parse_query(question, BODIES)
    assert (q.year, q.month, q.day) == (year, month, day)
    assert not any(str(year) in c.source for c in q.concepts if year)


def test_may_as_a_verb_is_not_a_month() -> None:
    q = parse_query("what may the mayor decide", BODIES)
    assert q.month is None


def test_latest_and_body_filters() -> None:
    q = parse_query("seneste møde i Direktionen", BODIES)
    assert q.latest and q.bodies == ["Direktionen"]
    assert not [c for c in q.concepts if not c.optional]
    q = parse_query("what did økonomiudvalget decide last", BODIES)
    assert q.latest and q.bodies == ["Økonomiudvalget"]
    assert parse_query("orientering fra økonomiudvalgsrådet", BODIES).bodies == []


def test_case_numbers_are_not_keywords() -> None:
    q = parse_query("status på sag 23-001310", BODIES)
    assert q.cases == [("23-001310", True)] and _terms("status på sag 23-001310") == []
    q = parse_query("47221", BODIES)
    assert q.cases == [("47221", False)] and q.year is None
    # A year is a filter, not a case number.
    assert parse_query("budget 2016", BODIES).cases == []


def test_english_inflections_reach_the_glossary() -> None:
    assert _terms("inspection reports from nursing homes")[0] == [["tilsynsrapport"]]
    assert _terms("climate adaptations") == _terms("climate adaptation") != [[["klima"]]]
    assert _terms("building plots") == [[["byggegrund"]]]


def test_generic_words_are_never_required() -> None:
    """A question of only generic words has nothing an answer could rest on."""
    for question in ("orientering", "godkendelse status 2023", "udvalg møde", "approval"):
        assert _terms(question) == [], question
    assert _terms("orientering fra økonomiudvalgsrådet") == [[["oekonomiudvalgsraad"]]]
    q = parse_query("did the council approve the budget?", [*BODIES, "Kommunalbestyrelsen"])
    assert q.bodies == ["Kommunalbestyrelsen"]
    assert [c.alternatives for c in q.concepts if not c.optional] == [[["budg"]]]


@pytest.mark.parametrize(
    ("question", "body"),
    [
        ("økonomiudvalgets beslutning om solceller", "Økonomiudvalget"),
        ("hvad besluttede børne- og skoleudvalget om skolestruktur", "Børne- og Skoleudvalget"),
        ("what did the finance committee decide about solar panels", "Økonomiudvalget"),
    ],
)
def test_inflected_and_translated_body_names_filter(question: str, body: str) -> None:
    q = parse_query(question, BODIES)
    assert q.bodies == [body]
    assert all("oekonomiudvalg" not in alt for c in q.concepts if not c.optional
               for alt in c.alternatives)
