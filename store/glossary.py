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


def english_forms(word: str) -> list[str]:
    """The word and the base forms an English inflection may come from, most likely first.

    The glossary lists base forms ("turbine", "approve"); questions use plurals, past tenses and
    "-ing" forms. Only regular endings are undone, and every candidate must still be looked up,
    so a wrong guess ("bus" → "bu") costs nothing.

    >>> english_forms("nurseries")[:2], english_forms("approved")[:3]
    (['nurseries', 'nursery'], ['approved', 'approve', 'approv'])
    """
    out = [word]
    if len(word) < 4:
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-1])
        out.append(word[:-2])
    elif word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if word.endswith("ied"):
        out.append(word[:-3] + "y")
    elif word.endswith("ed"):
        out.append(word[:-1])  # approved → approve
        out.append(word[:-2])  # granted → grant
        if len(word) > 5 and word[-3] == word[-4]:
            out.append(word[:-3])  # planned → plan
    if word.endswith("ing") and len(word) > 5:
        out.append(word[:-3])  # building → build
        out.append(word[:-3] + "e")  # merging → merge
    return list(dict.fromkeys(out))


def _lookup(words: list[str], table: dict[str, list[str]]) -> str | None:
    """The glossary key for a phrase, trying inflected forms of its last word."""
    head = " ".join(words[:-1])
    for form in english_forms(words[-1]):
        phrase = f"{head} {form}" if head else form
        if phrase in table:
            return phrase
    return None


def translate(words: list[str], glossary: dict[str, list[str]] | None = None
              ) -> list[tuple[str, list[str]]]:
    """Translate normalised English words, longest phrase first.

    Returns ``(english, danish alternatives)`` per phrase or word, in question order; a word the
    glossary does not know comes back with an empty list. A phrase's last word may be inflected
    ("nursing homes", "wind turbines"): see :func:`english_forms`.

    >>> translate(["first", "aid", "supplies"])[0]
    ('first aid', ['førstehjælp'])
    """
    table = load_glossary() if glossary is None else glossary
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            key = _lookup(words[i : i + n], table)
            if key is not None:
                out.append((" ".join(words[i : i + n]), table[key]))
                i += n
                break
        else:
            out.append((words[i], []))
            i += 1
    return out
