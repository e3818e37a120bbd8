"""Understand a question: language, keywords, case numbers and filters.

A question is split into *concepts* (one per content word or English phrase), each with one or more
alternative spellings as index terms; *case candidates* (anything that may be a case number);
and *filters* (year, month, day, "latest", a body present in the store). This module knows
nothing of the index: :mod:`store.search` decides what each concept matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from store.casenum import case_candidates
from store.glossary import translate
from store.parse_dates import DA_MONTHS, MONTHS
from store.text import normalise, rarity, stem, tokenise


def _words(text: str) -> list[str]:
    return text.split()


# Words that carry no topic: question words, auxiliaries, pronouns, prepositions and the verbs
# people use to ask about a decision ("hvad blev der besluttet om", "what was decided on").
DA_STOP = frozenset(_words(
    """
    af alle alt andet andre at bare beslutning beslutningen besluttede besluttet blev blive bliver
    da dag de dem den denne der deres det dette dig du efter eller en end er et få fik for fra
    fortæl fortael gik gjorde gør gøre gået har havde have hej hele hende her hos hvad hvem
    hvilke hvilken hvilket hvis hvor hvordan hvorfor hvornår i igen ikke ind info information
    ingen jeg kan kunne kom kommer koster koste kostede lidt man med meget mellem men mere mig
    min mit mod må ned noget nogen nok nu når også og om op os over på sag sagen sager sagt
    sig sige siger sin sine sit skal skete sket skulle som så status står til tror ud under
    vedr vedrørende ved vi vil ville var være været vise vis venligst angående omkring
    mht hvad's hvor's hva mon monstro gerne tak please besluttes vedtaget vedtog sagde
    møde mødet møder møderne punkt punktet referat referatet dagsorden dagsordenen
    udfald udfaldet resultat resultatet konklusion konklusionen nyt nyeste detaljer oplysninger
    spørgsmål fortælle finde vide se ang angår hvordan går gik besked svar aktuelle
    holdt afholdt holdes afholdes
    """)
)
EN_STOP = frozenset(_words(
    """
    a about after all am an and any anything are as at be been being board but by can could
    decide decided decision did do does done for from get give got had has have he her his how
    i if in into is it its know let me more my new of on or our please regarding say said
    she should show so some tell than that the their them then there these they this those to
    us was we were what whats when where which who whom whose why will with would you your
    happened happen going status update latest news concerning committee meeting meetings
    minutes agenda item items outcome result results conclusion concluded details detail info
    information issue issues matter question thing things something find look see want need
    summary summarise summarize current currently recently point points re happening
    anything everything ever decisions decided held
    along among around across also already always another around because before
    behind below beside between beyond during each either else every here however just
    many much near nearby next only other others own per same several since still such
    through towards upon very via while within without yet how's
    """)
)
# Words that appear in nearly every kind of agenda item, so they cannot tell one item from another
# ("orientering", "godkendelse", "udvalg", "approval"). They may raise a score but are never
# required and never the one specific word an answer rests on: "orientering" alone, or
# "godkendelse status 2023", is no question about any particular item.
DA_GENERIC = frozenset(_words(
    """
    udvalg udvalget udvalgets udvalgene orientering orienteringen godkendelse godkendelsen
    godkende godkendt godkendes godkendte godkender forslag forslaget indstilling indstillingen
    behandling behandlingen drøftelse drøftelsen opfølgning anbefale anbefalet anbefales
    kommune kommunen kommunens forvaltning forvaltningen ny nye nyt vedtage vedtages
    """)
)
EN_GENERIC = frozenset(_words(
    """
    approve approved approval approving adopt adopted accept accepted agree agreed proposal
    proposals propose proposed recommend recommended recommendation update municipality
    """)
)
_GENERIC_STEMS = frozenset(stem(normalise(w)) for w in DA_GENERIC)
_EN_GENERIC_N = frozenset(normalise(w) for w in EN_GENERIC)
_DA_STOP_N = frozenset(normalise(w) for w in DA_STOP)
_EN_STOP_N = frozenset(normalise(w) for w in EN_STOP)
# Words that say "the newest meeting" rather than a topic.
LATEST = frozenset({"seneste", "sidste", "nyeste", "latest", "last", "recent", "newest", "most"})
# Words that say "the meeting before the newest".
PREVIOUS = frozenset({"forrige", "foregaaende", "previous", "preceding"})
MEETING_WORDS = frozenset({"moede", "moedet", "meeting", "referat", "referatet", "minutes"})
# Words that are stop words in one language but content or noise in the other: not evidence.
_AMBIGUOUS = frozenset({"i", "by", "for", "under", "over", "man", "hand", "to", "fra", "om", "a",
                        "at", "is", "den", "det", "status", "new"})

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[89]\d|20[0-3]\d)"

# Date forms, most specific first. Each removed from the question once recognised.
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?<![\d-])({_YEAR})-(\d{{1,2}})-(\d{{1,2}})(?![\d-])"), "ymd"),
    (re.compile(rf"(?<![\d./-])(\d{{1,2}})[./-](\d{{1,2}})[./-]({_YEAR})(?![\d./-])"), "dmy"),
    (re.compile(rf"(?<![\d./-])(\d{{1,2}})/(\d{{1,2}})\s+({_YEAR})(?!\d)"), "dmy"),
    (re.compile(rf"(?i)(?<![\w.])(\d{{1,2}})\.?\s*(?:-\s*)?({_MONTH_ALT})\.?(?:\s*-\s*|\s+)({_YEAR})\b"),
     "dMy"),
    (re.compile(rf"(?i)\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({_YEAR})\b"), "Mdy"),
    (re.compile(rf"(?i)(?<![\w.])(\d{{1,2}})\.?\s*({_MONTH_ALT})\b\.?"), "dM"),
    (re.compile(rf"(?i)\b({_MONTH_ALT})\.?\s+({_YEAR})\b"), "My"),
    # A month name alone ("i marts", "in March") filters on the month of any year. Not "may"
    # (an English verb) and not the abbreviations ("mar", "jan" are too often something else).
    (re.compile(r"(?i)\b(januar|februar|marts|april|maj|juni|juli|august|september|oktober"
                r"|november|december|january|february|march|june|july|october)\b"), "M"),
    (re.compile(rf"(?i)(?<![\w./-])({_YEAR})(?![\w./-]|-\d)"), "y"),
]


@dataclass
class Concept:
    """One thing the question is about, with its alternative spellings as index terms.

    ``alternatives`` holds lists of stemmed terms (an English phrase may translate to several
    Danish words). ``optional`` concepts (numbers, body names) may raise a score but are not
    required for a match. ``translated`` marks glossary output, which is never fuzzy-matched.
    """

    source: str
    alternatives: list[list[str]]
    optional: bool = False
    translated: bool = False
    # A word whose rarity counts (see :func:`store.text.rarity`); "" for a concept that counts
    # in full when the minutes lack it (names, numbers, phrases).
    rare_word: str = ""

    @property
    def rarity(self) -> float:
        """How much this concept counts where the minutes never use it (1 in full).

        Worked out only when asked, which is only for a word the index does not know: the
        general word frequencies it needs take a third of a second to load.
        """
        return rarity(self.rare_word) if self.rare_word else 1.0


@dataclass
class Query:
    """A parsed question."""

    text: str
    lang: str
    concepts: list[Concept] = field(default_factory=list)
    cases: list[tuple[str, bool]] = field(default_factory=list)
    year: int | None = None
    month: int | None = None
    day: int | None = None
    latest: bool = False
    previous: bool = False
    bodies: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    date_words: list[str] = field(default_factory=list)
    fact: str | None = None
    # "punkt 3" (a printed item number) or "første punkt", "the last item" (a place on the
    # agenda, ``item_is_place``; negative counts from the end).
    item: int | None = None
    item_is_place: bool = False

    @property
    def has_filter(self) -> bool:
        """A period, body, municipality or "latest"/"previous" narrows the meetings."""
        return bool(self.has_date or self.latest or self.previous or self.bodies
                    or self.municipalities)

    def item_matches(self, place: int, number: int | None, count: int) -> bool:
        """True when an item (its 1-based place on an agenda of ``count`` items, its printed
        number) is the one the question names: "første punkt" by place, "punkt 3" by printed
        number (by place where the minutes print no numbers)."""
        if self.item is None:
            return True
        if self.item_is_place or number is None:
            return place == (count + 1 + self.item if self.item < 0 else self.item)
        return number == self.item

    @property
    def has_date(self) -> bool:
        return self.year is not None or self.month is not None or self.day is not None

    def date_matches(self, iso: str | None) -> bool:
        """True when a meeting date (``yyyy-mm-dd``) satisfies the date filter."""
        if not self.has_date:
            return True
        if not iso or len(iso) < 10:
            return False
        try:
            year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
        except ValueError:
            return False
        return ((self.year is None or year == self.year)
                and (self.month is None or month == self.month)
                and (self.day is None or day == self.day))


def detect_language(text: str) -> str:
    """``"en"`` or ``"da"``: English only on evidence, since most questions are Danish.

    Evidence is English stop words against Danish ones, then (for keyword questions) how many of
    the content words the English glossary translates into something else. Danish letters count
    for Danish only in lower-case words: a capitalised "Hedegård" or "Rønnebæk" is a place name,
    and English questions name Danish places.

    >>> detect_language("what was decided on the plaster scheme?")
    'en'
    >>> detect_language("flexrum indretning"), detect_language("18-034639K")
    ('da', 'da')
    >>> detect_language("wind turbines at Hedegård"), detect_language("vindmøller ved Hedegård")
    ('en', 'da')
    """
    raw_words = re.findall(r"[^\W\d_]+", text)
    words = [w.lower() for w in raw_words]
    if not words:
        return "da"
    en = sum(1 for w in words if w in EN_STOP and w not in _AMBIGUOUS)
    da = sum(1 for w in words if w in DA_STOP and w not in _AMBIGUOUS)
    da += sum(1 for w in raw_words if w.islower() and any(ch in w for ch in "æøå"))
    if en != da:
        return "en" if en > da else "da"
    content = [normalise(w) for w in words if w not in EN_STOP and w not in DA_STOP]
    content = [w for w in content if w]
    if not content:
        return "da"
    covered = 0
    for english, danish in translate(content):
        if danish and english not in {normalise(d) for d in danish}:
            covered += len(english.split())
    return "en" if covered and covered * 2 >= len(content) else "da"


def _extract_dates(text: str, query: Query) -> str:
    """Find the first date expression, set the filter and return the text without it."""
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groups()
        if kind == "ymd":
            year, month, day = int(g[0]), int(g[1]), int(g[2])
        elif kind == "dmy":
            day, month, year = int(g[0]), int(g[1]), int(g[2])
        elif kind == "dMy":
            day, month, year = int(g[0]), MONTHS[g[1].lower()], int(g[2])
        elif kind == "Mdy":
            month, day, year = MONTHS[g[0].lower()], int(g[1]), int(g[2])
        elif kind == "dM":
            day, month, year = int(g[0]), MONTHS[g[1].lower()], None
        elif kind == "My":
            month, day, year = MONTHS[g[0].lower()], None, int(g[1])
        elif kind == "M":
            month, day, year = MONTHS[g[0].lower()], None, None
        else:
            year, month, day = int(g[0]), None, None
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            continue
        # "may" is an English verb far more often than a month: only a month next to a number.
        query.year, query.month, query.day = year, month, day
        words = []
        if day is not None:
            words.append(str(day))
        if month is not None:
            words.append(DA_MONTHS[month - 1])
        if year is not None:
            words.append(str(year))
        query.date_words = words
        return text[: m.start()] + " " + text[m.end():]
    return text


def _body_key(body: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokenise(body) if t not in _DA_STOP_N and len(t) > 1)


def parse_query(question: str, bodies: Iterable[str] = (),
                municipalities: Iterable[str] = (), facts: bool = True) -> Query:
    """Parse a question; ``bodies`` and ``municipalities`` are the names present in the store.

    ``facts`` recognises questions about the meeting itself ("hvor blev mødet holdt?"); see
    :func:`meeting_fact`.

    >>> q = parse_query("kommunikationsstrategi 2016")
    >>> q.year, [c.alternatives for c in q.concepts]
    (2016, [[['kommunikationsstrategi']]])
    """
    lang = detect_language(question)
    query = Query(text=question, lang=lang)
    rest = _extract_dates(question, query)
    query.cases = case_candidates(rest)
    for raw, _explicit in query.cases:
        rest = rest.replace(raw, " ", 1)
    if facts:
        query.fact, rest = meeting_fact(rest)
    query.item, query.item_is_place, rest = item_reference(rest)
    words = tokenise(rest)
    names = _names(question)
    if any(w in LATEST for w in words):
        query.latest = True
        words = [w for w in words if w not in LATEST and w not in MEETING_WORDS]
    if any(w in PREVIOUS for w in words):
        query.previous = True
        words = [w for w in words if w not in PREVIOUS and w not in MEETING_WORDS]

    if lang == "en":
        query.concepts.extend(_english_concepts(words, names))
    else:
        query.concepts.extend(_word_concept(w, names) for w in words
                              if w not in _DA_STOP_N and (len(w) > 1 or w.isdigit()))

    # A body or municipality present in the store, named in the question, filters to it
    # (inflected: "økonomiudvalgets", "byrådet", "Køges"; or translated: "finance committee").
    # Its words stay as optional terms: "sager på vej til Direktionen" is also a title.
    query.bodies = _named(query, bodies)
    query.municipalities = _named(query, municipalities, _MUNICIPALITY_WORDS, typos=True)
    return query


# Words around a municipality's name that questions often leave out ("Køge" for "Køge Kommune").
_MUNICIPALITY_WORDS = frozenset(stem(w) for w in ("kommune", "kommunes", "municipality",
                                                   "regionskommune"))


def _english_concepts(words: list[str], names: frozenset[str]) -> list[Concept]:
    """Concepts of an English question: glossary phrases as Danish alternatives, other words
    as they are (names and international words are often the same in Danish)."""
    out: list[Concept] = []
    for source, danish in translate(words):
        if source in _EN_STOP_N:
            continue
        if not danish:
            # A lone letter is the rest of a possessive ("Hvidovre's"), not a word.
            if source not in _DA_STOP_N and (len(source) > 1 or source.isdigit()):
                out.append(_word_concept(source, names))
            continue
        alternatives = [alt for alt in ([stem(t) for t in tokenise(d) if t not in _DA_STOP_N]
                                        for d in danish) if alt]
        if alternatives:
            generic = source in _EN_GENERIC_N or all(
                len(a) == 1 and a[0] in _GENERIC_STEMS for a in alternatives)
            # Glossary entries are topic vocabulary ("museum"): absent, they still veto.
            out.append(Concept(source, alternatives, optional=generic, translated=True))
    return out


def _named(query: Query, names: Iterable[str],
           optional_words: frozenset[str] = frozenset(), typos: bool = False) -> list[str]:
    """The names whose words all occur in the question; their concepts become optional.

    With ``typos``, a word of five letters or more may be one edit off ("Tisted", "Aabenra").
    """
    stems = {t for c in query.concepts for alt in c.alternatives for t in alt}
    found = []
    for name in names:
        key = _body_key(name) - optional_words
        if not key:
            continue
        spelled = {k: _spelled(k, stems, typos) for k in key}
        if all(spelled.values()):
            found.append(name)
            used = key | {t for ts in spelled.values() for t in ts}
            for c in query.concepts:
                if any(set(alt) <= used for alt in c.alternatives):
                    c.optional = True
    return found


def _spelled(word: str, stems: set[str], typos: bool) -> set[str]:
    """The question's stems that spell ``word`` (itself, or one edit off with ``typos``)."""
    if word in stems:
        return {word}
    if not typos or len(word) < 5:
        return set()
    return {t for t in stems if len(t) >= 4 and OSA.distance(word, t, score_cutoff=1) <= 1}


