"""The benchmark's own corpus generator: varied, realistic, and read back exactly."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bench.corpus import write_corpus
from store.extract import load_meeting

ROOT = Path(__file__).resolve().parents[1]


def test_generated_minutes_parse_to_the_items_they_were_written_from(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, meetings=60, seed=3)
    assert corpus.meetings == 60 and len(list(tmp_path.iterdir())) == 60
    for name, items in corpus.files.items():
        meeting = load_meeting(tmp_path / name)
        got = [(i.number, i.title, i.closed, i.case_number, i.decision, i.recommendation)
               for i in meeting.items]
        want = [(i.number, i.title, i.closed, i.case_number, i.decision, i.recommendation)
                for i in items]
        assert got == want, name
        assert all(not i.text for i in meeting.items if i.closed)  # closed: title only


def test_generated_corpus_is_varied(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, meetings=200)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir())]
    bodies = {re.search(r"(?:REFERAT|møde i) (.+?)(?: d\. |\n)", t).group(1) for t in texts}
    assert len(bodies) >= 6
    layouts = Counter("Sak 1:" in t and "sak" or "Punkt 1:" in t and "punkt" or "eg"
                      for t in texts)
    assert set(layouts) == {"sak", "punkt", "eg"}
    cases = [i.case_number for items in corpus.files.values() for i in items]
    assert len(cases) == len(set(cases)), "every case number is unique"
    families = Counter(
        "slash" if "/" in c else "year" if re.fullmatch(r"\d{3}-\d{4}-\d+", c)
        else "letter" if c[-1].isalpha() else "plain" for c in cases)
    assert set(families) == {"slash", "year", "letter", "plain"}
    items = [i for items in corpus.files.values() for i in items]
    assert 0.05 < sum(i.closed for i in items) / len(items) < 0.3
    assert len({i.decision for i in items if not i.closed}) >= 5
    assert all(i.recommendation for i in items if not i.closed)


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", meetings=5)
    write_corpus(tmp_path / "b", meetings=5)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_benchmark_and_tests_read_nothing_outside_the_repository() -> None:
    for folder in ("bench", "tests"):
        for path in (ROOT / folder).glob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"parent\S* / \"shared\"|\.\./shared", source), path.name
