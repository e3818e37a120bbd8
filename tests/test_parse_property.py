"""Property tests: the parser never fails with anything but ParseError, and what it returns holds.

Real minutes come from many systems, and a bad file must be reported, never crash an ingest run.
Inputs: arbitrary text, arbitrary text around heading-like lines, and the real samples with lines
shuffled, deleted and duplicated.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.parse import parse_text
from store.records import Meeting, ParseError

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "minutes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_LINES = [
    (SAMPLES / name).read_text(encoding="utf-8").split("\n")
    for name in ("direktionen-2023-02-20.txt", "direktionen-2016-02-29.txt")
]
# The layouts of other systems (tests/fixtures/realworld/, UTF-8 text with form feeds).
REALWORLD_LINES = [
    path.read_text(encoding="utf-8").split("\n")
    for path in sorted((FIXTURES / "realworld").glob("*.txt"))
]
CONTENT_FIELDS = ("decision", "recommendation", "resume", "presentation", "treatment", "economy")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines that look like the parts of minutes, so generated documents reach deep into the parser.
FRAGMENTS = st.sampled_from([
    "Sak 1: Budget", "Sak 2: Lukket: Personalesag", "Punkt 3: Eventuelt", "1. Godkendelse",
    "2 Skoler", "åbent 4 Titel", "lukket 5 Titel", "Sag nr. 6", "Beslutning", "Godkendt.",
    "Indstillinger", "Sagstype", "Bilag", "Vedlegg", "Sagsnr.: 14/30210 J.nr.: 00.01.00",
    "23-001310", "00.01.00P35-0104", "18.00Ø00 - 2014/06569", "Direktionens møde den 1. maj 2020:",
    "Indstilling og beslutning", "Beslutning fra Byrådet", "Dato: 01-02-2020", "-", "",
    "REFERAT Direktionen d. 31-02-2023", "Mødedato 99. maj 2020 kl. 25:99", "Deltagere:",
    "Indholdsfortegnelse", "Budget.....\t3", "Side 2 af 5", "\f", "^{Åbent}", "Lukket",
])


def check_invariants(meeting: Meeting) -> None:
    assert isinstance(meeting, Meeting)
    assert meeting.items, "a returned meeting always has items"
    assert meeting.body.strip()
    assert meeting.date is None or ISO.match(meeting.date)
    assert meeting.start_time is None or re.match(r"^\d{2}:\d{2}$", meeting.start_time)
    assert meeting.content_hash == meeting.compute_hash()
    for item in meeting.items:
        assert item.title.strip()
        assert item.number is None or item.number >= 0
        if item.closed:
            assert all(getattr(item, name) == "" for name in CONTENT_FIELDS)
            assert item.text == "" and item.attachments == []
            assert item.journal_number is None and item.document_number is None
    numbers = [i.number for i in meeting.items if i.number is not None]
    assert numbers == sorted(set(numbers)), "item numbers increase"


def parse_or_error(text: str) -> None:
    try:
        meeting = parse_text(text, "prop")
    except ParseError as exc:
        assert str(exc).startswith("prop: ")
        return
    check_invariants(meeting)


@FAST
@given(st.text())
def test_arbitrary_text(text):
    parse_or_error(text)


@FAST
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40))
def test_minutes_like_text(lines):
    parse_or_error("\n".join(lines))


@FAST
@given(st.data())
def test_mutated_samples(data):
    lines = list(data.draw(st.sampled_from(SAMPLE_LINES)))
    for _ in range(data.draw(st.integers(0, 12))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
    parse_or_error("\n".join(lines))


@FAST
@given(st.permutations(SAMPLE_LINES[0]))
def test_shuffled_sample(lines):
    parse_or_error("\n".join(lines))


@FAST
@given(st.data())
def test_mutated_realworld_fixtures(data):
    lines = list(data.draw(st.sampled_from(REALWORLD_LINES)))
    for _ in range(data.draw(st.integers(0, 12))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "fragment"]))
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(j, data.draw(FRAGMENTS))
    parse_or_error("\n".join(lines))


def test_realworld_fixtures_hold_the_invariants():
    assert len(REALWORLD_LINES) >= 5
    for lines in REALWORLD_LINES:
        check_invariants(parse_text("\n".join(lines), "fixture"))
