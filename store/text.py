"""Text normalisation shared by indexing and querying.

Everything that turns words into index terms lives here, so a document and a question can never be
normalised in two different ways. Terms are *folded* (lower case, æ→ae, ø→oe, å→aa, accents
dropped) before stemming: staff type "oekonomiudvalget", "økonomiudvalget" and "Økonomiudvalget"
interchangeably, and Danish keyboards are not always at hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator

import snowballstemmer

# Danish letters spelled the way Danes write them without a Danish keyboard (and as old
# spellings do: "Aabenraa"). Folding both forms to ASCII makes them the same term.
_FOLD = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "œ": "oe",
    }
)

# Tokens are runs of letters and digits. Hyphens, slashes, quotes and dots separate words.
_TOKEN = re.compile(r"[0-9a-z]+")

_stemmer = snowballstemmer.stemmer("danish")
_stem_cache: dict[str, str] = {}


def normalise(text: str) -> str:
    """Fold text for matching: lower case, Danish letters and accents to ASCII, no punctuation.

    >>> normalise('VSBV - Forbindsstoffer - "Plasterordning"')
    'vsbv forbindsstoffer plasterordning'
    >>> normalise("Økonomiudvalgsrådet") == normalise("oekonomiudvalgsraadet")
    True
    """
    return " ".join(_TOKEN.findall(_fold(text)))


def _fold(text: str) -> str:
    """Lower case, Danish letters and accents to ASCII; line breaks and punctuation kept."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    if not text.isascii():
        # Remaining accents (é, è, ñ ...) are stripped after decomposition.
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text


def tokenise(text: str) -> list[str]:
    """Split text into normalised tokens (see :func:`normalise`)."""
    return normalise(text).split()


def stem(token: str) -> str:
    """Danish Snowball stem of one normalised token (cached: the vocabulary is small).

    Digits are kept as they are ("2016" must not lose its last letters).
    """
    cached = _stem_cache.get(token)
    if cached is None:
        cached = token if token.isdigit() else _stemmer.stemWord(token)
        if len(_stem_cache) < 500_000:
            _stem_cache[token] = cached
    return cached


def terms(text: str) -> list[str]:
    """The index terms of a text: normalised, tokenised and stemmed."""
    return [stem(t) for t in tokenise(text)]


# A Danish compound joins its parts directly or with a linking "s" or "e"
# ("kommunikation-s-strategi", "plaster-ordning", "børn-e-have").
_LINKS = ("s", "e")


def split_compound(word: str, is_word: Callable[[str], bool], min_part: int = 3) -> list[str]:
    """Split a compound into a modifier and a known head word, or return ``[]``.

    The head (the last part, which carries the meaning in Danish) must be a known word; the
    modifier is what remains, without a linking "s"/"e" when that leaves a known word or when the
    modifier is long enough to stand alone.

    >>> split_compound("plasterordning", {"ordning"}.__contains__)
    ['plaster', 'ordning']
    >>> split_compound("kommunikationsstrategi", {"strategi", "kommunikation"}.__contains__)
    ['kommunikation', 'strategi']
    """
    n = len(word)
    # Prefer the longest head: "udviklingsstrategi" → "udviklings" + "strategi", not + "gi".
    for i in range(min_part, n - min_part + 1):
        head = word[i:]
        if len(head) < 4 or not is_word(head):
            continue
        modifier = word[:i]
        for link in _LINKS:
            if modifier.endswith(link) and len(modifier) - 1 >= min_part:
                trimmed = modifier[:-1]
                if is_word(trimmed) or (link == "s" and not is_word(modifier)):
                    modifier = trimmed
                break
        return [modifier, head]
    return []


def ngrams(tokens: list[str], n: int) -> Iterator[tuple[int, str]]:
    """Phrases of ``n`` consecutive tokens with their start index, joined by spaces."""
    for i in range(len(tokens) - n + 1):
        yield i, " ".join(tokens[i : i + n])


# -- how common a word is in general language ------------------------------------------------
# A question word the minutes never use is either a topic they do not cover ("Kattegat",
# "løbehjul") or just ordinary language ("holdes", "answer", "request"). General word frequencies
# for Danish and English (the ``wordfreq`` package, which ships its lists) tell the two apart.
# Without the package every absent word counts as rare, which is the safe side: no answer rather
# than a guess.
# Topic nouns sit below Zipf 4.2 ("Kattegat" 3.5, "turisme" 4.0); verbs and function words above
# ("holdes" 4.5, "answer" 5.2, "looking" 5.6). In between an absent word counts partly.
COMMON_ZIPF = 4.8
RARE_ZIPF = 4.2
_MIN_ZIPF = 3.0
_general: dict[str, float] | None = None


def _general_zipf_table() -> dict[str, float]:
    """Folded word → highest Zipf frequency in Danish or English (words from Zipf 3 up)."""
    global _general
    if _general is None:
        table: dict[str, float] = {}
        try:
            import wordfreq
        except ImportError:  # pragma: no cover - the package is a declared dependency
            _general = table
            return table
        floor = 10 ** (_MIN_ZIPF - 9)
        for lang in ("da", "en"):
            frequent = [(w, f) for w, f in wordfreq.get_frequency_dict(lang).items()
                        if f >= floor and "\n" not in w]
            # Folded in one call, not one per word: this table is built at the first question.
            folded = _fold("\n".join(w for w, _ in frequent)).split("\n")
            for line, (_, freq) in zip(folded, frequent, strict=True):
                zipf = math.log10(freq) + 9
                for token in _TOKEN.findall(line):
                    if zipf > table.get(token, 0.0):
                        table[token] = zipf
        _general = table
    return _general


def general_zipf(token: str) -> float:
    """Zipf frequency (0–8) of a normalised token in everyday Danish or English; 0 if rare.

    >>> general_zipf("answer") > COMMON_ZIPF > RARE_ZIPF > general_zipf("loebehjul")
    True
    """
    return _general_zipf_table().get(token, 0.0)


def rarity(token: str) -> float:
    """How much an absent word counts against an item: 1 for a rare word, down to 0.1."""
    zipf = general_zipf(token)
    if zipf <= RARE_ZIPF:
        return 1.0
    if zipf >= COMMON_ZIPF:
        return 0.1
    return 1.0 - 0.9 * (zipf - RARE_ZIPF) / (COMMON_ZIPF - RARE_ZIPF)