# Questions about the meeting itself rather than an item: where and when it was held, who took
# part, who was absent. Each pattern is removed from the question once recognised.
_FACTS: list[tuple[str, re.Pattern[str]]] = [
    ("absent", re.compile(r"(?i)\b(?:hvem\s+(?:var|er|blev)\s+)?(?:fraværende|fraværet|fravær|"
                          r"meldt\s+afbud|afbud|hvem\s+manglede|who\s+(?:was|were)\s+"
                          r"(?:absent|missing|not\s+there)|absent|absentees|apologies)\b")),
    ("participants", re.compile(r"(?i)\b(?:hvem\s+(?:deltog|deltager|var\s+til\s+stede|"
                                r"var\s+med)|deltagere|deltagerne|fremmødte|"
                                r"who\s+(?:attended|took\s+part|participated|was\s+there|"
                                r"were\s+there)|participants|attendees|attendance)\b")),
    ("place", re.compile(r"(?i)\b(?:hvor\s+(?:blev|bliver|var|er|skal)\s+(?:\w+\s+){0,2}?"
                         r"(?:mødet|møderne|mødet\s+holdt|mødet\s+afholdt)"
                         r"(?:\s+(?:holdt|afholdt))?|hvor\s+(?:blev|bliver)\s+(?:\w+\s+){0,4}?"
                         r"(?:holdt|afholdt)|hvor\s+(?:holdes|afholdes|mødes|mødtes|foregik|"
                         r"foregår)|mødested(?:et)?|mødelokale(?:t)?|hvilket\s+lokale|"
                         r"where\s+(?:was|is|were|will)\s+(?:\w+\s+){0,3}?(?:held|meeting|"
                         r"meet)|venue)\b")),
    ("time", re.compile(r"(?i)\b(?:hvornår\s+(?:blev|var|er|bliver|starter|startede|begyndte)"
                        r"\s+(?:mødet|møde)(?:\s+(?:holdt|afholdt))?|hvad\s+tid\s+(?:var|er|"
                        r"starter|startede)\s+mødet|when\s+(?:was|is|did)\s+the\s+meeting"
                        r"(?:\s+(?:held|start))?|what\s+time)\b")),
]


