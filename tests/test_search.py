"""Search over the two real samples plus hand-written minutes of other committees.

The extra minutes and most questions here are not part of the shared evaluation set: they check
that the rules generalise to other bodies, case-number families and phrasings.
"""

from pathlib import Path

import pytest

from store.db import Store
from store.ingest import ingest_paths
from store.records import Item, Meeting
from store.search import Searcher
from tests.helpers import ENGINES

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "minutes"


def _other_meetings() -> list[Meeting]:
    aeldre = Meeting(
        body="Ældre- og Sundhedsudvalget", date="2023-05-10", source="hand-written",
        items=[
            Item(1, "Rekruttering og fastholdelse på ældreområdet", case_number="14/30210",
                 decision="Godkendt.",
                 recommendation="Direktøren indstiller, at der afsættes 2 mio. kr. til en "
                 "rekrutteringskampagne for social- og sundhedsassistenter.",
                 resume="Der mangler faglært personale i hjemmeplejen og på plejecentrene.",
                 text="Der mangler faglært personale i hjemmeplejen og på plejecentrene."),
            Item(2, "Budget 2024 for Team Kommunikation", case_number="20/35762",
                 decision="Udsat til næste møde.",
                 recommendation="Sekretariatschefen indstiller, at budgettet godkendes.",
                 text="Team Kommunikation har udarbejdet et budget for annoncer og video."),
            Item(3, "Lukket: Personalesag", closed=True, case_number="299835"),
            Item(4, "Tilsyn på plejecentre", case_number="19.03.00-P24-1-19",
                 recommendation="Forvaltningen indstiller, at orienteringen tages til "
                 "efterretning.",
                 resume="Embedslægen har gennemført uanmeldte tilsyn på tre plejecentre.",
                 text="Embedslægen har gennemført uanmeldte tilsyn på tre plejecentre."),
        ],
    )
    aeldre_later = Meeting(
        body="Ældre- og Sundhedsudvalget", date="2023-09-04", source="hand-written",
        items=[
            Item(1, "Rekruttering og fastholdelse på ældreområdet - status", case_number="14/30210",
                 decision="Taget til efterretning.",
                 recommendation="Direktøren indstiller, at status tages til efterretning.",
                 text="Kampagnen har givet 14 nye medarbejdere."),
        ],
    )
    for m in (aeldre, aeldre_later):
        m.content_hash = m.compute_hash()
    return [aeldre, aeldre_later]


@pytest.fixture(scope="module", params=ENGINES)
def searcher(request: pytest.FixtureRequest, new_store) -> Searcher:
    store = new_store(request.param)  # every search test runs on each store engine
    ingest_paths(store, [SAMPLES])
    store.ingest(_other_meetings())
    return Searcher(store)


def _first(searcher: Searcher, question: str) -> str | None:
    hits = searcher.search(question).hits
    return hits[0].record.case_number if hits else None


@pytest.mark.parametrize(
    ("question", "case"),
    [
        # keyword, Danish, other committee
        ("hvad blev besluttet om rekruttering til ældreområdet", "14/30210"),
        ("rekruttering ældreområdet", "14/30210"),
        ("tilsyn på plejecentrene", "19.03.00-P24-1-19"),
        # English over Danish minutes
        ("budget for the communication team", "20/35762"),
        ("recruitment in elderly care", "14/30210"),
        ("what was decided about the first aid bandages?", "18-034639K"),
        ("inspection of care homes", "19.03.00-P24-1-19"),  # care home: plejehjem|plejecenter
        ("inspection of the swimming baths", None),
        # typos: a dropped letter, a transposition, in long Danish words
        ("rekrutering ældreområdet", "14/30210"),
        ("udviklingsstartegi", "326-2015-4892"),
        # compounds and inflections
        ("plaster", "18-034639K"),
        ("udviklingsstrategi", "326-2015-4892"),
        # case-number families
        ("sagsnr 23-000658", "23-000658"),
        ("14/30210", "14/30210"),
        ("sag 35762", "20/35762"),
        ("Sagsnr. 299835", "299835"),
        ("KLE 19.03.00-P24-1-19", "19.03.00-P24-1-19"),
        ("18 034639", "18-034639K"),
        ("18034639k", "18-034639K"),
        ("001310", "23-001310"),
        ("2015-47221", "326-2015-47221"),
        # filters
        ("kommunikationsstrategi 2023", "23-001310"),
        ("kommunikationsstrategi i 2016", "326-2015-47221"),
        ("Administrativt chefmøde 1. marts 2023", "22-011564"),
        ("rekruttering ældreområdet september 2023", "14/30210"),
        ("seneste om rekruttering på ældreområdet", "14/30210"),
        # honest no-match
        ("parkering ved svømmehallen", None),
        ("what was decided about the gizmo project?", None),
        ("møde", None),
        ("direktionen", None),
        ("00.01.00", None),
        ("kommunikationsstrategi 2019", None),
        ("plasterordning i Økonomiudvalget", None),
        ("12-345678", None),
    ],
)
def test_first_result(searcher: Searcher, question: str, case: str | None) -> None:
    assert _first(searcher, question) == case


