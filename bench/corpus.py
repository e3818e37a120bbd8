"""A synthetic corpus of Danish municipal minutes, for scale benchmarks and scale tests.

The files imitate three layouts real publishing systems produce (the ``Sak N:`` layout with a
bare case number under the heading, the ``Punkt N:`` layout with ``Sagsnr.:`` and a decision
under ``<Body>s møde den …:``, and an agenda whose decision follows ``Beslutning i <Body> den
…:``), for eight boards and committees, with case numbers in four families (``23-001310``,
``18-034639K``, ``326-2015-47221``, ``14/30210``), closed items that carry a title only,
recommendations and decisions. The output is reproducible for a seed and every case number is
unique, so a benchmark can ask for a case and know which item must come first.

The text is filler for measuring how ingest and search behave as the corpus grows; it is never
a source of facts.

    python -m bench.corpus OUT_DIR --meetings 1000 [--seed 7]

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as out:
...     corpus = write_corpus(Path(out), meetings=3)
...     len(list(Path(out).iterdir())) == corpus.meetings == 3
True
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Eight boards and committees. The city council and the social and health committee are left
# out on purpose: the held-out test minutes come from them, and a generated "latest meeting" of
# the same body would rightly win the questions those tests ask about it.
BODIES = [
    "Direktionen", "Økonomiudvalget", "Børne- og Skoleudvalget", "Teknik- og Miljøudvalget",
    "Kultur- og Fritidsudvalget", "Beskæftigelsesudvalget", "Plan- og Boligudvalget",
    "Ældreudvalget",
]
TOPICS = [
    "budgetopfølgning", "skolestruktur", "ældrepleje", "rekruttering af sosu-assistenter",
    "vejvedligeholdelse", "affaldsordning", "daginstitutioner", "klimaplan", "digitalisering",
    "sygefravær", "lokalplan for bymidten", "kollektiv trafik", "erhvervsudvikling", "bosætning",
    "sundhedsaftale", "beskæftigelsesindsats", "boligsocial helhedsplan", "idrætsfaciliteter",
    "biblioteksbetjening", "vintertjeneste", "spildevandsplan", "energirenovering af skoler",
    "arbejdsmiljø", "indkøbspolitik", "it-sikkerhed", "databeskyttelse", "havneudvikling",
    "naturpleje", "kulturstrategi", "frivillighedspolitik", "handicappolitik",
    "integrationsindsats", "ungdomsuddannelse", "sundhedshus", "plejeboliger", "busdrift",
    "cykelstier", "grundsalg på Havnevej", "anlægsbudget", "takstblad", "tilsynsrapport",
    "skolevejsanalyse", "madservice", "legepladser", "havnebad", "genbrugsplads",
]
# Topics and titles are kept apart from the bundled samples' items and from the questions that
# must find nothing (examples/questions.jsonl), so those questions keep one right answer at scale.
PREFIXES = ["", "Status på ", "Orientering om ", "Beslutning om ", "Opfølgning på ",
            "Godkendelse af ", "Drøftelse af ", "Evaluering af ", "Forslag til ", "Høring om "]
SUFFIXES = ["", " 2024", " - økonomi", " - proces", " - høringssvar", " i Nordområdet",
            " - ny model", " - handleplan", " - kommissorium", " - anlægsbevilling"]
CLOSED_TITLES = ["Personalesag", "Køb af ejendom", "Erstatningssag",
                 "Udbud af rengøring - tildeling", "Salg af jord - forhandling",
                 "Tvistsag med entreprenør"]
DECISIONS = ["Godkendt.", "Taget til efterretning.", "Anbefales.", "Drøftet.",
             "Udsat til næste møde.", "Godkendt med de faldne bemærkninger.", "Ikke godkendt.",
             "Indstillingen blev godkendt.", "Oversendt til Økonomiudvalget."]
ROLES = ["Sekretariatschefen", "Kommunaldirektøren", "Direktøren", "Økonomichefen",
         "Forvaltningen", "Børne- og ungechefen", "Teknik- og miljøchefen"]
RECOMMENDATIONS = ["sagen godkendes", "orienteringen tages til efterretning",
                   "forslaget sendes i høring i 8 uger",
                   "der gives en anlægsbevilling på {amount} kr.",
                   "udgiften finansieres af kassebeholdningen", "sagen drøftes"]
PLACES = ["Mødelokale {n}", "Rådhuset, mødesal {n}", "Byrådssalen", "Borgerservice, lokale {n}"]
PEOPLE = ["Anne Hansen", "Bo Jensen", "Carla Nielsen", "Dorte Holm", "Erik Sørensen",
          "Fatima Ali", "Gitte Lund", "Henrik Møller", "Ida Kristensen", "Jens Madsen"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december"]
WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
FIRST_DAY, LAST_DAY = dt.date(2008, 1, 7), dt.date(2025, 12, 15)
# One municipality's boards hold at most this many meetings in the span; more is several.
PER_MUNICIPALITY = 30_000
MUNICIPALITIES = ["Kalundborg", "Holbæk", "Slagelse", "Næstved", "Roskilde", "Sorø",
                  "Ringsted", "Odsherred", "Lejre", "Køge"]


@dataclass
class Item:
    """One generated agenda item: what the minutes say about it, and what a reader must find."""

    number: int
    title: str
    case_number: str
    closed: bool
    decision: str = ""
    recommendation: str = ""
    topic: str = ""


@dataclass
class Corpus:
    """What :func:`write_corpus` wrote: counts and, per file, its items (for known answers)."""

    meetings: int = 0
    items: int = 0
    files: dict[str, list[Item]] = field(default_factory=dict)

    def open_items(self) -> Iterator[Item]:
        """Every item that is not closed, in file order."""
        for items in self.files.values():
            yield from (item for item in items if not item.closed)


class _CaseNumbers:
    """Unique case numbers in the families Danish systems print, so lookups have one answer."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _candidate(self, year: int, bare: bool) -> str:
        # A bare number alone on a line is only recognised in the dash families; after a
        # "Sagsnr.:" label every family is.
        family = self.rng.random() * (0.6 if bare else 1.0)
        yy = year % 100
        if family < 0.45:
            return f"{yy:02d}-{self.rng.randint(0, 999999):06d}"
        if family < 0.6:
            return f"{yy:02d}-{self.rng.randint(0, 999999):06d}{self.rng.choice('ABCDK')}"
        if family < 0.85:
            return f"{self.rng.choice([326, 330, 787])}-{year}-{self.rng.randint(100, 99999)}"
        return f"{yy:02d}/{self.rng.randint(1000, 99999)}"

    def new(self, year: int, bare: bool = False) -> str:
        while True:
            case = self._candidate(year, bare)
            if case not in self.used:
                self.used.add(case)
                return case


