"""A local stand-in of Slack's Web API, for end-to-end tests that never leave 127.0.0.1.

The bot's ``WebClient`` is pointed at :attr:`SlackStub.api_url` (``SLACK_API_URL``) and every call
it makes is recorded with its decoded body, so a test asserts on what Slack *would have received*::

    with SlackStub() as stub:
        client = WebClient(token="xoxb-test", base_url=stub.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        [body] = stub.wait_for("chat.postMessage")
        assert body["text"] == "hi"

``response_url`` webhooks (slash commands, shortcuts, buttons) are answered too: hand the bot a
URL from :meth:`SlackStub.response_url` and the posts to it are recorded as method
``"response_url"``. :meth:`SlackStub.fail_next` makes the next call(s) to a method answer an HTTP
error (429 with ``Retry-After`` by default), to prove rate limits are waited out.

The shape follows Slack's own test servers: a threaded ``http.server`` on a free port, one
handler that decodes form or JSON bodies and answers a canned ``{"ok": true, ...}`` per method.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "UBOTREFERAT"
BOT_ID = "BREFERAT"
TEAM_ID = "T0REFERAT"

# Form-encoded Web API calls carry these arguments as JSON strings; they are decoded so tests can
# look inside them as they would with a JSON call.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    path: str = ""
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    status: int
    retry_after: int
    times: int


def _decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return {"_raw": text}
        return data if isinstance(data, dict) else {"_json": data}
    body: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
    for name in _JSON_FIELDS:
        value = body.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                body[name] = json.loads(value)
    return body


class SlackStub:
    """A threaded HTTP server on 127.0.0.1 (free port) that plays Slack's Web API.

    ``calls`` holds every request, including ones answered with an error by :meth:`fail_next`;
    :meth:`calls_to` and :meth:`wait_for` count only the calls that were answered ``ok`` -- what
    Slack would actually have delivered.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.socket_url: str = "ws://127.0.0.1:9/socket"  # set by Socket Mode tests
        self.responses: dict[str, dict[str, Any]] = {}  # extra fields merged into a method's answer
        self._failures: dict[str, _Failure] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._hooks = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.api_url = f"{self.base_url}/api/"

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> SlackStub:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SlackStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use --------------------------------------------------------------------
    def response_url(self) -> str:
        """A fresh webhook URL; posts to it are recorded as method ``"response_url"``."""
        return f"{self.base_url}/response_url/{next(self._hooks)}"

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with ``status`` (and ``Retry-After``)."""
        with self._cond:
            self._failures[method] = _Failure(status, retry_after, times)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Bodies of the calls to ``method`` that were answered ok, oldest first."""
        with self._cond:
            return [c.body for c in self.calls if c.method == method and c.status == 200]

    def attempts(self, method: str) -> list[Call]:
        """Every call to ``method``, including those answered with an error."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until ``count`` ok calls to ``method`` arrived; return their bodies.

        Raises ``AssertionError`` naming what did arrive, so a failing test says why.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c.body for c in self.calls if c.method == method and c.status == 200]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(
                        f"expected {count} call(s) to {method} within {timeout}s, "
                        f"got {len(found)}; calls seen: {seen}"
                    )
                self._cond.wait(left)

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()
            self._failures.clear()

    # -- the server side -------------------------------------------------------------------
    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """The canned ``ok`` answer for one Web API method."""
        channel = body.get("channel") or ""
        if method == "auth.test":
            data: dict[str, Any] = {
                "url": "https://referat-test.slack.com/",
                "team": "Referat test",
                "user": "referat",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        elif method in {"chat.postMessage", "chat.update", "chat.postEphemeral"}:
            ts = f"1700000000.{next(self._ts):06d}"
            data = {"channel": channel, "ts": ts}
            if method == "chat.postEphemeral":
                data = {"message_ts": ts}
            else:
                data["message"] = {
                    "type": "message",
                    "text": body.get("text", ""),
                    "user": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "ts": ts,
                }
        elif method in {"views.publish", "views.open", "views.update", "views.push"}:
            data = {"view": {"id": "V0STUB", **(body.get("view") or {})}}
        elif method == "apps.connections.open":
            data = {"url": self.socket_url}
        elif method == "conversations.open":
            users = str(body.get("users", "")).split(",")[0].strip()
            data = {"channel": {"id": f"D{users}" if users else "D0STUB"}}
        else:
            data = {}
        data.update(self.responses.get(method, {}))
        return {"ok": True, **data}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                if path.startswith("/api/"):
                    method = path[len("/api/") :]
                elif path.startswith("/response_url/"):
                    method = "response_url"
                else:
                    self._send(404, {"ok": False, "error": "unknown_path"})
                    return
                body = _decode_body(raw, self.headers.get("Content-Type", ""))
                if not body and "?" in self.path:  # GET-style arguments
                    body = dict(parse_qsl(self.path.split("?", 1)[1]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with stub._cond:
                    failure = stub._failures.get(method)
                    status = 200
                    if failure is not None:
                        status = failure.status
                        failure.times -= 1
                        if failure.times <= 0:
                            del stub._failures[method]
                    call = Call(method=method, body=body, headers=headers, status=status, path=path)
                    stub.calls.append(call)
                    answer = (
                        stub._answer(method, body)
                        if status == 200
                        else {"ok": False, "error": "ratelimited" if status == 429 else "failed"}
                    )
                    stub._cond.notify_all()
                extra = {"Retry-After": str(failure.retry_after)} if failure is not None else {}
                if method == "response_url" and status == 200:
                    # Slack answers response_url posts with a bare "ok".
                    self._send_raw(200, b"ok", "text/plain", extra)
                else:
                    self._send(status, answer, extra)

            def _send(self, status: int, data: dict[str, Any], extra: dict | None = None) -> None:
                payload = json.dumps(data).encode("utf-8")
                self._send_raw(status, payload, "application/json; charset=utf-8", extra or {})

            def _send_raw(self, status: int, payload: bytes, ctype: str, extra: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_POST = _handle
            do_GET = _handle

        return Handler