def test_latest_picks_the_newest_meeting(searcher: Searcher) -> None:
    hits = searcher.search("seneste om rekruttering på ældreområdet").hits
    assert hits[0].record.date == "2023-09-04"
    hits = searcher.search("rekruttering ældreområdet").hits
    assert {h.record.date for h in hits[:2]} == {"2023-05-10", "2023-09-04"}


def test_case_timeline_newest_first(searcher: Searcher) -> None:
    hits = searcher.search("14/30210").hits
    assert [h.record.date for h in hits] == ["2023-09-04", "2023-05-10"]
    assert all(h.match == "case" for h in hits)


def test_case_typo_is_a_did_you_mean(searcher: Searcher) -> None:
    result = searcher.search("18-034369K")
    assert result.did_you_mean and result.hits[0].match == "case_fuzzy"
    assert result.hits[0].record.case_number == "18-034639K"
    # A missing digit.
    assert searcher.search("18-03469K").hits[0].record.case_number == "18-034639K"
    exact = searcher.search("18-034639K")
    assert not exact.did_you_mean and exact.hits[0].match == "case"


def test_typo_in_a_title_word(searcher: Searcher) -> None:
    hits = searcher.search("kommunikationstrategien").hits
    assert {h.record.case_number for h in hits[:2]} == {"23-001310", "326-2015-47221"}


def test_title_beats_body(searcher: Searcher) -> None:
    hits = searcher.search("forbindsstoffer").hits
    assert hits[0].record.case_number == "18-034639K"
    hits = searcher.search("kommunikationsstrategi").hits
    # Both items have it in the title; the body-only mentions rank below them.
    assert {h.record.case_number for h in hits[:2]} == {"23-001310", "326-2015-47221"}


def test_no_match_has_a_hint(searcher: Searcher) -> None:
    result = searcher.search("vindmøller på Røsnæs")
    assert result.hits == [] and result.hint
    result = searcher.search("99-999999")
    assert result.hits == [] and "99-999999" in result.hint


def test_filter_only_questions(searcher: Searcher) -> None:
    hits = searcher.search("seneste møde i Direktionen").hits
    assert {h.record.date for h in hits} == {"2023-02-20"}
    assert [h.record.item_number for h in hits] == list(range(1, 11))
    assert searcher.search("Direktionen februar 2016").hits[0].record.date == "2016-02-29"
    assert searcher.search("Direktionen marts 2019").hits == []


def test_lookup_cases_is_strict(searcher: Searcher) -> None:
    found = searcher.lookup_cases("Se 18-034639K og 326-2015-47221, ikke 47221 eller 00.01.00")
    assert [r.case_number for r in found] == ["18-034639K", "326-2015-47221"]
    assert searcher.lookup_cases("budget 2023") == []


def test_index_follows_the_store(searcher: Searcher) -> None:
    store = Store(None)
    s = Searcher(store)
    assert s.search("plasterordning").hits == []
    ingest_paths(store, [SAMPLES])
    assert s.search("plasterordning").hits[0].record.case_number == "18-034639K"
    latest = s.latest_meeting()
    assert latest is not None and latest[0].date == "2023-02-20" and len(latest[1]) == 10


def test_search_within_meetings(searcher: Searcher) -> None:
    store_meetings = {m.date: m.meeting_id for m in searcher.store.meetings()}
    may, september = store_meetings["2023-05-10"], store_meetings["2023-09-04"]
    # Keywords: only items of the given meetings are candidates.
    hits = searcher.search("rekruttering ældreområdet", meeting_ids=[may]).hits
    assert [h.record.date for h in hits] == ["2023-05-10"]
    hits = searcher.search("rekruttering ældreområdet", limit=4, meeting_ids={september}).hits
    assert [h.record.date for h in hits] == ["2023-09-04"]
    # A topic only other meetings hold is a no-match, not the nearest item of these meetings.
    assert searcher.search("plasterordning", meeting_ids=[may]).hits == []
    assert searcher.search("plasterordning", meeting_ids=[]).hits == []
    # Case numbers: the case's items in those meetings, and no near-number guess when the case
    # exists elsewhere.
    hits = searcher.search("14/30210", meeting_ids=[september]).hits
    assert [(h.record.date, h.match) for h in hits] == [("2023-09-04", "case")]
    assert searcher.search("18-034639K", meeting_ids=[may]).hits == []
    # The thresholds are the full search's: the same question finds the same item.
    full = searcher.search("tilsyn på plejecentrene").hits[0].record
    scoped = searcher.search("tilsyn på plejecentrene", meeting_ids=[may]).hits[0].record
    assert scoped.case_number == full.case_number == "19.03.00-P24-1-19"
    assert searcher.search("seneste møde", meeting_ids=[may]).hits[0].record.date == "2023-05-10"
