"""Hostile inputs, each timed and measured in a process of its own: ``python -m bench.hostile``.

Every case is generated in code (nothing big is kept in the repository) and driven through the
real code path: files through the real ingest, Slack requests over real HTTP to the real bot
(with the local stand-in of Slack's Web API), feeds through the real poller against a loopback
server. A case passes when it finishes within 5 s and 300 MB of peak memory, or when it is
refused with a clear message; the peak is the child process's maximum resident set size.

    python -m bench.hostile                  # every case
    python -m bench.hostile --case pdf_pages # one case
    python -m bench.hostile --timeout 60     # kill a case after 60 s (default 30)

The parser cases (``parse_*``) exercise the text parser on pathological text; they are the
figures to watch while its quadratic paths are being removed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "minutes" / "direktionen-2023-02-20.txt"
MAX_SECONDS = 5.0
MAX_MB = 300.0

Case = Callable[[Path], str]
CASES: dict[str, Case] = {}
_clock = {"started": 0.0}  # a case resets it once its input is generated


def start_clock() -> None:
    """Time from here: generating a case's input is not part of its figure."""
    _clock["started"] = time.monotonic()


def case(func: Case) -> Case:
    CASES[func.__name__] = func
    return func


def _ingest(path: Path, **kwargs) -> str:
    """Ingest one file into a fresh store; the outcome in a few words."""
    from store.db import Store
    from store.ingest import ingest_paths

    store = Store(path.parent / "referat.json")
    start_clock()
    summary = ingest_paths(store, [path], **kwargs)
    if summary.skipped:
        return "refused: " + summary.skipped[0][1].split(": ", 1)[-1]
    return f"ingested: {summary.report.items_added} items"


# -- files ---------------------------------------------------------------------------------


@case
def docx_bomb(tmp: Path) -> str:
    """A 1.3 MB .docx whose document.xml unpacks to 420 MB."""
    from tests.hostile_files import docx_bomb as make

    return _ingest(make(tmp / "bomb.docx", unpacked_mb=420))


@case
def pdf_pages(tmp: Path) -> str:
    """A 600 KB PDF whose page tree lists 100,000 pages."""
    from tests.hostile_files import pdf_many_pages

    return _ingest(pdf_many_pages(tmp / "pages.pdf"))


@case
def text_50mb(tmp: Path) -> str:
    """50 MB of minutes text from the command line's ingest."""
    from tests.hostile_files import big_text

    return _ingest(big_text(tmp / "big.txt", 50, SAMPLE.read_text(encoding="utf-8")))


@case
def pdf_aes(tmp: Path) -> str:
    """An AES-256 PDF with an empty user password (the "no editing" kind)."""
    from tests.hostile_files import encrypted_pdf, text_pdf

    plain = text_pdf(tmp / "plain.pdf", SAMPLE.read_text(encoding="utf-8"))
    return _ingest(encrypted_pdf(plain, tmp / "aes.pdf"))


def _parse(text: str, tmp: Path) -> str:
    path = tmp / "minutes.txt"
    path.write_text(text, encoding="utf-8")
    return _ingest(path)


@case
def parse_dots(tmp: Path) -> str:
    """100 KB of dots on one line after a heading."""
    return _parse("Sak 1: Budget\n\n" + "." * 100_000 + "\n", tmp)


@case
def parse_dot_spaces(tmp: Path) -> str:
    """100 KB of ". " on one line after a heading."""
    return _parse("Sak 1: Budget\n\n" + ". " * 50_000 + "\n", tmp)


