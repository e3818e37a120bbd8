"""The App Home tab: published fresh each time a user opens it.

``app_home_opened`` also fires for the Messages tab (``tab == "messages"``); only the Home tab
gets a view.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError, SlackClientError

from ..blocks import home_view
from ..context import BotContext
from .common import guarded, log, log_request, received_at

HOME_MEETINGS = 3


def build_home(ctx: BotContext) -> tuple[dict, int]:
    """The Home view from the store as it is on disk now (a CLI ingest shows without restart).

    Returns the view and how many meetings it shows.
    """
    ctx.store.refresh()
    meetings = ctx.store.meetings()[:HOME_MEETINGS]
    latest = [(m, ctx.store.items_for_meeting(m.meeting_id)) for m in meetings]
    return home_view(latest, ctx.store.stats(), "da"), len(latest)


def register(app: App, ctx: BotContext) -> None:
    def _acknowledge(ack: Ack) -> None:
        ack()

    @guarded(ctx, "home")
    def publish_home(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("tab", "home") != "home" or ctx.client is None:
            return
        view, shown = build_home(ctx)
        try:
            ctx.client.views_publish(user_id=event["user"], view=view)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("slack: views.publish failed: %s", type(exc).__name__)
        log_request("home", received_at(context), shown)

    app.event("app_home_opened")(ack=_acknowledge, lazy=[publish_home])