_ORDINALS = {"første": 1, "foerste": 1, "first": 1, "andet": 2, "anden": 2, "second": 2,
             "tredje": 3, "third": 3, "fjerde": 4, "fourth": 4, "femte": 5, "fifth": 5,
             "sidste": -1, "last": -1}
_ITEM_NUMBER = re.compile(r"(?i)\b(?:dagsordens)?(?:punkt|pkt\.?|item|agenda\s+item)\s*"
                          r"(?:nr\.?\s*)?(\d{1,3})\b(?![./-]\d)")
_ITEM_ORDINAL = re.compile(r"(?i)\b(?:det\s+|den\s+|the\s+)?(" + "|".join(_ORDINALS) +
                           r")\s+(?:punkt|dagsordenspunkt|item|agenda\s+item|point)\b")


def item_reference(text: str) -> tuple[int | None, bool, str]:
    """The agenda item a question names, whether it is a place on the agenda (not a printed
    number), and the question without it.

    >>> item_reference("hvad blev besluttet på første punkt?")
    (1, True, 'hvad blev besluttet på  ?')
    >>> item_reference("punkt 4 i februar")[:2], item_reference("the last item")[:2]
    ((4, False), (-1, True))
    """
    for pattern in (_ITEM_NUMBER, _ITEM_ORDINAL):
        m = pattern.search(text)
        if m:
            raw = m.group(1).lower()
            number = int(raw) if raw.isdigit() else _ORDINALS[raw]
            return number, not raw.isdigit(), text[: m.start()] + " " + text[m.end():]
    return None, False, text


