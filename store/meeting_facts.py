"""Meeting facts from the text of minutes: municipality, body, date and time, place, who attended
and who was absent.

The facts sit in the lines before the first item, as labelled fields ("Mødedato:", "Mødested:",
"Deltagere:", "Fraværende:", "Afbud:", "Udvalg:") or as plain lines ("Referat af møde i Køge
Byråd", "Den 27.10.2020 kl. 17:00 i Byrådssalen", "Teknik- og Bygningsudvalget tirsdag den 16.
april 2024 kl. 16.30", "Børn & Læringsudvalget - 08-09-2021", "ÅBEN DAGSORDEN ØKONOMIUDVALG").
The municipality is named as "… Kommune" (in a logo, address or sentence) anywhere in the text,
the header first; a postal address ("2635 Ishøj") is the fallback. The parser falls back to
decision labels and, last, to the file name, only where the text says nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from store.headings import is_toc_line
from store.parse_dates import find_date, find_time

_HEADER_LABEL = re.compile(
    r"^(?P<label>mødedato|mødetidspunkt|mødetid|mødestart|starttidspunkt|tidspunkt|dato|tid"
    r"|mødested|sted|lokation|mødedeltagere|deltagere|deltager|til stede|tilstede|medlemmer"
    r"|fraværende med afbud|fraværende|afbud|udvalg|møde|punkter)\b\s*[:.]?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_DATE_LABELS = {"mødedato", "dato", "møde", "mødetidspunkt", "mødetid", "tidspunkt", "mødestart",
                "starttidspunkt", "tid"}
_PEOPLE_LABELS = {"mødedeltagere", "deltagere", "deltager", "til stede", "tilstede", "medlemmer"}
_ABSENT_LABELS = {"fraværende", "afbud", "fraværende med afbud"}
_PLACE_LABELS = {"mødested", "sted", "lokation"}

_BODY_SUFFIX = (r"(?:udvalg|udvalget|bestyrelsen|bestyrelse|rådet|råd|byråd|direktionen|nævnet"
                r"|repræsentationen|forsamlingen|gruppen)")
_NAME_WORD = r"[A-ZÆØÅ][\w\-]*,?"
# A board's name at the start of a line, then nothing, a date, or the kind of document.
_BODY_START = re.compile(
    rf"^(?P<body>(?:{_NAME_WORD}\s+(?:og|for|&)\s+)?(?:{_NAME_WORD}\s+)?[\w\-]*{_BODY_SUFFIX}"
    r"|Udvalget\s+for\s+[A-ZÆØÅ][\w\-]*(?:\s+(?:og|&)\s+[A-ZÆØÅ\w][\w\-]*)?)"
    r"(?=\s*$|\s+(?:den|d\.)\s|\s+\w+dag\b|\s+\d|\s*[-–(]|\s+(?:åben|åbent|lukket|referat"
    r"|dagsorden|beslutningsprotokol)\b)",
    re.IGNORECASE,
)
_REFERAT_BODY = re.compile(
    r"^(?:(?:åben|åbent|lukket)\s+)?(?:referat|beslutningsprotokol|protokol|dagsorden)\b\s*"
    r"(?:[-–:]\s*)?(?:for\s+|fra\s+|af\s+)?"
    r"(?:(?:ordinært\s+|ekstraordinært\s+)?møde(?:t)?\s+i\s+)?(?P<rest>.+)$",
    re.IGNORECASE,
)
_BODY_CUT = re.compile(
    r"\s+(?:d\.|den|kl\.?)\s|,|\s[-–]\s|\s+(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b"
    r"|\s+\d|\s*\(|\s*:|\s+mødedato\b",
    re.IGNORECASE,
)
_BODY_DASH_REFERAT = re.compile(
    r"^(?P<body>[A-ZÆØÅ](?:[^-–]|[-–](?=,|\s+og\s)){2,60}?)\s*(?:\(\d{4}\)\s*)?[-–]\s*referat\b",
    re.IGNORECASE,
)
# "Byrådets møde den 25. juni 2025"
_BODY_MEETING = re.compile(r"^(?P<body>[A-ZÆØÅ][\w\-]{2,40}?)s\s+møde\s+(?:den|d\.)\s",
                           re.IGNORECASE)
# "… U DSKRIFT Økonomiudvalget 21. januar 2002 kl. 16.00": a board's name right before the date.
_BODY_BEFORE_DATE = re.compile(
    rf"(?<!\S)(?P<body>[A-ZÆØÅ][\w\-]*{_BODY_SUFFIX})\s+(?:den\s+|d\.\s*)?\d{{1,2}}\.\s*[a-zæøå]{{3,9}}"
    r"\.?\s+\d{4}"
)
_WEEKDAY_DATE = re.compile(r"^(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b.*\d",
                           re.IGNORECASE)
_MUNICIPALITY = re.compile(r"\b(?P<name>[A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?) Kommunes?\b")
# (The lookahead lets a search pass over every character that cannot start a postal code.)
_POSTAL = re.compile(r"(?=[1-9])\b[1-9]\d{3}\s+(?P<town>[A-ZÆØÅ][a-zæøå]+)\b")
_PLACE_WORDS = re.compile(r"(?i)\b\w*(?:lokale|salen|sal|rådhus|rådhuset|kantinen)\b")
_PLACE_AFTER_TIME = re.compile(
    r"\bkl\.?\s*\d{1,2}[.:]\d{2}\s*(?:,|\bi\b)?\s*(?P<place>[A-ZÆØÅ\w\"].{2,100})$", re.IGNORECASE)
_PARTY_ONLY = re.compile(r"^\(\s*[\wÆØÅæøå/]{0,4}\s*\)$")
_BULLET = re.compile(r"^[•·▪◦●\-–*]\s*")


@dataclass
class MeetingFacts:
    body: str | None = None
    date: str | None = None
    time: str | None = None
    place: str = ""
    participants: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    municipality: str | None = None
    plain_body: str | None = None
    plain_dates: list[tuple[str, str]] = field(default_factory=list)


def split_people(value: str) -> list[str]:
    """Names from a list ("A, B og C"); a party mark ("Ali Ünsal, (V)") stays with its name."""
    parts = [p.strip(" .") for p in re.split(r",|;|\s+og\s+|\s+&\s+", _BULLET.sub("", value))]
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if _PARTY_ONLY.match(part) and out:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _looks_like_name(text: str) -> bool:
    """A person in an attendance list: short, capitalised, no digits, no field label."""
    return (len(text) <= 60 and text[:1].isupper() and ":" not in text
            and not any(c.isdigit() for c in text))


# "Fraværende: Anne Hansen (A)" noted inside a decision (Slagelse and other systems that print
# attendance per item rather than in the meeting's header).
_ABSENT_NOTE = re.compile(
    r"^(?:fraværende(?:\s+med\s+afbud)?|afbud(?:\s+fra)?|ikke\s+til\s+stede)\s*:\s*(?P<names>\S.*)$",
    re.IGNORECASE,
)
_NOBODY = {"ingen", "ingen fraværende", "ingen afbud", "alle til stede", "alle mødt", "-"}


def absent_in_decisions(decisions: list[str]) -> list[str]:
    """Members noted absent inside the items' decisions, each once, in order of first mention.

    The note stays in the decision it was printed in (who voted matters there); the meeting's
    absentee list gains the names so a question about attendance finds them.
    """
    out: list[str] = []
    for decision in decisions:
        for line in decision.splitlines():
            stripped = line.strip()
            if stripped[:1] not in "FfAaIi":
                continue
            m = _ABSENT_NOTE.match(stripped)
            if not m or m.group("names").strip(" .").lower() in _NOBODY:
                continue
            for part in split_people(m.group("names")):
                name = _name_only(part)
                if _looks_like_name(name) and name not in out:
                    out.append(name)
    return out


def _name_only(part: str) -> str:
    """A name without the sentence after it: "Henrik Aakast (V) deltog ikke i …" → its name."""
    words = part.split()
    k = 0
    while k < len(words) and (words[k][:1].isupper() or words[k][:1] == "("):
        k += 1
    return " ".join(words[:k])


def strip_genitive(body: str) -> str:
    """Danish genitive: "Direktionens" → "Direktionen", "Økonomiudvalgets" → "Økonomiudvalget"."""
    if body.endswith(("ens", "ets", "nes", "ns", "ts")) and len(body) > 4:
        return body[:-1]
    return body


_SMALL_WORDS = {"og", "for", "i", "af", "&", "til", "med", "-", "–"}


def usual_capitals(name: str) -> str:
    """A name printed in capitals, spelled as usual: "THISTED BYRÅD" → "Thisted Byråd",
    "TEKNIK- OG MILJØUDVALGET" → "Teknik- og Miljøudvalget"."""
    words = name.lower().split()
    return " ".join(w if w in _SMALL_WORDS and k else w[:1].upper() + w[1:]
                    for k, w in enumerate(words))


def _tidy_body(name: str) -> str | None:
    name = name.strip(" .-–:,")
    if not name or not (name[0].isupper() or name[0] == "§") or len(name) > 80:
        return None
    if name.isupper():
        name = usual_capitals(name)
    return name


# "Møde i § 17 stk. 4 udvalg - Busborgergruppen d. 12. november 2015", "Referat af møde i X den …"
_MEETING_IN = re.compile(
    r"^(?:(?:referat|dagsorden|beslutningsprotokol)\s+(?:af|fra|for)\s+)?"
    r"(?:ordinært\s+|ekstraordinært\s+)?møde\s+i\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_MEETING_IN_CUT = re.compile(
    r"\s+(?:d\.|den)\s*\d|\s+\d{1,2}\.\s*[a-zæøå]{3,9}\.?\s+\d{4}|\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
    r"|\s+kl\.?(?:\s|$)|,\s|\s+(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b",
    re.IGNORECASE,
)
# "THISTED BYRÅD …", "ØKONOMIUDVALGET 12. MARTS": a board's name in capitals opening a line.
_CAPITALS_BODY = re.compile(
    r"^(?P<body>(?:[A-ZÆØÅ][A-ZÆØÅ\-]*\s+(?:OG\s+|FOR\s+)?){0,3}?[A-ZÆØÅ\-]*"
    r"(?:BYRÅD(?:ET)?|KOMMUNALBESTYRELSE(?:N)?|UDVALG(?:ET)?|BESTYRELSE(?:N)?|DIREKTIONEN"
    r"|REPRÆSENTATIONEN|NÆVNET))(?![A-ZÆØÅa-zæøå])"
)
# "Bestyrelsesmøde 29. januar 2016", "Byrådsmøde den 3. maj": the board inside a compound.
_COMPOUND_MEETING = re.compile(
    r"^(?P<noun>[a-zæøå]*?(?:bestyrelse|råd|udvalg|direktion|nævn|repræsentantskab))"
    r"s?møde(?=\s+(?:den\s+|d\.\s*)?\d|\s*$)",
    re.IGNORECASE,
)
_DEFINITE = (("e", "n"), ("ion", "en"), ("råd", "et"), ("udvalg", "et"), ("nævn", "et"),
             ("skab", "et"))


def _definite(noun: str) -> str:
    """The definite form a board is named by: "Bestyrelse" → "Bestyrelsen", "Byråd" → "Byrådet"."""
    return next((noun + ending for tail, ending in _DEFINITE if noun.endswith(tail)), noun)


def _body_named_otherwise(line: str) -> str | None:
    """A board named by "Møde i X", a capitals header, or a "<Board>smøde <date>" compound."""
    m = _MEETING_IN.match(line)
    if m:
        rest = m.group("rest")
        cut = _MEETING_IN_CUT.search(rest)
        return _tidy_body(rest[: cut.start()] if cut else rest)
    m = _CAPITALS_BODY.match(line)
    if m:
        return _tidy_body(m.group("body"))
    m = _COMPOUND_MEETING.match(line)
    if m and line[0].isupper():
        return _definite(m.group("noun"))
    return None


def body_from_line(line: str) -> str | None:
    """The board a header line names, or None."""
    for pattern in (_BODY_DASH_REFERAT, _BODY_MEETING):
        m = pattern.match(line)
        if m:
            return _tidy_body(m.group("body"))
    if line[:1] in "MmRrDdBb" and _MEETING_IN.match(line):
        return _body_named_otherwise(line)
    m = _REFERAT_BODY.match(line)
    if m:
        rest = m.group("rest").strip()
        cut = _BODY_CUT.search(rest)
        if cut:
            rest = rest[: cut.start()]
        rest = re.sub(r"s\s+møde$", "", rest.strip(), flags=re.IGNORECASE).strip(" .-–:")
        words = rest.split()
        if words and words[-1].lower() == "møde":
            rest = strip_genitive(" ".join(words[:-1]))
        return _tidy_body(rest)
    m = _BODY_START.match(line)
    if m:
        return _tidy_body(m.group("body"))
    return _body_named_otherwise(line)


def _value_below(lines: list[str], i: int) -> tuple[str, int]:
    """The value printed on the next non-empty line under a bare label, and the next index."""
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and not _HEADER_LABEL.match(lines[j].strip()):
        return lines[j].strip(), j + 1
    return "", i


def _people_below(lines: list[str], i: int) -> tuple[list[str], int]:
    """Names listed one per line under a label, until a blank line or another label."""
    people: list[str] = []
    while i < len(lines) and lines[i].strip() and not _HEADER_LABEL.match(lines[i].strip()):
        people.extend(split_people(lines[i]))
        i += 1
    return people, i


def _labelled(facts: MeetingFacts, label: str, value: str, lines: list[str], i: int) -> int:
    """Record one labelled header field; returns the index of the next unread line."""
    if not value and label not in _PEOPLE_LABELS | _ABSENT_LABELS:
        value, i = _value_below(lines, i)
    if label in _DATE_LABELS:
        date = find_date(value)
        if date and not facts.date:
            facts.date = date
        facts.time = facts.time or find_time(value)
        if label == "møde" and facts.body is None and value[:2].lower() == "i ":
            facts.body = body_from_line(f"Møde {value}")  # "Møde i Busborgergruppen d. 12. …"
    elif label in _PLACE_LABELS:
        facts.place = facts.place or value
    elif label in _PEOPLE_LABELS | _ABSENT_LABELS:
        people = split_people(value) if value else []
        if not value:
            while i < len(lines) and not lines[i].strip():
                i += 1
        if not value or label in _PEOPLE_LABELS:
            more, i = _people_below(lines, i)
            people.extend(more)
        people = [p for p in people if _looks_like_name(p)]
        target = "participants" if label in _PEOPLE_LABELS else "absent"
        if not getattr(facts, target):
            setattr(facts, target, people)
    elif label == "udvalg" and value:
        facts.body = facts.body or value
    return i


def _plain(facts: MeetingFacts, line: str) -> None:
    """A header line without a label: a board's name, a date line, a place."""
    if facts.body is None:
        facts.body = body_from_line(line)
    if len(line) > 150:
        return  # a flattened table of contents: its dates are the items', not the meeting's
    date = find_date(line)
    if date:
        facts.plain_dates.append((date, line))
    m = _PLACE_AFTER_TIME.search(line)
    if m and not facts.place and _PLACE_WORDS.search(m.group("place")):
        facts.place = m.group("place").strip()
    elif not date and not facts.place and len(line) <= 120 and _PLACE_WORDS.search(line) and (
            not line.endswith(".") and not find_time(line)):
        facts.place = line


