"""A last line of defence for the log: secrets that libraries print are masked on the way out.

Referat's own log lines never carry a secret, but the Slack SDK logs whole responses at DEBUG,
among them the Socket Mode WebSocket URL whose ``ticket`` lets anyone open the app's connection,
and a URL with ``user:password@`` could reach a log through any library's error message.
:func:`install` puts :class:`RedactingFilter` on the root logger's handlers, so every record,
from any logger, is masked before it is written.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"(ticket=)[^&\s\"'\\]+"), r"\1***"),
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s@:\"']+:[^/\s@\"']*@", re.I), r"\1***@"),
    (re.compile(r"\bx(?:ox[abpr]|app)-[0-9A-Za-z-]{8,}"), "xox*-***"),
)


def redact(text: str) -> str:
    """``text`` with Socket Mode tickets, URL credentials and Slack tokens masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks each record's message (with its arguments merged in) through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: leave it to the handler to report
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of ``logger`` (default: the root logger), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
