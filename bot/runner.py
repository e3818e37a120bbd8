"""Start the bot the way the settings ask for.

* ``SLACK_APP_TOKEN`` set: **Socket Mode** (an outgoing WebSocket; no public URL needed, the
  usual case inside a municipal network).
* ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` only: **HTTP mode**, Bolt served by waitress
  (a production WSGI server) at ``/slack/events`` on ``PORT``.
* No Slack token: the console chat, so ``referat run`` works on a fresh machine.
* ``--mode teams`` (:func:`run_teams`): Microsoft Teams at ``POST /api/messages`` on
  ``TEAMS_HOST``:``PORT``.

The notifier (new-minutes announcements, follow DMs) runs beside either Slack mode when configured.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError
from waitress import create_server, wasyncore

from .config import ConfigError, Settings
from .context import BotContext, SlackUnreachable
from .http_guard import SERVER_SETTINGS, guard_server, refuse_unreadable

log = logging.getLogger("referat.runner")

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8


def make_http_server(app: App, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server for ``app`` at ``/slack/events`` (``port=0`` picks a free port).

    Call ``.run()`` to serve (blocking) and :func:`stop_http_server` to stop; the bound port is
    ``.effective_port``.
    """
    server = create_server(
        refuse_unreadable(SlackRequestHandler(app, path=EVENTS_PATH)),
        host=host,
        port=port,
        threads=HTTP_THREADS,
        ident="referat",
        # Slack's requests are small and quick: bounded header time, body size and connections
        # per client, so slow or greedy clients cannot lock Slack out (see bot.http_guard).
        **SERVER_SETTINGS,
    )
    return guard_server(server)


def stop_http_server(server: Any, thread: threading.Thread | None = None) -> None:
    """Stop a waitress server; ``thread`` is the one running ``server.run()``, if still running.

    Closing every channel empties waitress's socket map, which ends its loop. While the loop
    runs, the sockets must be closed from inside it (closing them under a running ``select``
    fails), so the closing is handed to the loop through its trigger and the thread joined.
    """
    closed_inside = False
    if thread is not None and thread.is_alive():
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            closed_inside = True
        except OSError:  # the trigger is already gone: close from here instead
            pass
    if not closed_inside:
        wasyncore.close_all(server._map, ignore_all=True)
    if thread is not None:
        thread.join(timeout=10)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)


def run(settings: Settings, ingest_hint: str = "PATH") -> None:
    """Run until interrupted: Socket Mode, HTTP mode or the console chat (see module docstring).

    ``ingest_hint`` is what an empty console store suggests ingesting.
    """
    if not settings.slack_enabled:
        _run_console(settings, ingest_hint)
        return
    if not settings.socket_mode and not settings.slack_signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)"
        )
    from . import logsafe
    from .slack_app import build_app

    logsafe.install()  # libraries log at DEBUG what must never be written (see bot.logsafe)
    ctx = BotContext.create(settings)
    app = build_app(ctx)
    with _notifier(ctx), _stop_on_sigterm():
        if settings.socket_mode:
            _run_socket_mode(app, settings)
        else:
            _run_http(app, settings)


def run_teams(settings: Settings) -> None:
    """``referat run --mode teams``: ``POST /api/messages`` on ``TEAMS_HOST``:``PORT``."""
    if not settings.teams_enabled:
        raise ConfigError("Teams mode needs TEAMS_APP_ID and TEAMS_APP_PASSWORD")
    from . import logsafe
    from .teams.app import MESSAGES_PATH, build_teams, make_teams_server

    logsafe.install()  # as for Slack: no credential reaches the log, even at DEBUG
    ctx = BotContext.create(settings)
    endpoint, connector = build_teams(ctx)
    server = make_teams_server(endpoint, settings.teams_host, settings.port)
    log.info("referat: serving Teams on %s:%s at %s", settings.teams_host,
             server.effective_port, MESSAGES_PATH)
    with _teams_notifier(ctx, connector), _stop_on_sigterm():
        try:
            server.run()
        finally:
            stop_http_server(server)


@contextlib.contextmanager
def _teams_notifier(ctx: BotContext, connector: Any) -> Iterator[None]:
    """The notifier with the Teams delivery (announcements and follower messages in Teams)."""
    from .notify import Notifier, notifier_wanted
    from .teams.delivery import TeamsDelivery

    if not notifier_wanted(ctx.settings):
        yield
        return
    notifier = Notifier(ctx, delivery=TeamsDelivery(ctx, connector))
    notifier.start()
    try:
        yield
    finally:
        notifier.stop()


def _run_console(settings: Settings, ingest_hint: str) -> None:
    from store.engine import open_store
    from store.search import Searcher

    from .console import chat

    chat(Searcher(open_store(settings), embed_in_background=True), sys.stdin, sys.stdout,
         ingest_hint=ingest_hint)


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Bolt's built-in Socket Mode adapter; it asks ``apps.connections.open`` (through the
    app's client, so ``SLACK_API_URL`` applies) for the WebSocket URL. ``.connect()`` starts it."""
    return SocketModeHandler(app, app_token=settings.slack_app_token)


def _run_socket_mode(app: App, settings: Settings) -> None:
    handler = socket_mode_handler(app, settings)
    try:
        handler.connect()
    except OSError as exc:  # URLError and socket errors: a proxy or firewall in the way
        raise SlackUnreachable.from_error(settings, exc) from None
    except SlackApiError as exc:  # apps.connections.open refused the app-level token
        error = exc.response.get("error", "apps.connections.open failed")
        raise ConfigError(f"Slack rejected SLACK_APP_TOKEN ({error}): it must be an app-level "
                          "token (xapp-…) with the connections:write scope") from None
    log.info("referat: connected to Slack in Socket Mode")
    try:
        threading.Event().wait()
    finally:
        handler.close()


def _run_http(app: App, settings: Settings) -> None:
    server = make_http_server(app, host="0.0.0.0", port=settings.port)
    log.info("referat: serving Slack events on port %s at %s", server.effective_port, EVENTS_PATH)
    try:
        server.run()
    finally:
        stop_http_server(server)


@contextlib.contextmanager
def _notifier(ctx: BotContext) -> Iterator[None]:
    from .notify import Notifier, notifier_wanted

    if not notifier_wanted(ctx.settings):
        yield
        return
    notifier = Notifier(ctx)
    notifier.start()
    try:
        yield
    finally:
        notifier.stop()


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM (what process managers send) into a clean exit that stops the notifier."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
