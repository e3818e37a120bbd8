"""The ``/referat`` slash command: ``help``, ``latest``, ``follow``/``unfollow``/``following``,
a case number, or any question.

Slack needs an acknowledgement within 3 seconds, so the command is acknowledged at once and the
answer is posted to the ``response_url`` afterwards. Answers are ephemeral (only the asker sees
them, and Slack does not show the command itself to anyone else), so the answer repeats the
question and offers a "Share in channel" button.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from .. import follow
from ..blocks import (
    escape_mrkdwn,
    help_text,
    meeting_blocks,
    question_context,
    section_blocks,
    share_button,
    ui,
)
from ..context import BotContext
from .common import answer_message, guarded, log_request, received_at, respond

COMMAND = "/referat"
HELP_WORDS = {"", "help", "hjælp", "hjaelp", "?"}
LATEST_WORDS = {"latest", "seneste", "nyeste"}
FOLLOW_VERBS = {"follow", "unfollow", "following"}


def split_command(text: str) -> tuple[str, str]:
    """``"follow 18-034639K"`` -> ``("follow", "18-034639K")``; the verb is lower-cased."""
    verb, _, rest = text.strip().partition(" ")
    return verb.lower(), rest.strip()


def register(app: App, ctx: BotContext) -> None:
    def acknowledge(ack: Ack, command: dict) -> None:
        """Acknowledge at once; help needs no search, so it is the acknowledgement itself."""
        text = (command.get("text") or "").strip()
        if text.lower() in HELP_WORDS:
            reply = help_text("en" if text.lower() == "help" else "da")
            ack(response_type="ephemeral", text=reply, blocks=section_blocks(reply))
        else:
            ack()

    @guarded(ctx, "command")
    def answer_command(body: dict, command: dict, context: BoltContext) -> None:
        started = received_at(context)
        text = (command.get("text") or "").strip()
        response_url = command["response_url"]
        verb, argument = split_command(text)
        if text.lower() in HELP_WORDS:
            log_request("command", started, 0)
            return
        if verb in LATEST_WORDS and not argument:
            latest = ctx.searcher.latest_meeting()
            if latest is None:
                respond(response_url, ui("da", "no_minutes"))
                log_request("command", started, 0)
                return
            meeting, items = latest
            blocks = meeting_blocks(meeting, items, "da")
            respond(response_url, escape_mrkdwn(f"{meeting.body} {meeting.date or ''}"), blocks)
            log_request("command", started, len(items))
            return
        if verb in FOLLOW_VERBS:
            reply = follow.handle_follow_command(ctx, command["user_id"], verb, argument)
            respond(response_url, reply, section_blocks(reply))
            log_request("command", started, 0)
            return
        result = ctx.searcher.search(text)
        message = answer_message(result)
        blocks = [question_context(text, result.lang), *message["blocks"]]
        if result.hits:
            blocks.append(share_button(text, result.lang))
        respond(response_url, message["text"], blocks)
        log_request("command", started, len(result.hits))

    app.command(COMMAND)(ack=acknowledge, lazy=[answer_command])