def _title(rng: random.Random, topic: str) -> str:
    title = (rng.choice(PREFIXES) + topic + rng.choice(SUFFIXES)).strip()
    return title[0].upper() + title[1:]


def _items(rng: random.Random, cases: _CaseNumbers, when: dt.date, bare: bool) -> list[Item]:
    items = []
    for number in range(1, rng.randint(5, 14) + 1):
        if rng.random() < 0.15:
            title = "Lukket: " + rng.choice(CLOSED_TITLES)
            items.append(Item(number, title, cases.new(when.year, bare), closed=True))
            continue
        topic = rng.choice(TOPICS)
        amount = f"{rng.randint(1, 999) * 1000:,}".replace(",", ".")
        wish = rng.choice(RECOMMENDATIONS).format(amount=amount)
        items.append(Item(number, _title(rng, topic), cases.new(when.year, bare), closed=False,
                          decision=rng.choice(DECISIONS),
                          recommendation=f"{rng.choice(ROLES)} indstiller, at {wish}.",
                          topic=topic))
    return items


def _background(rng: random.Random, item: Item) -> str:
    amount = f"{rng.randint(1, 999) * 1000:,}".replace(",", ".")
    return (f"Sagen vedrører {item.topic}. Administrationen har udarbejdet et oplæg, og der er "
            f"behov for en stillingtagen til den videre proces. Udgiften anslås til {amount} kr. "
            "årligt og afholdes inden for rammen.")


def _long_date(when: dt.date) -> str:
    return f"{when.day}. {MONTHS[when.month - 1]} {when.year}"


def _toc(items: list[Item]) -> list[str]:
    return ["Indholdsfortegnelse", ""] + [
        f"{item.title}.....\t{i + 3}" for i, item in enumerate(items)] + [""]


def _sak_layout(rng: random.Random, when: dt.date, body: str, items: list[Item]) -> str:
    """``Sak N: title``, the case number alone on the next line, ``Beslutning`` first."""
    lines = [f"REFERAT {body} d. {when:%d-%m-%Y}", "",
             f"Mødedato {WEEKDAYS[when.weekday()].title()} d. {_long_date(when)} kl. 12:30", "",
             f"Mødested {rng.choice(PLACES).format(n=rng.randint(1, 9))}", "",
             "Mødedeltagere " + ", ".join(rng.sample(PEOPLE, 4)), "", *_toc(items)]
    for item in items:
        lines += [f"Sak {item.number}: {item.title}", "", item.case_number, ""]
        if item.closed:
            continue
        lines += ["Beslutning", "", item.decision, "", "Sagsfremstilling", "",
                  "Resume og sagens baggrund", "", _background(rng, item), "", "Indstillinger",
                  "", item.recommendation, "", "Behandling", "", f"{body}.", "",
                  "Økonomiske konsekvenser", "", "Ingen.", ""]
    return "\n".join(lines)