@case
def parse_sak_blocks(tmp: Path) -> str:
    """375 KB of the same "Sak 1:" block."""
    block = "Sak 1: Budget\n\nBeslutning\n\nGodkendt.\n\n"
    return _parse("REFERAT Direktionen d. 20-02-2023\n\n" + block * (375_000 // len(block)), tmp)


# -- Slack, over HTTP --------------------------------------------------------------------------


def _with_bot(tmp: Path, body: Callable[[str, object], str]) -> str:
    """Run ``body(base_url, stub)`` against the real HTTP bot on the sample store."""
    from bot.config import Settings
    from bot.context import BotContext
    from store.db import Store
    from store.ingest import ingest_paths
    from tests.slack_helpers import start_http_bot
    from tests.slack_stub import SlackStub

    store = Store(tmp / "referat.json")
    ingest_paths(store, [SAMPLE.parent])
    with SlackStub() as stub:
        settings = Settings(db_path=store.path, slack_bot_token="xoxb-bench",
                            slack_signing_secret="bench-secret", slack_api_url=stub.api_url)
        with start_http_bot(BotContext.create(settings, store=store)) as base:
            start_clock()
            return body(base, stub)


def _barrier(base: str, stub) -> float:  # type: ignore[no-untyped-def]
    """Seconds until a signed mention is answered."""
    from tests.slack_helpers import event_body, post_signed

    started = time.monotonic()
    count = len(stub.calls_to("chat.postMessage"))
    event = {"type": "app_mention", "user": "U0", "text": "<@UBOTREFERAT> 23-001310",
             "ts": f"{time.time():.6f}", "channel": "C0BARRIER"}
    post_signed(base, event_body(event), "bench-secret")
    stub.wait_for("chat.postMessage", count=count + 1, timeout=30)
    return time.monotonic() - started


@case
def slack_unsigned(tmp: Path) -> str:
    """An unsigned request with a timestamp that is not a number, naming a channel."""
    from tests.slack_helpers import event_body, post

    def body(base: str, stub) -> str:  # type: ignore[no-untyped-def]
        event = {"type": "app_mention", "user": "U0", "text": "hi", "ts": "1.0",
                 "channel": "C0VICTIM"}
        reply = post(base + "/slack/events", event_body(event), {
            "Content-Type": "application/json", "X-Slack-Request-Timestamp": "not-a-number",
            "X-Slack-Signature": "v0=00"})
        _barrier(base, stub)
        victim = [b for b in stub.calls_to("chat.postMessage") if b["channel"] == "C0VICTIM"]
        return f"HTTP {reply.status}, {len(victim)} post(s) to the named channel"

    return _with_bot(tmp, body)


@case
def slack_big_unsigned(tmp: Path) -> str:
    """Ten unsigned 1 MB bodies; how much of them reaches the log."""
    import io
    import logging

    from tests.slack_helpers import post

    log_buffer = io.StringIO()
    handler = logging.StreamHandler(log_buffer)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)

    def body(base: str, stub) -> str:  # type: ignore[no-untyped-def]
        statuses = set()
        for _ in range(10):
            big = b'{"type": "event_callback", "x": "' + b"A" * 1_000_000 + b'"}'
            statuses.add(post(base + "/slack/events", big,
                              {"Content-Type": "application/json"}).status)
        _barrier(base, stub)
        return f"HTTP {sorted(statuses)}, {len(log_buffer.getvalue()):,} bytes logged"

    return _with_bot(tmp, body)


@case
def slack_echo(tmp: Path) -> str:
    """A slash command of 2,900 '<' and bidi overrides: the longest echoed element."""
    from tests.slack_helpers import command_body, post_signed

    def body(base: str, stub) -> str:  # type: ignore[no-untyped-def]
        text = "\u202e" + "<" * 2900
        post_signed(base, command_body(text, stub.response_url()), "bench-secret")
        [answer] = stub.wait_for("response_url", timeout=30)
        longest = max(len(e.get("text", "")) for b in answer["blocks"]
                      for e in b.get("elements", []) if isinstance(e.get("text"), str))
        return f"longest echoed element {longest:,} chars"

    return _with_bot(tmp, body)


@case
def slack_replay(tmp: Path) -> str:
    """A signed slash command sent four times within the 5-minute window."""
    from tests.slack_helpers import command_body, post_signed

    def body(base: str, stub) -> str:  # type: ignore[no-untyped-def]
        request = command_body("plaster", stub.response_url())
        ts = int(time.time())
        for _ in range(4):
            post_signed(base, request, "bench-secret", ts=ts)
        _barrier(base, stub)
        time.sleep(0.5)
        return f"{len(stub.calls_to('response_url'))} answer(s) to 4 deliveries"

    return _with_bot(tmp, body)


@case
def slack_slow_clients(tmp: Path) -> str:
    """150 connections sending a header line each; how long a signed mention then takes."""
    import socket

    def body(base: str, stub) -> str:  # type: ignore[no-untyped-def]
        host, port = base.removeprefix("http://").split(":")
        socks = []
        try:
            for n in range(150):
                sock = socket.create_connection((host, int(port)), timeout=5,
                                                source_address=(f"127.0.0.{2 + n % 3}", 0))
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
                socks.append(sock)
            return f"mention answered in {_barrier(base, stub):.2f} s"
        finally:
            for sock in socks:
                sock.close()

    return _with_bot(tmp, body)


# -- the feed ----------------------------------------------------------------------------------


def _feed_server(routes: dict[str, tuple[int, bytes, float]]):  # type: ignore[no-untyped-def]
    """A loopback server: path -> (status, body, seconds between bytes)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802
            status, body, trickle = routes.get(self.path, (404, b"not found", 0.0))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if not trickle:
                    self.wfile.write(body)
                for byte in body if trickle else b"":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(trickle)
            except OSError:
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _rss(paths: list[str]) -> bytes:
    items = "".join(f'<item><guid>{p}</guid><enclosure url="{p}" type="text/plain"/></item>'
                    for p in paths)
    return f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _poller(tmp: Path, url: str, **kwargs):  # type: ignore[no-untyped-def]
    """A feed poller; settings an older version does not know are left out (to compare)."""
    import inspect

    from store.db import Store
    from store.sources import FeedPoller

    known = inspect.signature(FeedPoller).parameters
    kwargs = {key: value for key, value in kwargs.items() if key in known}
    poller = FeedPoller(Store(tmp / "referat.json"), url, download_dir=tmp / "d", **kwargs)
    start_clock()
    return poller


@case
def feed_internal(tmp: Path) -> str:
    """A feed on 127.0.0.1 and not allowed."""
    httpd, base = _feed_server({"/feed": (200, _rss(["/m.txt"]), 0.0)})
    result = _poller(tmp, base + "/feed").poll()
    httpd.shutdown()
    return f"{result.status}: {result.error or result.ingested}"


@case
def feed_broken_first(tmp: Path) -> str:
    """26 links answering 404 ahead of 4 good ones: what one poll ingests."""
    text = SAMPLE.read_text(encoding="utf-8")
    routes = {f"/good{d}.txt": (200, text.replace("20-02-2023", f"{d:02d}-03-2023").encode(), 0.0)
              for d in range(6, 10)}
    routes["/feed"] = (200, _rss([f"/broken{n}.pdf" for n in range(26)] + list(routes)), 0.0)
    httpd, base = _feed_server(routes)
    result = _poller(tmp, base + "/feed", allow_hosts=("127.0.0.1",)).poll()
    httpd.shutdown()
    return f"{len(result.ingested)} ingested, {len(result.failed)} failed in one poll"


@case
def feed_trickle(tmp: Path) -> str:
    """A file trickling a byte every 0.5 s, with a 3 s deadline."""
    routes = {"/feed": (200, _rss(["/slow.txt"]), 0.0), "/slow.txt": (200, b"x" * 100, 0.5)}
    httpd, base = _feed_server(routes)
    result = _poller(tmp, base + "/feed", allow_hosts=("127.0.0.1",), deadline=3.0).poll()
    httpd.shutdown()
    return f"refused: {result.failed[0][1]}" if result.failed else "downloaded"


# -- running -----------------------------------------------------------------------------------


def _child(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="referat-hostile-") as tmp:
        start_clock()
        outcome = CASES[name](Path(tmp))
        print(json.dumps({"seconds": time.monotonic() - _clock["started"], "outcome": outcome}))


def run_case(name: str, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak MB, outcome) of one case in its own process."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bench.hostile", "--child", name], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
    timer.start()
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    if proc.returncode == -signal.SIGKILL:
        return time.monotonic() - started, peak, f"killed after {timeout:g} s"
    try:
        result = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return time.monotonic() - started, peak, f"crashed (exit {proc.returncode})"
    return result["seconds"], peak, result["outcome"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    names = args.case or list(CASES)
    width = max(len(n) for n in names)
    print(f"{'case'.ljust(width)}  {'seconds':>8}  {'peak MB':>8}  verdict  outcome")
    failures = 0
    for name in names:
        seconds, peak, outcome = run_case(name, args.timeout)
        within = seconds < MAX_SECONDS and peak < MAX_MB
        ok = within or outcome.startswith("refused")
        failures += not ok
        print(f"{name.ljust(width)}  {seconds:8.2f}  {peak:8.0f}  {'ok' if ok else 'FAIL':7}  "
              f"{outcome[:110]}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
