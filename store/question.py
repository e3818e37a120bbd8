"""Clean a question as people type it, before anything tries to understand it.

Chat questions arrive wrapped in noise that carries no topic: Slack markup (``<@U123>``,
``<#C1|general>``, ``<!channel>``, links), mentions typed by hand (``@bob``), emoji as shortcodes
(``:pray:``) or characters, greetings, thanks and polite phrases in Danish and English ("hej",
"yo", "tak", "thanks", "please", "kan du fortælle mig"). Left in, each is a word the minutes never
contain, and an absent word is evidence *against* every item. :func:`clean_question` strips them
all, so a noisy question gets the answer of its clean twin. It also recognises the few questions
that are not about the minutes' content at all (:func:`intent`): a request for help.
"""

from __future__ import annotations

import re
import unicodedata

# Slack markup: user and channel references, broadcasts, user groups, links with or without label.
_SLACK_REF = re.compile(r"<[@#!][^>]*>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
# A hand-typed mention: "@bob", "@referat-bot" (not an e-mail address: nothing before the @).
_AT_MENTION = re.compile(r"(?<![\w.])@[\w.-]+")
# Emoji shortcodes (":pray:", ":+1::skin-tone-2:"); the letter rule keeps times ("10:30:00").
_SHORTCODE = re.compile(r"(?<!\w):(?:[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*|[+-]1):(?![\w])",
                        re.IGNORECASE)

# Greetings, thanks and politeness, matched as whole phrases on folded lower-case text. Longer
# phrases first, so "mange tak" goes before "tak" would leave "mange".
_NOISE_PHRASES = [
    # greetings
    "god morgen", "godmorgen", "goddag", "god dag", "hej med dig", "hejsa", "hejhej", "hej",
    "halløj", "hallo", "davs", "dav", "hey there", "hi there", "hello there", "hey", "hi",
    "hello", "yo", "hiya", "good morning", "good afternoon", "morning", "morn", "godaften",
    # thanks
    "på forhånd tak", "tak på forhånd", "tusind tak", "mange tak", "tak for hjælpen", "tak",
    "thanks in advance", "thank you very much", "thank you", "thanks a lot", "many thanks",
    "thanks", "thx", "ty", "cheers", "mvh",
    # politeness and framing
    "kan du fortælle mig", "kan du fortælle", "kunne du fortælle mig", "kunne du fortælle",
    "vil du fortælle mig", "kan du sige mig", "kan du finde", "kan du hjælpe mig med",
    "kunne du finde", "kan du slå op", "kan du se", "jeg vil gerne vide", "jeg vil gerne høre",
    "jeg vil høre", "jeg leder efter", "jeg søger", "ved du", "venligst", "please", "pls", "plz",
    "can you tell me", "could you tell me", "can you find", "could you find", "can you check",
    "could you check", "would you tell me", "i would like to know", "i'd like to know",
    "i want to know", "i am looking for", "i'm looking for", "looking for", "do you know",
    "quick question", "kort spørgsmål", "lige et hurtigt spørgsmål",
]
# Words of address that end or start a greeting ("hej referat", "hey bot", "hi all").
_ADDRESS = ("referat", "bot", "botten", "alle", "all", "everyone", "folks", "team", "guys")

_PHRASE_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in sorted(_NOISE_PHRASES, key=len,
                                                               reverse=True)) + r")(?![\w'])",
    re.IGNORECASE,
)
_LEAD_ADDRESS = re.compile(r"^(?:" + "|".join(_ADDRESS) + r")\b[\s,.:;!-]*", re.IGNORECASE)
_PUNCT_RUNS = re.compile(r"\s+([,.;:!?])")
_EDGE = re.compile(r"^[\s,.;:!\-–]+|[\s,;:\-–]+$")

HELP_PHRASES = frozenset({
    "help", "hjælp", "hjaelp", "?", "hvad kan du", "hvad kan du svare på", "hvad kan du gøre",
    "hvordan bruger jeg dig", "hvordan virker du", "what can you do", "how do i use you",
    "how does this work", "what can i ask", "hvad kan jeg spørge om", "help me", "hjælp mig",
    "usage", "vejledning", "instructions", "commands", "kommandoer",
})


def _is_emoji(ch: str) -> bool:
    """Pictographs, dingbats, flags, skin tones and the joiners that glue them together."""
    if ch in "\u200d\ufe0f\ufe0e\u20e3":
        return True
    cat = unicodedata.category(ch)
    if cat == "So":
        return ch not in "©®°№℗"
    return cat == "Sk" and 0x1F3FB <= ord(ch) <= 0x1F3FF


def strip_markup(text: str) -> str:
    """Slack references, mentions, links, emoji shortcodes and emoji characters removed."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _SLACK_LINK.sub(lambda m: f" {m.group(2)} " if m.group(2) and not
                           m.group(2).startswith(("http", "www")) else " ", text)
    text = _SLACK_REF.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _AT_MENTION.sub(" ", text)
    text = _SHORTCODE.sub(" ", text)
    text = "".join(" " if _is_emoji(ch) else ch for ch in text)
    return " ".join(text.split())


def _strip_phrases(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _PHRASE_RE.sub(" ", text)
        text = " ".join(text.split())
        text = _EDGE.sub("", text)
        text = _LEAD_ADDRESS.sub("", text) if previous != text else text
    return text


def clean_question(text: str) -> str:
    """The question without chat noise, otherwise as written (case, punctuation, numbers kept).

    >>> clean_question("<@U999ABC> hey, hvad blev besluttet om plasterordningen? :pray: tak!")
    'hvad blev besluttet om plasterordningen?'
    >>> clean_question("@bob can you tell me what was decided on the plaster scheme, thanks")
    'what was decided on the plaster scheme'
    >>> clean_question("<!channel> plasterordning 🙏")
    'plasterordning'
    >>> clean_question("sag 18-034639K kl. 10:30")
    'sag 18-034639K kl. 10:30'
    """
    text = strip_markup(text)
    text = _strip_phrases(text)
    text = _PUNCT_RUNS.sub(r"\1", text)
    text = re.sub(r"([?!.])[?!.]+", r"\1", text)
    text = re.sub(r"^[?!.,\s]+", "", text)
    return text.strip()


def is_help(text: str) -> bool:
    """True for a request for help ("hjælp", "help", "hvad kan du?") or a bare greeting.

    >>> is_help("hjælp"), is_help("<@U1> help :wave:"), is_help("hej!"), is_help("budget 2024")
    (True, True, True, False)
    """
    if not text.strip():
        return False
    bare = strip_markup(text).lower().strip(" ?!.")
    if not bare:
        return False
    if bare in HELP_PHRASES or f"{bare}?" in HELP_PHRASES:
        return True
    cleaned = clean_question(text).lower().strip(" ?!.")
    return not cleaned or cleaned in HELP_PHRASES


_EN_HELP_WORDS = frozenset({"help", "what", "how", "hi", "hey", "hello", "usage", "instructions",
                            "commands", "can", "you", "morning", "thanks"})


def help_language(text: str) -> str:
    """The language to give help in: English when the request is worded in English."""
    words = re.findall(r"[a-zæøå]+", strip_markup(text).lower())
    return "en" if words and all(w in _EN_HELP_WORDS or w == "do" or w == "i" for w in words) \
        else "da"