def _punkt_layout(rng: random.Random, when: dt.date, body: str, items: list[Item]) -> str:
    """``Punkt N: title``, ``Sagsnr.:`` with journal and document numbers, decision last."""
    date = _long_date(when)
    lines = [f"REFERAT {body} d. {when:%d-%m-%Y}", "",
             f"Mødedato {WEEKDAYS[when.weekday()].title()} d. {date} kl. 08:00", "", *_toc(items)]
    for item in items:
        lines += [f"Punkt {item.number}: {item.title}", ""]
        if item.closed:
            lines += [f"Sagsnr.: {item.case_number}", ""]
            continue
        document = f"{rng.choice([326, 330])}-{when.year}-{rng.randint(100, 99999)}"
        lines += ["Sagsfremstilling", "", f"{item.number}. {item.title}", "", "Åbent", "",
                  f"Sagsnr.: {item.case_number} J.nr.: 00.01.00 Dokumentnr.: {document}", "",
                  "Resume og sagens baggrund", "", _background(rng, item), "", "Indstillinger",
                  "", item.recommendation, "", "Økonomiske konsekvenser", "", "Ingen.", "",
                  f"{body}s møde den {date}:", "", item.decision, ""]
    return "\n".join(lines)


def _eg_layout(rng: random.Random, when: dt.date, body: str, items: list[Item]) -> str:
    """``Referat af møde i <Body>``; ``Punkt N title``; ``Beslutning i <Body> den …:``."""
    date = _long_date(when)
    lines = [f"Referat af møde i {body}", "", f"{WEEKDAYS[when.weekday()]} den {date} kl. 16.00",
             "", f"Sted: {rng.choice(PLACES).format(n=rng.randint(1, 9))}", "", "Deltagere:",
             *rng.sample(PEOPLE, 5), "", "Indholdsfortegnelse"]
    lines += [f"Punkt {item.number} {item.title} ............ {item.number + 1}"
              for item in items] + [""]
    for item in items:
        lines += [f"Punkt {item.number} {item.title}", "", f"Sagsnr.: {item.case_number}", ""]
        if item.closed:
            continue
        lines += [ "Resumé", _background(rng, item), "",
                  "Indstilling", item.recommendation, "",
                  f"Beslutning i {body} den {date}:", item.decision, ""]
    return "\n".join(lines)


Layout = Callable[[random.Random, dt.date, str, list[Item]], str]
# (share of meetings so far, layout, whether case numbers stand bare on their own line)
LAYOUTS: list[tuple[float, Layout, bool]] = [(0.45, _sak_layout, True),
                                             (0.75, _punkt_layout, False),
                                             (1.0, _eg_layout, False)]


def _slug(body: str) -> str:
    table = str.maketrans({"ø": "oe", "æ": "ae", "å": "aa", " ": "-"})
    return body.lower().replace("- ", " ").translate(table)


def write_corpus(out: Path, meetings: int, seed: int = 7) -> Corpus:
    """Write ``meetings`` minutes files into ``out``, spread evenly over 2008-2025.

    Every meeting is a different meeting: no board meets twice on one day (a clash moves the
    meeting a day on). Beyond :data:`PER_MUNICIPALITY` meetings the corpus is several
    municipalities' minutes, as a shared installation holds, each file named after its
    municipality (the minutes themselves do not name it).
    """
    rng = random.Random(seed)
    cases = _CaseNumbers(rng)
    out.mkdir(parents=True, exist_ok=True)
    span = (LAST_DAY - FIRST_DAY).days
    corpus = Corpus()
    towns = -(-meetings // PER_MUNICIPALITY)
    held: set[tuple[int, str, dt.date]] = set()
    for m in range(meetings):
        town = m % towns
        share = m // towns  # the meeting's place among its municipality's
        when = FIRST_DAY + dt.timedelta(days=span * share * towns // max(meetings, 1)
                                        + rng.randint(0, 2))
        body = rng.choice(BODIES)
        while (town, body, when) in held:
            when += dt.timedelta(days=1)
        held.add((town, body, when))
        pick = rng.random()
        layout, bare = next((layout, bare) for bound, layout, bare in LAYOUTS if pick < bound)
        items = _items(rng, cases, when, bare)
        prefix = f"{_slug(MUNICIPALITIES[town % len(MUNICIPALITIES)])}-" if towns > 1 else ""
        name = f"{prefix}{_slug(body)}-{when:%Y-%m-%d}-{m:05d}.txt"
        (out / name).write_text(layout(rng, when, body, items), encoding="utf-8")
        corpus.files[name] = items
        corpus.meetings += 1
        corpus.items += len(items)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus",
                                     description="Write a synthetic corpus of Danish minutes.")
    parser.add_argument("out", type=Path, help="folder to write the .txt files into")
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--manifest", type=Path,
                        help="also write every item (with its case number) as JSON lines here")
    args = parser.parse_args(argv)
    corpus = write_corpus(args.out, args.meetings, args.seed)
    if args.manifest:
        with args.manifest.open("w", encoding="utf-8") as fh:
            for name, items in corpus.files.items():
                for item in items:
                    fh.write(json.dumps({"file": name, **asdict(item)}, ensure_ascii=False) + "\n")
    print(f"wrote {corpus.meetings} meetings, {corpus.items} agenda items to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
