"""How each chat surface marks up text that the surface-neutral core words.

The core (follow replies, announcements) writes its sentences once and asks a :class:`Markup`
to make user or minutes text safe and to emphasise it; Slack gets mrkdwn with its control
characters escaped, Teams plain text (its cards show text runs literally).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.blocks import escape_mrkdwn


@dataclass(frozen=True)
class Markup:
    """``text`` makes user or minutes text safe to show; ``strong``/``em`` emphasise such text;
    ``code`` shows a command; ``command`` is what commands start with on that surface."""

    text: Callable[[str], str]
    strong: Callable[[str], str]
    em: Callable[[str], str]
    code: Callable[[str], str]
    command: str


SLACK_MARKUP = Markup(text=escape_mrkdwn, strong=lambda t: f"*{escape_mrkdwn(t)}*",
                      em=lambda t: f"_{escape_mrkdwn(t)}_", code=lambda t: f"`{t}`",
                      command="/referat ")
# Teams: plain text (cards show text runs literally); commands are typed to the bot as they are.
PLAIN_MARKUP = Markup(text=str, strong=str, em=str, code=lambda t: f"»{t}«", command="")