def _body_fallback(lines: list[str]) -> str | None:
    """A board named less plainly: before the meeting's date inside a line, or alone on the
    line above a "Tirsdag den 17-09-2019" line ("Udvikling, By og Land")."""
    previous = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        m = _BODY_BEFORE_DATE.search(line)
        if m:
            return m.group("body")
        if _WEEKDAY_DATE.match(line) and previous and len(previous) <= 60 and previous[
                :1].isupper() and not any(c.isdigit() for c in previous) and ":" not in previous:
            return previous
        previous = line
    return None


def read_header(lines: list[str]) -> MeetingFacts:
    """The facts printed in the lines before the first item."""
    facts = MeetingFacts()
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].strip()
        i += 1
        if not line or is_toc_line(line):
            continue
        m = _HEADER_LABEL.match(line)
        if m:
            i = _labelled(facts, m.group("label").lower(), m.group("value").strip(), lines, i)
        else:
            _plain(facts, line)
    facts.body = facts.body or _body_fallback(lines)
    if not facts.date and facts.plain_dates:
        facts.date = facts.plain_dates[0][0]
    if not facts.time:
        facts.time = next((t for _, line in facts.plain_dates if (t := find_time(line))), None)
    return facts


def municipality_in(lines: list[str], header_end: int) -> str | None:
    """The municipality the minutes name: "… Kommune" in the header first, else the one named
    most often; else the town of a postal address in the header."""
    counts: Counter[str] = Counter()
    named = "ommune" in "\n".join(lines)  # one search: most documents name none, or few lines
    for i, line in enumerate(lines) if named else ():
        if "ommune" not in line:
            continue
        for m in _MUNICIPALITY.finditer(line):
            # As printed: "Stevns Kommune" is Stevns, and Copenhagen's own name is
            # "Københavns Kommune", so a final "s" is never taken for a genitive.
            counts[m.group("name")] += 3 if i < header_end else 1
    if counts:
        return counts.most_common(1)[0][0]
    for line in lines[:header_end]:
        m = _POSTAL.search(line)
        if m:
            return m.group("town")
    return None
