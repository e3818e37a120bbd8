"""Slack listeners, one module per Slack feature, each with ``register(app, ctx)``."""

from __future__ import annotations

from slack_bolt import App

from ..context import BotContext
from . import actions, commands, events, follows, home, shortcuts

FEATURES = (events, home, commands, actions, shortcuts, follows)


def register(app: App, ctx: BotContext) -> None:
    """Wire every feature's listeners into ``app``."""
    for feature in FEATURES:
        feature.register(app, ctx)