def meeting_fact(text: str) -> tuple[str | None, str]:
    """The meeting fact a question asks for, and the question without the words asking it.

    >>> meeting_fact("hvor blev mødet holdt?")
    ('place', '?')
    >>> meeting_fact("Køge Byråd: hvem var fraværende?")[0], meeting_fact("who attended?")[0]
    ('absent', 'participants')
    >>> meeting_fact("hvor mange ansøgninger kom der?")
    (None, 'hvor mange ansøgninger kom der?')
    """
    for fact, pattern in _FACTS:
        m = pattern.search(text)
        if m:
            return fact, (text[: m.start()] + " " + text[m.end():]).strip()
    return None, text


def _word_concept(word: str, names: frozenset[str] = frozenset()) -> Concept:
    # Numbers that are not case numbers or years ("25 mio.") may help ranking, never decide it.
    term = stem(word)
    rare_word = "" if word in names or word.isdigit() else word
    return Concept(word, [[term]], optional=word.isdigit() or term in _GENERIC_STEMS,
                   rare_word=rare_word)


_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-ZÆØÅ][\w-]+)")


def _names(question: str) -> frozenset[str]:
    """Capitalised words inside a sentence: names, which keep their full weight when absent.

    >>> sorted(_names("Hvad med Kattegat og Køge? Budget"))
    ['kattegat', 'koege']
    """
    text = question.strip()
    return frozenset(t for m in _CAPITALISED.finditer(text) for t in tokenise(m.group(1)))
