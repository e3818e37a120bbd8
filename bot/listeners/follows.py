"""The "Følg sagen" button on Slack answer cards and announcements: the Slack delivery of the
surface-neutral follow core (:mod:`bot.follow`)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App

from ..context import BotContext, webhook
from ..follow import handle_follow_command

# Buttons are "follow_case" on answer cards and "follow_case_<n>" in announcements (an
# action_id must be unique within one message).
FOLLOW_ACTION = re.compile(r"^follow_case(?:_\d+)?$")


def _reply(ctx: BotContext, body: dict[str, Any], text: str) -> None:
    """Tell the clicking user privately: through response_url when Slack gave one, else
    an ephemeral message in the channel, else a DM (buttons on the Home tab have neither)."""
    user_id = (body.get("user") or {}).get("id", "")
    url = body.get("response_url")
    if url:
        webhook(url).send(text=text, response_type="ephemeral", replace_original=False)
        return
    if ctx.client is None:
        return
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id")
    if channel:
        ctx.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    else:
        ctx.client.chat_postMessage(channel=user_id, text=text)


def register(app: App, ctx: BotContext) -> None:
    """Wire the "Følg sagen" button (answer cards and announcements)."""

    @app.action(FOLLOW_ACTION)
    def follow_clicked(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user_id = (body.get("user") or {}).get("id", "")
        value = str(action.get("value") or "").strip()
        reply = handle_follow_command(ctx, user_id, "follow", value)
        _reply(ctx, body, reply)
