"""English → Danish municipal vocabulary, so English questions can search Danish minutes.

The word list is a reviewed data file (``store/data/glossary_en_da.tsv``: one
``english<TAB>danish[|danish2]`` entry a line, ``#`` comments), not code, so it can grow without
touching the search. Phrases are matched before single words: "first aid" must become
"førstehjælp", not "første" + "hjælp".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from store.text import normalise

GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "glossary_en_da.tsv"
MAX_PHRASE = 4


def parse_glossary(text: str) -> dict[str, list[str]]:
    """Parse glossary text into ``{normalised english: [danish, ...]}``.

    Raises ValueError on a malformed line or a repeated English entry, naming the line.
    """
    out: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"glossary line {number}: expected 'english<TAB>danish': {raw!r}")
        key = normalise(parts[0])
        if key in out:
            raise ValueError(f"glossary line {number}: {parts[0]!r} appears twice")
        danish = [d.strip() for d in parts[1].split("|") if d.strip()]
        out[key] = danish
    return out


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, list[str]]:
    """The shipped glossary (read once)."""
    return parse_glossary(GLOSSARY_PATH.read_text(encoding="utf-8"))


def translate(words: list[str], glossary: dict[str, list[str]] | None = None
              ) -> list[tuple[str, list[str]]]:
    """Translate normalised English words, longest phrase first.

    Returns ``(english, danish alternatives)`` per phrase or word, in question order; a word the
    glossary does not know comes back with an empty list.

    >>> translate(["first", "aid", "supplies"])[0]
    ('first aid', ['førstehjælp'])
    """
    table = load_glossary() if glossary is None else glossary
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in table:
                out.append((phrase, table[phrase]))
                i += n
                break
        else:
            out.append((words[i], []))
            i += 1
    return out
