"""The one answer every surface shows: a surface-neutral card and its plain-text rendering.

A :class:`SearchResult` becomes an :class:`AnswerCard` (:func:`answer_card`): what to say, in
which order, in the question's language, with the closed-item rule applied. Renderers only lay
the card out: :func:`render_text` here (CLI, console, fallback text), Slack Block Kit in
:mod:`bot.blocks`, Adaptive Cards in :mod:`bot.teams.cards`. So wording lives in one table,
:data:`_LABELS`, and the surfaces can never disagree.

The order is fixed: the decision first (with the recommendation when the decision only says
"Godkendt."), then where it was made (item, meeting with body and date, case number), then up
to three other matches. The minutes are quoted as written. Closed items show title and case
number only, with a note that they are closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from store.parse_dates import DA_MONTHS, EN_MONTHS
from store.records import ItemRecord
from store.search import Hit, Searcher, SearchResult
from store.text import normalise

# The wording of every surface, one table per language. Answer labels, the search's hints,
# buttons and notes of chat cards, announcements. Add a key to both languages.
_LABELS: dict[str, dict[str, str]] = {
    "da": {
        "decision": "Beslutning",
        "recommendation": "Indstilling",
        "resume": "Resumé",
        "meeting": "Møde",
        "item": "Punkt",
        "case": "Sag",
        "closed_note": "lukket punkt: indholdet er ikke offentligt",
        "no_decision": "Der står ingen beslutning i referatet.",
        "no_match": "Jeg fandt ikke noget svar i referaterne.",
        "other_matches": "Andre mulige svar",
        "did_you_mean": "Mente du sag {0}? Der er ingen sag med præcis det nummer.",
        "timeline": "Sag {0} er behandlet på {1} møder (nyeste først):",
        "meeting_items": "Punkter på mødet",
        "undated": "uden dato",
        "listing": "{0}, nyeste først:",
        "more_items": "… og {0} punkter mere",
        "more_meetings": "… og {0} møder mere. Spørg om et emne, en dato eller et udvalg for "
        "at se færre.",
        "items_count": "{0} punkter",
        "place": "Sted",
        "time": "Tidspunkt",
        "participants": "Deltagere",
        "absent": "Fraværende",
        "source": "Kilde",
        "no_place": "Referatet nævner ikke, hvor mødet blev holdt.",
        "no_time": "Referatet nævner ikke, hvornår mødet begyndte.",
        "no_participants": "Referatet nævner ikke, hvem der deltog.",
        "no_absent": "Referatet nævner ingen fraværende.",
        "case_label": "Sagsnummer",
        "no_field": "Punktet har ingen {0}.",
        "help": "Spørg om hvad der blev besluttet, på dansk eller engelsk, fx:\n"
        "- hvad blev besluttet om plasterordningen?\n"
        "- et sagsnummer: 18-034639K (også delvist: 34639)\n"
        "- en periode eller et udvalg alene: i 2016, februar 2023, Direktionen, seneste møde, "
        "forrige møde\n"
        "- et emne i en periode eller kommune: budget 2024 i Køge\n"
        "- om selve mødet: hvor blev mødet holdt? hvem var fraværende? hvem deltog?\n"
        "- i samme tråd: og den forrige? hvad med 2016? hvad var indstillingen?",
        "closed": "lukket punkt",
        "hint_empty": "Skriv et spørgsmål, et emne eller et sagsnummer.",
        "hint_case": "Jeg fandt ingen sag med nummeret {0} i referaterne. Tjek nummeret, "
        "eller spørg med ord fra punktets titel.",
        "hint_words": "Ingen punkter svarer godt nok til spørgsmålet. Prøv med et sagsnummer "
        "eller andre ord, fx fra punktets titel.",
        "hint_date": "Jeg fandt ikke noget om det fra {0}. Prøv uden dato eller med en anden "
        "periode.",
        "helpful": "Var svaret nyttigt?",
        "follow": "Følg sagen",
        "share": "Del i kanalen",
        "you_asked": "Du spurgte",
        "shared_by": "Delt af",
        "thanks": "Tak for din feedback.",
        "not_found": "Punktet findes ikke længere i referaterne.",
        "sorry": "Beklager, noget gik galt. Prøv igen om lidt.",
        "look_up": "Slå op i referaterne",
        "no_minutes": "Ingen referater endnu.",
        "item_one": "punkt",
        "item_many": "punkter",
        "meeting_one": "møde",
        "meeting_many": "møder",
        # following a case or words (bot.follow); {0}, {1} are marked up by the surface
        "follow_case": "sag {0}",
        "follow_ask": "Skriv hvad du vil følge, fx {0} eller {1}.",
        "follow_too_many": "Du følger allerede {0} ting, som er det højeste antal. Stop med en "
        "af dem først ({1} viser dem).",
        "follow_already": "Du følger allerede {0}.",
        "follow_added": "Du følger nu {0}. Du får en direkte besked, når nye eller opdaterede "
        "referater har et punkt om det.",
        "follow_latest": "Seneste match: {0} ({1}).",
        "follow_nothing_yet": "Ingen punkter i referaterne matcher endnu; du får besked, når et "
        "gør.",
        "unfollow_ask": "Skriv hvad du vil stoppe med at følge, fx {0}.",
        "unfollow_unknown": "Du følger ikke {0}. {1} viser hvad du følger.",
        "unfollow_done": "Du følger ikke længere {0}.",
        "following_none": "Du følger ingenting endnu. Prøv {0} eller {1}.",
        "following_list": "Du følger:",
        "following_stop": "Stop med {0} eller {1}.",
        "follow_unknown_verb": "Ukendt kommando. Brug {0}, {1} eller {2}.",
        # announcements of new minutes (bot.announce)
        "ann_new": "Nyt referat: {0}",
        "ann_updated": "Opdateret referat: {0}",
        "ann_updated_intro": "Referatet er blevet opdateret.",
        "ann_changed_items": "Nye eller ændrede punkter:",
        "ann_removed": "({0} er fjernet.)",
        "ann_more": "… og {0} mere.",
        "ann_no_items": "Referatet har ingen dagsordenspunkter.",
        "ann_continued": "{0} (fortsat {1}/{2})",
        "ann_at": "kl. {0}",
        "ann_closed_count": "heraf {0} lukket",
        "ann_closed_counts": "heraf {0} lukkede",
        "ann_week": "Ugens referater: {0}",
        "ann_updated_tag": "(opdateret)",
        "ann_bulk": "{0} nye referater",
        "ann_ask": "Spørg med {0}, fx {1}.",
        "ann_ask_plain": "Spørg mig, fx {0}.",
        "dm_new": "Nyt referat om {0}: {1}",
        "dm_updated": "Opdateret referat om {0}: {1}",
        "dm_more": "… og {0} punkter mere i referatet.",
        "dm_footer": "Du følger {0}. Se og stop dine følg med {1} og {2}.",
        "help_slack": "*Spørg, hvad der blev besluttet.*\n"
        "• `/referat hvad blev besluttet om plasterordningen?` (kun du ser svaret)\n"
        "• `/referat 18-034639K`: slå et sagsnummer op\n"
        "• `/referat latest`: beslutningerne fra det seneste møde\n"
        "• `/referat follow 18-034639K`, `unfollow …`, `following`: få besked, når en sag "
        "kommer op igen\n"
        "• Nævn mig i en kanal, eller skriv direkte til mig.\n"
        "• Et sagsnummer skrevet i en kanal, jeg er med i, får et kort svar i tråden.",
        "home_facts": "{0}, {1} · {2} KB · opdateret {3}",
        "console_empty": "Arkivet er tomt{0}. Indlæs referater først: referat ingest {1}\n"
        "(skriv quit for at slutte)",
        "console_greeting": "Referat: {0} dagsordenspunkter fra {1} møder.\n"
        "Spørg, hvad der blev besluttet, på dansk eller engelsk, eller skriv et sagsnummer "
        "(fx 'hvad blev besluttet om plasterordningen?', '18-034639K'). "
        "Skriv hjælp for mere, quit for at slutte.",
        "help_teams": "Spørg, hvad der blev besluttet.\n"
        "• Nævn mig i en kanal: @Referat hvad blev besluttet om plasterordningen?\n"
        "• Skriv til mig i en chat: et spørgsmål eller et sagsnummer som 18-034639K.\n"
        "• Et sagsnummer skrevet i en kanal, jeg er med i, får et kort svar i tråden.\n"
        "• »Slå op i referaterne« i en beskeds menu (…) slår beskedens tekst op.\n"
        "• follow 18-034639K, unfollow …, following: få besked, når en sag kommer op igen.",
    },
    "en": {
        "decision": "Decision",
        "recommendation": "Recommendation",
        "resume": "Summary",
        "meeting": "Meeting",
        "item": "Item",
        "case": "Case",
        "closed_note": "closed item: its content is not public",
        "no_decision": "The minutes record no decision.",
        "no_match": "I found no answer in the minutes.",
        "other_matches": "Other possible matches",
        "did_you_mean": "Did you mean case {0}? No case has exactly that number.",
        "timeline": "Case {0} was discussed at {1} meetings (newest first):",
        "meeting_items": "Items on the agenda",
        "undated": "undated",
        "listing": "{0}, newest first:",
        "more_items": "… and {0} more items",
        "more_meetings": "… and {0} more meetings. Ask about a topic, a date or a committee to "
        "see fewer.",
        "items_count": "{0} items",
        "place": "Place",
        "time": "Time",
        "participants": "Participants",
        "absent": "Absent",
        "source": "Source",
        "no_place": "The minutes do not say where the meeting was held.",
        "no_time": "The minutes do not say when the meeting began.",
        "no_participants": "The minutes do not say who took part.",
        "no_absent": "The minutes record nobody absent.",
        "case_label": "Case number",
        "no_field": "The item has no {0}.",
        "help": "Ask what was decided, in Danish or English, for example:\n"
        "- what was decided on the plaster scheme?\n"
        "- a case number: 18-034639K (or part of it: 34639)\n"
        "- a period or a committee alone: in 2016, February 2023, Direktionen, latest meeting, "
        "previous meeting\n"
        "- a topic in a period or municipality: budget 2024 in Køge\n"
        "- the meeting itself: where was the meeting held? who was absent? who attended?\n"
        "- in the same thread: and the previous one? what about 2016? what was the "
        "recommendation?",
        "closed": "closed item",
        "hint_empty": "Type a question, a topic or a case number.",
        "hint_case": "I found no case numbered {0} in the minutes. Check the number, or ask "
        "with words from the item's title.",
        "hint_words": "No agenda item matches the question well enough. Try a case number or "
        "other words, e.g. from the item's title (the minutes are in Danish).",
        "hint_date": "I found nothing about that from {0}. Try without the date or another "
        "period.",
        "helpful": "Was this helpful?",
        "follow": "Follow this case",
        "share": "Share in channel",
        "you_asked": "You asked",
        "shared_by": "Shared by",
        "thanks": "Thanks for your feedback.",
        "not_found": "That item is no longer in the minutes.",
        "sorry": "Sorry, something went wrong. Please try again in a moment.",
        "look_up": "Look up in minutes",
        "no_minutes": "No minutes yet.",
        "item_one": "item",
        "item_many": "items",
        "meeting_one": "meeting",
        "meeting_many": "meetings",
        "follow_case": "case {0}",
        "follow_ask": "Write what to follow, e.g. {0} or {1}.",
        "follow_too_many": "You already follow {0} things, the most there can be. Stop one of "
        "them first ({1} lists them).",
        "follow_already": "You already follow {0}.",
        "follow_added": "You now follow {0}. You get a direct message when new or updated "
        "minutes have an item about it.",
        "follow_latest": "Latest match: {0} ({1}).",
        "follow_nothing_yet": "No item in the minutes matches yet; you will be told when one "
        "does.",
        "unfollow_ask": "Write what to stop following, e.g. {0}.",
        "unfollow_unknown": "You do not follow {0}. {1} shows what you follow.",
        "unfollow_done": "You no longer follow {0}.",
        "following_none": "You follow nothing yet. Try {0} or {1}.",
        "following_list": "You follow:",
        "following_stop": "Stop with {0} or {1}.",
        "follow_unknown_verb": "Unknown command. Use {0}, {1} or {2}.",
        "ann_new": "New minutes: {0}",
        "ann_updated": "Updated minutes: {0}",
        "ann_updated_intro": "The minutes were updated.",
        "ann_changed_items": "New or changed items:",
        "ann_removed": "({0} removed.)",
        "ann_more": "… and {0} more.",
        "ann_no_items": "The minutes have no agenda items.",
        "ann_continued": "{0} (continued {1}/{2})",
        "ann_at": "at {0}",
        "ann_closed_count": "{0} of them closed",
        "ann_closed_counts": "{0} of them closed",
        "ann_week": "This week's minutes: {0}",
        "ann_updated_tag": "(updated)",
        "ann_bulk": "{0} new minutes",
        "ann_ask": "Ask with {0}, e.g. {1}.",
        "ann_ask_plain": "Ask me, e.g. {0}.",
        "dm_new": "New minutes about {0}: {1}",
        "dm_updated": "Updated minutes about {0}: {1}",
        "dm_more": "… and {0} more items in the minutes.",
        "dm_footer": "You follow {0}. See and stop what you follow with {1} and {2}.",
        "help_slack": "*Ask what the board decided.*\n"
        "• `/referat what was decided on the plaster scheme?` (only you see the answer)\n"
        "• `/referat 18-034639K`: look up a case number\n"
        "• `/referat latest`: the newest meeting's decisions\n"
        "• `/referat follow 18-034639K`, `unfollow …`, `following`: get told when a case "
        "comes up again\n"
        "• Mention me in a channel, or write to me directly.\n"
        "• A case number written in a channel I am in gets a short card in the thread.",
        "home_facts": "{0}, {1} · {2} KB · updated {3}",
        "console_empty": "The store is empty{0}. Ingest minutes first: referat ingest {1}\n"
        "(type quit to leave)",
        "console_greeting": "Referat: {0} agenda items from {1} meetings.\n"
        "Ask what was decided, in Danish or English, or type a case number "
        "(e.g. 'what was decided on the plaster scheme?', '18-034639K'). "
        "Type help for more, quit to leave.",
        "help_teams": "Ask what the board decided.\n"
        "• Mention me in a channel: @Referat what was decided on the plaster scheme?\n"
        "• Write to me in a chat: a question or a case number such as 18-034639K.\n"
        "• A case number written in a channel I am in gets a short card in the thread.\n"
        "• \"Look up in minutes\" in a message's menu (…) looks up that message's text.\n"
        "• follow 18-034639K, unfollow …, following: get told when a case comes up again.",
    },
}




def _words(text: str) -> list[str]:
    return text.split()


# Words a decision is made of when it says only *that* something was decided, not *what*
# ("Godkendt.", "Taget til efterretning.", "Indstillingen tiltrådt."). Such a decision is shown
# with the recommendation it refers to.
_BARE_WORDS = frozenset(normalise(w) for w in _words("""
    godkendt godkendes godkender godkendte anbefales anbefalet anbefaler anbefaling
    taget tages til efterretning orientering orienteringen drøftet drøftes drøftede
    udsat udsættes ikke tiltrådt tiltrædes tiltræder vedtaget vedtages afvist afvises
    indstillingen indstilling indstillet som sagen blev med de faldne bemærkninger og
    forslaget oversendes ingen bemærkninger ok ja nej punktet behandlet sagens
    """))


def labels(lang: str) -> dict[str, str]:
    """The wording in the question's language ("da" unless "en")."""
    return dict(_LABELS["en" if lang == "en" else "da"])


