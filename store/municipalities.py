"""The 98 Danish municipalities, so a municipality can be recognised where the text is silent.

Minutes saved from a web page often never print "… Kommune": the municipality is in the site's
address, not in the page. What is left is usually the file's name, which archives and downloads
build from the municipality and the board (``koege_byraad_2020-10-27.txt``,
``Thisted-Kommunalbestyrelsen-2022-08-30.pdf``). A known municipality at the start of the name is
taken as the municipality and the rest as the board; anything else is left alone.

    >>> split_municipality("koege byraad")
    ('Køge', 'byraad')
    >>> split_municipality("ringkoebing skjern oekonomiudvalget")
    ('Ringkøbing-Skjern', 'oekonomiudvalget')
    >>> split_municipality("direktionen")
    (None, 'direktionen')
"""

from __future__ import annotations

from functools import lru_cache

from store.text import normalise

MUNICIPALITIES = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby",
    "Brønderslev", "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe", "Fredensborg",
    "Fredericia", "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø", "Faaborg-Midtfyn",
    "Gentofte", "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Haderslev",
    "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Herning", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ikast-Brande", "Ishøj",
    "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding", "København", "Køge", "Langeland",
    "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart",
    "Morsø", "Norddjurs", "Nordfyns", "Nyborg", "Næstved", "Odder", "Odense", "Odsherred",
    "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted", "Roskilde", "Rudersdal", "Rødovre",
    "Samsø", "Silkeborg", "Skanderborg", "Skive", "Slagelse", "Solrød", "Sorø", "Stevns",
    "Struer", "Svendborg", "Syddjurs", "Sønderborg", "Thisted", "Tønder", "Tårnby",
    "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerland", "Viborg", "Vordingborg", "Ærø",
    "Aabenraa", "Aalborg", "Aarhus",
)


@lru_cache(maxsize=1)
def _by_words() -> dict[tuple[str, ...], str]:
    """Each municipality by its folded words: ``("lyngby", "taarbaek") → "Lyngby-Taarbæk"``."""
    return {tuple(normalise(name).split()): name for name in MUNICIPALITIES}


def split_municipality(name: str) -> tuple[str | None, str]:
    """``(municipality, rest)`` when ``name`` starts with a known municipality, else
    ``(None, name)``. Words are compared folded, so "koebenhavn" and "København" agree."""
    words = name.split()
    folded = [normalise(w) for w in words]
    known = _by_words()
    for size in (2, 1):  # the longest name first: "Høje-Taastrup" before a "Høje"
        municipality = known.get(tuple(" ".join(folded[:size]).split()))
        if municipality and len(words) > size:
            return municipality, " ".join(words[size:])
    return None, name