def word(lang: str, key: str) -> str:
    """One entry of the wording table in ``lang`` (Danish unless ``"en"``)."""
    return _LABELS["en" if lang == "en" else "da"][key]


def count(lang: str, n: int, one: str) -> str:
    """``n`` and the word in singular or plural: ``count("da", 3, "item")`` is "3 punkter"."""
    return f"{n} {word(lang, one + ('_one' if n == 1 else '_many'))}"


def is_bare_decision(decision: str) -> bool:
    """True when a decision only says that the recommendation was followed.

    >>> is_bare_decision("Godkendt."), is_bare_decision("Taget til efterretning.")
    (True, True)
    >>> is_bare_decision("Mødet aflyses.")
    False
    """
    words = normalise(decision).split()
    return bool(words) and len(words) <= 8 and all(w in _BARE_WORDS for w in words)


def human_date(iso: str | None, lang: str) -> str:
    """``2023-02-20`` as "20. februar 2023" (da) or "20 February 2023" (en)."""
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso or labels(lang)["undated"]
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    if not 1 <= month <= 12:
        return iso
    if lang == "en":
        return f"{day} {EN_MONTHS[month - 1]} {year}"
    return f"{day}. {DA_MONTHS[month - 1]} {year}"


def _quote(text: str, limit: int) -> str:
    text = re.sub(r"\n\s*\n+", "\n", text.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


# How much of an item's text a card quotes: (decision, recommendation after a bare decision,
# recommendation without a decision, resume without either). None quotes everything.
_DETAIL: dict[str, tuple[int | None, int | None, int | None, int | None]] = {
    "answer": (700, 500, 400, 300),  # an answer to a question
    "compact": (400, 300, 300, 200),  # the short card for a case number written in a channel
    "full": (None, None, None, None),  # an item opened on its own, a follower's message
}


def _cut(text: str, limit: int | None) -> str:
    return re.sub(r"\n\s*\n+", "\n", text.strip()) if limit is None else _quote(text, limit)


@dataclass(frozen=True)
class Line:
    """One line of an item's content; ``label`` is empty for a note ("no decision recorded")."""

    label: str
    text: str


@dataclass(frozen=True)
class ItemCard:
    """One agenda item as every surface shows it. Closed items carry no content lines but the
    note that they are closed (the closed-item rule lives in :func:`item_card`, nowhere else)."""

    key: str  # names the item for "open it" buttons: ``meeting_id#number``, else the case number
    lang: str
    title: str
    closed: bool
    lines: tuple[Line, ...]
    body: str
    date: str  # as shown: "20. februar 2023"
    item_number: int | None
    case_number: str

    def context(self) -> list[str]:
        """Where the item was treated: body, date, item number, case number (each if known)."""
        lab = labels(self.lang)
        parts = [self.body, self.date]
        if self.item_number is not None:
            parts.append(f"{lab['item']} {self.item_number}")
        if self.case_number:
            parts.append(f"{lab['case']} {self.case_number}")
        return [p for p in parts if p]


def record_key(record: ItemRecord) -> str:
    """How a button names an item: ``meeting_id#item_number``, else the case number."""
    if record.item_number is not None:
        return f"{record.meeting_id}#{record.item_number}"
    return record.case_number or record.meeting_id


def item_by_key(searcher: Searcher, key: str) -> ItemRecord | None:
    """The item a button names (see :func:`record_key`), as the store holds it now."""
    searcher.store.refresh()
    meeting_id, sep, number = key.rpartition("#")
    if sep and number.isdigit():
        for record in searcher.store.items_for_meeting(meeting_id):
            if record.item_number == int(number):
                return record
        return None
    records = searcher.lookup_cases(key)
    return records[0] if records else None


def _content(r: ItemRecord, lab: dict[str, str], detail: str) -> tuple[Line, ...]:
    if r.closed:
        note = lab["closed_note"]
        return (Line("", note[0].upper() + note[1:] + "."),)
    decision_max, rec_max, rec_alone_max, resume_max = _DETAIL[detail]
    decision = (r.decision or "").strip()
    if decision and decision != "-":
        lines = [Line(lab["decision"], _cut(decision, decision_max))]
        if is_bare_decision(decision) and r.recommendation:
            lines.append(Line(lab["recommendation"], _cut(r.recommendation, rec_max)))
        return tuple(lines)
    lines = [Line("", lab["no_decision"])]
    if r.recommendation:
        lines.append(Line(lab["recommendation"], _cut(r.recommendation, rec_alone_max)))
    elif r.resume:
        lines.append(Line(lab["resume"], _cut(r.resume, resume_max)))
    return tuple(lines)


def meeting_name(body: str, municipality: str | None) -> str:
    """The board with its municipality, so an answer says whose board it was.

    >>> meeting_name("Kommunalbestyrelsen", "Thisted")
    'Kommunalbestyrelsen (Thisted)'
    >>> meeting_name("Køge Byråd", "Køge"), meeting_name("Direktionen", None)
    ('Køge Byråd', 'Direktionen')
    """
    if not municipality or normalise(municipality) in normalise(body):
        return body
    return f"{body} ({municipality})"


def item_card(record: ItemRecord, lang: str = "da", detail: str = "answer") -> ItemCard:
    """The surface-neutral card of one item; ``detail`` is "answer", "compact" or "full"."""
    lab = labels(lang)
    return ItemCard(
        key=record_key(record), lang=lang, title=record.title, closed=record.closed,
        lines=_content(record, lab, detail), body=meeting_name(record.body, record.municipality),
        date=human_date(record.date, lang), item_number=record.item_number,
        case_number=record.case_number or "",
    )


@dataclass(frozen=True)
class AnswerCard:
    """What to answer, before any surface lays it out.

    ``kind`` says which parts are filled:

    * ``"answer"``: ``item`` (the best match), ``others`` (up to three), maybe a ``note``
      ("did you mean …?") and, for a case treated at several meetings, ``heading`` and ``rows``
      (the case's timeline).
    * ``"meeting"``: a meeting's agenda: ``title`` (the meeting line), ``heading``, ``rows``,
      and ``item`` (its first item).
    * ``"no_match"``: ``heading`` (nothing found) and ``rows`` (the hint, if any).
    * ``"lines"``: any other answer made of a heading and rows (listings, facts, help).
    """

    kind: str
    lang: str
    question: str = ""
    note: str = ""
    title: str = ""
    item: ItemCard | None = None
    heading: str = ""
    rows: tuple[str, ...] = ()
    others: tuple[ItemCard, ...] = ()

    @property
    def case_number(self) -> str:
        """The case number of the best match ("" if none): what "Follow this case" follows."""
        return self.item.case_number if self.item else ""


OTHER_MATCHES = 3


def _is_timeline(hits: list[Hit]) -> bool:
    return (len(hits) > 1 and all(h.match in ("case", "case_fuzzy") for h in hits)
            and len({h.record.meeting_id for h in hits}) > 1)


def _is_meeting_listing(hits: list[Hit]) -> bool:
    return (len(hits) > 1 and all(h.match == "keyword" and h.score == 0.0 for h in hits)
            and len({h.record.meeting_id for h in hits}) == 1)


def _listing_row(r: ItemRecord, lab: dict[str, str]) -> str:
    number = f"{r.item_number}. " if r.item_number is not None else "- "
    tail = f" — {lab['closed_note']}" if r.closed else (
        f" — {lab['decision']}: {_quote(r.decision, 120)}" if r.decision else "")
    return f"{number}{r.title}{tail}"


def _timeline_row(r: ItemRecord, lab: dict[str, str], lang: str) -> str:
    what = lab["closed_note"] if r.closed else (
        f"{lab['decision']}: {_quote(r.decision, 160)}" if r.decision else lab["no_decision"])
    return f"- {human_date(r.date, lang)}, {r.body}: {r.title} — {what}"


def answer_card(result: SearchResult) -> AnswerCard:
    """The card for one search result (see :class:`AnswerCard` for its kinds)."""
    lang, hits, question = result.lang, result.hits, result.question
    lab = labels(lang)
    special = _SPECIAL.get(result.kind)
    if special is not None or (result.focus and hits):
        # Listings, meeting facts, help and follow-up fields: a heading and rows.
        text = special(result, lab) if special is not None else \
            _focus_text(hits[0].record, result.focus, lab, lang)
        first_line, *rows = text.split("\n")
        return AnswerCard("lines", lang, question, heading=first_line, rows=tuple(rows))
    if not hits:
        return AnswerCard("no_match", lang, question, heading=lab["no_match"],
                          rows=(result.hint,) if result.hint else ())
    first = hits[0].record
    note = lab["did_you_mean"].format(first.case_number or first.title) \
        if result.did_you_mean else ""
    top = item_card(first, lang)
    if _is_meeting_listing(hits):
        return AnswerCard("meeting", lang, question, note=note, item=top,
                          title=_meeting_line(top, lab), heading=lab["meeting_items"],
                          rows=tuple(_listing_row(h.record, lab) for h in hits))
    if _is_timeline(hits):
        meetings = len({h.record.meeting_id for h in hits})
        return AnswerCard("answer", lang, question, note=note, item=top,
                          heading=lab["timeline"].format(first.case_number, meetings),
                          rows=tuple(_timeline_row(h.record, lab, lang) for h in hits))
    others = tuple(item_card(h.record, lang) for h in hits[1:1 + OTHER_MATCHES])
    return AnswerCard("answer", lang, question, note=note, item=top, others=others)


# -- plain text ----------------------------------------------------------------------------


def _meeting_line(card: ItemCard, lab: dict[str, str]) -> str:
    return f"{lab['meeting']}: {card.body}, {card.date}"


def _item_line(card: ItemCard, lab: dict[str, str]) -> str:
    number = f" {card.item_number}" if card.item_number is not None else ""
    return f"{lab['item']}{number}: {card.title}"


def line_text(line: Line) -> str:
    """``"Beslutning: Godkendt."``, or the note alone."""
    return f"{line.label}: {line.text}" if line.label else line.text


def _short_line(card: ItemCard, lab: dict[str, str]) -> str:
    number = f", {lab['item'].lower()} {card.item_number}" if card.item_number is not None else ""
    case = f", {lab['case'].lower()} {card.case_number}" if card.case_number else ""
    closed = f" ({lab['closed']})" if card.closed else ""
    return f"- {card.title}{closed} ({card.body}, {card.date}{number}{case})"


def item_text(card: ItemCard) -> list[str]:
    """An item as text lines: content first, then item, meeting and case (closed: note last)."""
    lab = labels(card.lang)
    where = [_item_line(card, lab), _meeting_line(card, lab)]
    if card.case_number:
        where.append(f"{lab['case']}: {card.case_number}")
    content = [line_text(line) for line in card.lines]
    return where + content if card.closed else content + where


def render_text(card: AnswerCard) -> str:
    """The card as plain text: what the CLI and the console print, and chat fallback text."""
    lab = labels(card.lang)
    if card.kind in ("no_match", "lines"):
        return "\n".join(x for x in (card.heading, *card.rows) if x)
    lines: list[str] = [card.note] if card.note else []
    if card.kind == "meeting":
        lines.append(card.title)
        lines.append(f"{card.heading}:")
        lines.extend(card.rows)
        return "\n".join(lines)
    if card.item is not None:
        lines.extend(item_text(card.item))
    if card.rows:
        lines.extend(["", card.heading, *card.rows])
    if card.others:
        lines.extend(["", f"{lab['other_matches']}:"])
        lines.extend(_short_line(other, lab) for other in card.others)
    return "\n".join(lines)


def answer_text(result: SearchResult) -> str:
    """The answer as plain text (see the module doc for its order)."""
    return render_text(answer_card(result))


def _listing_text(result: SearchResult, lab: dict[str, str]) -> str:
    """Meetings newest first, a few items each, and how many more there are."""
    lang = result.lang
    by_meeting: dict[str, list[ItemRecord]] = {}
    for r in result.listed:
        by_meeting.setdefault(r.meeting_id, []).append(r)
    lines = [lab["listing"].format(count(lang, len(result.meetings) + result.more, "meeting"))]
    for m in result.meetings:
        items = by_meeting.get(m.meeting_id, [])
        lines.append(f"{meeting_name(m.body, m.municipality)}, {human_date(m.date, lang)}: "
                     f"{lab['items_count'].format(len(items))}")
        for r in items[:LISTED_ITEMS]:
            number = f"{r.item_number}. " if r.item_number is not None else ""
            lines.append(f"  - {number}{r.title}")
        if len(items) > LISTED_ITEMS:
            lines.append("  " + lab["more_items"].format(len(items) - LISTED_ITEMS))
    if result.more:
        lines.append(lab["more_meetings"].format(result.more))
    return "\n".join(lines)


def _meeting_text(result: SearchResult, lab: dict[str, str]) -> str:
    """A meeting fact first (place, time, participants, absent), the rest after, source named."""
    m = result.meetings[0]
    lang = result.lang
    facts = {
        "place": m.place,
        "time": m.start_time and (f"kl. {m.start_time}" if lang == "da" else m.start_time),
        "participants": ", ".join(m.participants),
        "absent": ", ".join(m.absent),
    }
    order = [result.fact] + [f for f in facts if f != result.fact]
    name = meeting_name(m.body, m.municipality)
    lines = [f"{lab['meeting']}: {name}, {human_date(m.date, lang)}"]
    for fact in order:
        if facts.get(fact):
            lines.append(f"{lab[fact]}: {facts[fact]}")
        elif fact == result.fact:
            lines.append(lab[f"no_{fact}"])
    if m.source:
        lines.append(f"{lab['source']}: {m.source}")
    return "\n".join(lines)


def _help_text(result: SearchResult, lab: dict[str, str]) -> str:
    return lab["help"]


def _focus_text(r: ItemRecord, focus: str, lab: dict[str, str], lang: str) -> str:
    """One field of an item, asked for in a follow-up ("hvad var indstillingen?")."""
    label = {"case": "case_label"}.get(focus, focus)
    value = r.case_number if focus == "case" else ("" if r.closed else getattr(r, focus, ""))
    head = (f"{lab[label]}: {_quote(value, 900)}" if value
            else lab["no_field"].format(lab[label].lower()))
    card = item_card(r, lang)
    return "\n".join([head, _item_line(card, lab), _meeting_line(card, lab)])


LISTED_ITEMS = 3
_SPECIAL = {"listing": _listing_text, "meeting": _meeting_text, "help": _help_text}


def result_json(result: SearchResult) -> dict[str, Any]:
    """The answer and its results as plain data (``referat ask --json``, tests, tools)."""
    results = []
    for h in result.hits:
        r = h.record
        results.append({
            "case_number": r.case_number,
            "title": r.title,
            "item_number": r.item_number,
            "closed": r.closed,
            "decision": "" if r.closed else r.decision,
            "recommendation": "" if r.closed else r.recommendation,
            "meeting": {"body": r.body, "date": r.date, "municipality": r.municipality},
            "score": h.score,
            "match": h.match,
        })
    return {
        "question": result.question,
        "lang": result.lang,
        "answer": answer_text(result),
        "did_you_mean": result.did_you_mean,
        "hint": result.hint,
        "kind": result.kind,
        "meetings": [{"body": m.body, "date": m.date, "municipality": m.municipality,
                      "place": m.place, "source": m.source} for m in result.meetings],
        "results": results,
    }
