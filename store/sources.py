"""Where new minutes come from while the bot runs: a watched folder and a feed on the web.

Both sources end in :func:`store.ingest.ingest_paths`, exactly as ``referat ingest`` does, so a
file dropped into the folder, downloaded from the feed or ingested by hand is stored the same way.
Neither knows anything of Slack: the notifier reads what changed from the store itself::

    watcher = FolderWatcher(store, "incoming/")
    watcher.poll()          # call every few seconds
    feed = FeedPoller(store, "https://example.dk/referater.rss", interval=900)
    if feed.due(): feed.poll()

Every failure here is logged and retried later; nothing raises out of ``poll()`` for a bad file
or a bad response, because one broken PDF or one server hiccup must not stop the bot.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import http.client
import ipaddress
import logging
import os
import re
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from store.db import IngestReport, Store
from store.ingest import (
    DEFAULT_POLICY,
    IngestSummary,
    Loader,
    SizePolicy,
    default_loader,
    ingest_paths,
    scan_paths,
)
from store.records import Meeting

log = logging.getLogger(__name__)

#: A downloaded file larger than this is refused: the size policy's limit for any file.
MAX_DOWNLOAD_BYTES = DEFAULT_POLICY.max_file_bytes
#: A feed or listing page larger than this is refused.
MAX_FEED_BYTES = 10 * 1024 * 1024
#: Seconds a connection may stay silent before a request is given up (and retried next poll).
HTTP_TIMEOUT = 30.0
#: Seconds one download may take in all, however steadily it trickles in.
DOWNLOAD_DEADLINE = 120.0
#: Files downloaded per poll; the rest follow on the next tick, so one poll never blocks long.
MAX_FILES_PER_POLL = 25
#: Seconds one poll spends on downloads before the rest wait for the next tick.
POLL_BUDGET = 300.0
#: A failed file is tried again after this many seconds, doubling per failure up to a day...
RETRY_BACKOFF = (300.0, 86_400.0)
#: ...and given up after this many attempts, until its feed entry changes.
MAX_ATTEMPTS = 8
#: A file whose mtime is older than this when first seen is taken as complete at once.
SETTLE_SECONDS = 2.0

FEED_TABLE = "feed"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".txt")
_DOCUMENT_TYPES = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
}
USER_AGENT = "Referat/0.1 (minutes feed reader)"

_Signature = tuple[int, int]  # (st_size, st_mtime_ns)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _RecordingLoader:
    """Wraps a loader to learn which files loaded, without parsing any reason strings.

    ``ingest_paths`` reports skipped files with a free-text reason, and a file superseded by a
    later one for the same meeting is skipped without being broken; recording successes here
    tells a broken file from a superseded one.
    """

    def __init__(self, loader: Loader) -> None:
        self._loader = loader
        self.loaded: set[Path] = set()

    def __call__(self, path: Path) -> Meeting:
        meeting = self._loader(path)
        self.loaded.add(Path(path))
        return meeting


# -- the watched folder ----------------------------------------------------------------------


@dataclass
class FolderPoll:
    """What one :meth:`FolderWatcher.poll` did."""

    ingested: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # seen, not yet stable
    report: IngestReport | None = None


class FolderWatcher:
    """Ingest files dropped into (or replaced in) a folder, once each file is complete.

    Polling, not inotify: it works the same on network shares and in containers, and it is
    simple to reason about. A file is *ready* when its size and mtime are the same on two polls
    in a row (a copy in progress keeps changing both), or when it is first seen with an mtime
    older than ``settle_seconds`` (a file that was already there when the bot started). A ready
    file that does not parse is remembered with its signature and tried again only when it
    changes, so a truncated copy that later completes is picked up, and a broken file is not
    re-read every few seconds.

    What was ingested is kept in memory only: after a restart every file is read once more, which
    the store turns into "unchanged" without writing, so a file added while the bot was down is
    not missed.
    """

    def __init__(
        self,
        store: Store,
        folder: str | os.PathLike[str],
        *,
        loader: Loader | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.time,
        policy: SizePolicy = DEFAULT_POLICY,
    ) -> None:
        self.store = store
        self.folder = Path(folder)
        self._loader = loader
        self.policy = policy
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._seen: dict[Path, _Signature] = {}  # signature at the previous poll
        self._done: dict[Path, _Signature] = {}  # signature last ingested (or refused)
        self._missing_logged = False

    def poll(self) -> FolderPoll:
        """Look once; ingest every file that is ready and new or changed since last time."""
        result = FolderPoll()
        if not self.folder.is_dir():
            if not self._missing_logged:
                log.warning("watched folder %s does not exist (yet); will keep looking",
                            self.folder)
                self._missing_logged = True
            return result
        self._missing_logged = False
        files, _ = scan_paths([self.folder])
        current: dict[Path, _Signature] = {}
        now = self._clock()
        ready: list[Path] = []
        for path in files:
            try:
                st = path.stat()
            except OSError:
                continue  # removed between the listing and the stat
            sig = (st.st_size, st.st_mtime_ns)
            current[path] = sig
            if self._done.get(path) == sig:
                continue
            previous = self._seen.get(path)
            settled = previous is None and now - st.st_mtime >= self.settle_seconds
            if sig == previous or settled:
                ready.append(path)
            else:
                result.waiting.append(path)
        # Forget files that went away, so a file put back later is read again.
        self._seen = current
        for gone in set(self._done) - set(current):
            del self._done[gone]
        if not ready:
            return result
        recorder = _RecordingLoader(self._loader or default_loader(self.policy))
        summary: IngestSummary = ingest_paths(self.store, ready, loader=recorder,
                                              policy=self.policy)
        reasons = dict(summary.skipped)
        for path in ready:
            self._done[path] = current[path]
            if path in recorder.loaded:
                result.ingested.append(path)
            else:
                reason = reasons.get(str(path), "not read")
                result.failed.append((path, reason))
                log.warning("not ingested: %s (%s); will retry when the file changes",
                            path, reason)
        result.report = summary.report
        if summary.report.changed:
            log.info("folder %s: %d new, %d updated meeting(s)", self.folder,
                     len(summary.report.added), len(summary.report.updated))
        return result


# -- the feed --------------------------------------------------------------------------------


class FetchError(Exception):
    """A request that did not give what was expected; retried on a later poll."""


@dataclass
class FeedLink:
    """A file the feed points at. ``version`` changes when the entry says the file changed."""

    url: str
    version: str = ""


@dataclass
class FeedPoll:
    """What one :meth:`FeedPoller.poll` did."""

    status: str = ""  # "fetched" | "not_modified" | "error"
    error: str = ""
    links: int = 0
    ingested: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    more: bool = False  # files left for the next poll
    report: IngestReport | None = None


@dataclass
class _Response:
    status: int
    body: bytes
    headers: dict[str, str]
    url: str


def _local(tag: str) -> str:
    """An XML tag without its namespace: ``{http://www.w3.org/2005/Atom}feed`` -> ``feed``."""
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _looks_like_document(url: str, mime: str = "") -> bool:
    path = urllib.parse.urlsplit(url).path.lower()
    return path.endswith(DOCUMENT_SUFFIXES) or mime.split(";")[0].strip().lower() in _DOCUMENT_TYPES


def _feed_links(root: ET.Element) -> list[FeedLink] | None:
    """Document links of an RSS 2.0 / RSS 1.0 / Atom feed; None if ``root`` is no feed."""
    kind = _local(root.tag).lower()
    links: list[FeedLink] = []
    if kind == "feed":  # Atom
        for entry in root.iter():
            if _local(entry.tag) != "entry":
                continue
            version = _child_text(entry, "updated") or _child_text(entry, "published")
            for link in entry:
                if _local(link.tag) != "link":
                    continue
                href = (link.get("href") or "").strip()
                rel = (link.get("rel") or "alternate").lower()
                mime = link.get("type", "")
                if href and (rel == "enclosure" or _looks_like_document(href, mime)):
                    links.append(FeedLink(href, version))
        return links
    if kind in {"rss", "rdf"}:  # RSS 2.0 (and RSS 1.0, whose root is rdf:RDF)
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            version = "|".join(filter(None, (_child_text(item, "guid"),
                                              _child_text(item, "pubDate"),
                                              _child_text(item, "date"))))
            for child in item:
                name = _local(child.tag)
                if name == "enclosure" and child.get("url"):
                    links.append(FeedLink(child.get("url", "").strip(), version))
                elif name == "link" and _looks_like_document((child.text or "").strip()):
                    links.append(FeedLink((child.text or "").strip(), version))
        return links
    return None


class _LinkCollector(HTMLParser):
    """Collects ``<a href>`` targets (and a ``<base href>``) from a listing page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = (values.get("href") or "").strip()
        if tag == "base" and href and not self.base:
            self.base = href
        elif tag == "a" and href:
            self.hrefs.append(href)


def _decode_html(body: bytes, content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.I)
    for encoding in (match.group(1) if match else None, "utf-8", "cp1252"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def parse_feed(body: bytes, base_url: str, content_type: str = "") -> list[FeedLink]:
    """The document links in a feed or listing page, absolute, in order, each once.

    RSS and Atom: enclosures, plus links that name a .pdf/.docx/.txt file. Any other page is
    read as HTML, keeping ``<a href>`` links to such files. Only http(s) links are kept: a feed
    must never make the bot open a local file.
    """
    links: list[FeedLink] | None = None
    head = body.lstrip()[:200].lower()
    if not head.startswith((b"<!doctype html", b"<html")):
        try:
            links = _feed_links(ET.fromstring(body))
        except ET.ParseError:
            links = None
    if links is None:
        collector = _LinkCollector()
        collector.feed(_decode_html(body, content_type))
        collector.close()
        base = urllib.parse.urljoin(base_url, collector.base) if collector.base else base_url
        links = [FeedLink(urllib.parse.urljoin(base, href)) for href in collector.hrefs
                 if _looks_like_document(urllib.parse.urljoin(base, href))]
    else:
        links = [FeedLink(urllib.parse.urljoin(base_url, link.url), link.version) for link in links]
    unique: dict[str, FeedLink] = {}
    for link in links:
        url = urllib.parse.urldefrag(link.url).url
        if urllib.parse.urlsplit(url).scheme in {"http", "https"} and url not in unique:
            unique[url] = FeedLink(url, link.version)
    return list(unique.values())


class RefusedAddress(FetchError):
    """A URL whose host is on a loopback, link-local or private address that is not allowed."""


def public_url(url: str) -> str:
    """``url`` without a ``user:password@`` part: what may be logged or kept as a key."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def _split_credentials(url: str) -> tuple[str, str]:
    """``(url without credentials, Basic authorization value or "")``."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, ""
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


def _is_internal(address: str) -> bool:
    """Loopback, link-local, private, shared, reserved, multicast or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True  # not an address we understand: not fetched
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class _AddressGuard:
    """Refuses connections to internal addresses unless the host, as the URL writes it (a name
    or an address), is allowed.

    The check runs on the address a connection actually reached (after DNS, for every redirect
    and every new connection), so a name that resolves to 127.0.0.1, a redirect to an intranet
    server or a DNS answer that changes between two lookups are all caught.
    """

    def __init__(self, allow_hosts: Iterable[str]) -> None:
        self.allow = {host.strip().lower().strip("[]") for host in allow_hosts if host.strip()}

    def check(self, host: str, sock: object) -> None:
        try:
            address = str(sock.getpeername()[0])  # type: ignore[attr-defined]
        except (OSError, AttributeError, IndexError):
            return
        host = host.lower().strip("[]")
        if _is_internal(address) and host not in self.allow:
            raise RefusedAddress(f"refused: {host} is an internal address ({address}); "
                                 "list it in MINUTES_FEED_ALLOW_HOSTS to allow it")


def _guarded_connection(base: type, guard: _AddressGuard) -> type:
    class Guarded(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            super().connect()
            try:
                guard.check(self.host, self.sock)
            except RefusedAddress:
                self.close()
                raise

    return Guarded


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _AddressGuard) -> None:
        super().__init__()
        self._connection = _guarded_connection(http.client.HTTPConnection, guard)

    def http_open(self, req: urllib.request.Request):  # type: ignore[no-untyped-def]
        return self.do_open(self._connection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _AddressGuard) -> None:
        super().__init__()
        self._connection = _guarded_connection(http.client.HTTPSConnection, guard)

    def https_open(self, req: urllib.request.Request):  # type: ignore[no-untyped-def]
        return self.do_open(self._connection, req, context=self._context)


def _opener(guard: _AddressGuard) -> urllib.request.OpenerDirector:
    """http(s) only: no file:, ftp: or data: handlers, so no link or redirect can reach them;
    every connection checked by ``guard``."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _GuardedHTTPHandler(guard),
        _GuardedHTTPSHandler(guard),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _is_html(body: bytes, content_type: str) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if mime in {"text/html", "application/xhtml+xml"}:
        return True
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:100].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _suffix_for(body: bytes) -> str:
    """The file type by magic bytes, which the extractor also goes by."""
    if body.startswith(b"%PDF"):
        return ".pdf"
    if body.startswith(b"PK\x03\x04"):
        return ".docx"
    return ".txt"


def _safe_name(url: str, suffix: str) -> str:
    """A file name for a downloaded URL: readable, unique per URL, never a path."""
    base = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    stem = re.sub(r"[^\w.-]+", "_", Path(base).stem).strip("._")[:80] or "minutes"
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}{suffix}"


class FeedPoller:
    """Poll ``MINUTES_FEED_URL`` and ingest the minutes files it lists.

    The feed may be RSS 2.0, Atom, or a plain HTML page linking to .pdf/.docx/.txt files. Each
    poll is a conditional request (``If-None-Match`` / ``If-Modified-Since`` from the last
    answer), so an unchanged feed costs one 304. A file is downloaded when it is new to the feed,
    or when its entry's version (RSS guid/pubDate, Atom updated) changed.

    What was fetched is remembered in the store's state table ``feed``: key ``feed:<url>`` holds
    the feed's ETag, Last-Modified and the links last seen; key ``file:<url>`` holds each file's
    status (``ingested`` or ``failed``, with the reason, the number of attempts and when to try
    again). Keys and log lines never hold a ``user:password@`` part of a URL.

    Defences, because a feed is input from the web:

    * Only public addresses are fetched: a link, a redirect or a host name that reaches a
      loopback, link-local or private address is refused unless ``allow_hosts`` names it.
    * Each download has a total ``deadline`` besides the per-read ``timeout``, and the size
      policy's byte limit.
    * A failed file (timeout, HTTP error, an HTML page where a file was expected, too large,
      not minutes) is tried again after a back-off that doubles per failure, and given up after
      :data:`MAX_ATTEMPTS` until its entry changes. New links are fetched before retries; only
      successful downloads count against ``max_files`` per poll and failures against a time
      budget (:data:`POLL_BUDGET`), so broken links cannot starve good ones. Files left over
      continue on the next tick without fetching the feed again; the feed itself is fetched
      once per ``interval``.
    * :meth:`poll_in_background` runs a poll in its own thread, so a slow server never holds up
      whoever calls it (the notifier's folder watching and announcements).

    Downloaded files are kept (in ``download_dir``, by default ``feed-files/`` beside the store
    file) so the stored meetings' ``source`` points at a file that exists.
    """

    def __init__(
        self,
        store: Store,
        url: str,
        *,
        interval: float = 900,
        timeout: float = HTTP_TIMEOUT,
        deadline: float = DOWNLOAD_DEADLINE,
        max_bytes: int | None = None,
        max_files: int = MAX_FILES_PER_POLL,
        download_dir: str | os.PathLike[str] | None = None,
        loader: Loader | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
        allow_hosts: Iterable[str] = (),
        policy: SizePolicy = DEFAULT_POLICY,
        retry_backoff: tuple[float, float] = RETRY_BACKOFF,
    ) -> None:
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError(f"MINUTES_FEED_URL must be an http(s) URL, got {public_url(url)!r}")
        self.store = store
        self.url, self._authorization = _split_credentials(url)
        self._auth_origin = urllib.parse.urlsplit(self.url)[:2]
        self.interval = max(float(interval), 0.0)
        self.timeout = timeout
        self.deadline = deadline
        self.policy = policy
        self.max_bytes = policy.max_file_bytes if max_bytes is None else max_bytes
        self.max_files = max_files
        self._loader = loader
        self._clock = clock
        self._wallclock = wallclock
        self._backoff = retry_backoff
        self._next_poll: float | None = None  # None: poll on the first tick
        self._next_feed: float | None = None  # when the feed itself is fetched again
        self._continuing = False  # files are left from the last feed fetch
        self._opener = _opener(_AddressGuard(allow_hosts))
        self._thread: threading.Thread | None = None
        if download_dir is not None:
            self.download_dir = Path(download_dir)
        elif store.path is not None:
            self.download_dir = store.path.parent / "feed-files"
        else:
            self.download_dir = Path(tempfile.mkdtemp(prefix="referat-feed-"))

    @property
    def _feed_key(self) -> str:
        return f"feed:{self.url}"

    @property
    def public_url(self) -> str:
        return public_url(self.url)

    def due(self) -> bool:
        """True when the interval has passed since the last poll (or there was none)."""
        return self._next_poll is None or self._clock() >= self._next_poll

    def poll_in_background(self) -> bool:
        """Start :meth:`poll` in a daemon thread if one is due and none is running.

        Returns True if a poll was started. Whatever the server does, the caller goes on at once.
        """
        if self._thread is not None and self._thread.is_alive():
            return False
        if not self.due():
            return False
        self._thread = threading.Thread(target=self._poll_logged, name="referat-feed",
                                        daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background poll to finish (tests, shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _poll_logged(self) -> None:
        try:
            self.poll()
        except Exception:
            log.exception("polling the feed %s failed", self.public_url)

    # -- HTTP ----------------------------------------------------------------------------------

    def _request(self, url: str, headers: dict[str, str]) -> urllib.request.Request:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
        if self._authorization and urllib.parse.urlsplit(url)[:2] == self._auth_origin:
            # Not carried over a redirect: the credentials go to the feed's own server only.
            request.add_unredirected_header("Authorization", self._authorization)
        return request

    def _get(self, url: str, headers: dict[str, str], limit: int) -> _Response:
        """One GET, read up to ``limit`` bytes within the deadline. 304 is an answer; other
        errors raise FetchError."""
        started = self._clock()
        try:
            response = self._opener.open(self._request(url, headers), timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            with contextlib.closing(exc):
                if exc.code == 304:
                    return _Response(304, b"", dict(exc.headers or {}), url)
                raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                raise FetchError(f"timed out after {self.timeout:g} s") from None
            raise FetchError(f"cannot connect: {reason}") from None
        with response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise FetchError(f"too large ({int(length):,} bytes, limit {limit:,})")
            body = self._read_body(response, limit, started)
            return _Response(response.status, body, headers, response.geturl())

    def _read_body(self, response, limit: int, started: float) -> bytes:  # type: ignore[no-untyped-def]
        """The body, in whatever pieces arrive, until ``limit`` bytes or the deadline."""
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                chunk = response.read1(64 * 1024)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"too large (over {limit:,} bytes)")
                if self._clock() - started > self.deadline:
                    raise FetchError(f"took over {self.deadline:g} s in all; given up")
                chunks.append(chunk)
        except (OSError, ValueError, http.client.HTTPException) as exc:  # timeouts, broken links
            if isinstance(exc, TimeoutError):
                raise FetchError(f"timed out after {self.timeout:g} s") from None
            raise FetchError(f"download broke off: {type(exc).__name__}") from None

    # -- polling -------------------------------------------------------------------------------

    def poll(self) -> FeedPoll:
        """Fetch the feed (conditionally, once per interval) and ingest new files.

        Never raises for bad responses.
        """
        result = FeedPoll()
        now = self._clock()
        if not self._continuing:
            self._next_feed = now + self.interval
        self._next_poll = self._next_feed
        state = self.store.state_get(FEED_TABLE, self._feed_key) or {}
        links = [FeedLink(d["url"], d.get("version", "")) for d in state.get("links", [])]
        if self._continuing and "links" in state:
            result.status = "continued"  # files left from this interval's feed: no new fetch
        else:
            fetched = self._fetch_feed(state, result)
            if fetched is None:
                return result
            links = fetched
        result.links = len(links)
        self._fetch_files(links, result)
        self._continuing = result.more
        if result.more:  # the rest on the next tick, without fetching the feed again
            self._next_poll = min(self._clock(), self._next_feed or now)
        elif self._next_feed is not None:
            self._next_poll = self._next_feed  # the feed once per interval
        return result

    def _fetch_feed(self, state: dict, result: FeedPoll) -> list[FeedLink] | None:
        """Fetch the feed and remember its links; None (and ``result`` says why) on failure."""
        links = [FeedLink(d["url"], d.get("version", "")) for d in state.get("links", [])]
        headers: dict[str, str] = {}
        if "links" in state:  # only a remembered answer may be reused after a 304
            if state.get("etag"):
                headers["If-None-Match"] = state["etag"]
            if state.get("last_modified"):
                headers["If-Modified-Since"] = state["last_modified"]
        try:
            response = self._get(self.url, headers, MAX_FEED_BYTES)
        except FetchError as exc:
            result.status, result.error = "error", str(exc)
            log.warning("feed %s: %s; will retry", self.public_url, exc)
            self.store.state_put(FEED_TABLE, self._feed_key,
                                 {**state, "error": str(exc), "checked_at": _now_iso()})
            return None
        if response.status == 304:
            result.status = "not_modified"
        else:
            result.status = "fetched"
            ctype = response.headers.get("content-type", "")
            # Credentials in a link are dropped (the feed's own are sent to its own server).
            links = [FeedLink(_split_credentials(link.url)[0], link.version)
                     for link in parse_feed(response.body, response.url, ctype)]
            if not links:
                log.warning("feed %s: no .pdf/.docx/.txt links found", self.public_url)
            state = {
                "etag": response.headers.get("etag", ""),
                "last_modified": response.headers.get("last-modified", ""),
                "links": [{"url": link.url, "version": link.version} for link in links],
            }
        state.pop("error", None)
        state["checked_at"] = _now_iso()
        self.store.state_put(FEED_TABLE, self._feed_key, state)
        return links

    def _pending(self, links: Iterable[FeedLink]) -> list[FeedLink]:
        """Links to fetch now: new or changed ones first, then failed ones whose wait is over."""
        files = self.store.state_all(FEED_TABLE)
        now = self._wallclock()
        fresh: list[FeedLink] = []
        retries: list[tuple[int, FeedLink]] = []
        for link in links:
            known = files.get(f"file:{link.url}")
            if known is None or known.get("version", "") != link.version:
                fresh.append(link)
            elif known.get("status") != "ingested":
                attempts = int(known.get("attempts", 0))
                if attempts < MAX_ATTEMPTS and float(known.get("retry_at", 0)) <= now:
                    retries.append((attempts, link))
        return fresh + [link for _, link in sorted(retries, key=lambda pair: pair[0])]

    def _failed(self, link: FeedLink, attempts: int, error: str) -> dict:
        """The state of a failed file, with when to try it again."""
        first, longest = self._backoff
        wait = min(first * 2 ** max(attempts - 1, 0), longest)
        if attempts >= MAX_ATTEMPTS:
            log.warning("feed file %s: %s; given up after %d attempts (until the feed entry "
                        "changes)", public_url(link.url), error, attempts)
        else:
            log.warning("feed file %s: %s; will retry in %.0f s (attempt %d)",
                        public_url(link.url), error, wait, attempts)
        return {"status": "failed", "version": link.version, "error": error,
                "attempts": attempts, "retry_at": self._wallclock() + wait,
                "updated_at": _now_iso()}

    def _fetch_files(self, links: list[FeedLink], result: FeedPoll) -> None:
        pending = self._pending(links)
        if not pending:
            return
        files = self.store.state_all(FEED_TABLE)
        updates: dict[str, dict] = {}
        downloaded: dict[Path, FeedLink] = {}
        started = self._clock()
        for link in pending:
            if len(downloaded) >= self.max_files or self._clock() - started > POLL_BUDGET:
                result.more = True
                break
            key = f"file:{link.url}"
            known = files.get(key) or {}
            same = known.get("version", "") == link.version
            previous = int(known.get("attempts", 0)) if same else 0
            try:
                path = self._download(link.url)
            except FetchError as exc:
                result.failed.append((link.url, str(exc)))
                updates[key] = self._failed(link, previous + 1, str(exc))
                continue
            downloaded[path] = link
            updates[key] = {"status": "downloaded", "version": link.version,
                            "attempts": previous + 1, "path": str(path)}
        if downloaded:
            self._ingest(downloaded, updates, result)
        self.store.state_put_many(FEED_TABLE, updates)

    def _ingest(self, downloaded: dict[Path, FeedLink], updates: dict[str, dict],
                result: FeedPoll) -> None:
        recorder = _RecordingLoader(self._loader or default_loader(self.policy))
        summary = ingest_paths(self.store, list(downloaded), loader=recorder, policy=self.policy)
        result.report = summary.report
        reasons = dict(summary.skipped)
        for path, link in downloaded.items():
            key = f"file:{link.url}"
            if path in recorder.loaded:
                result.ingested.append(link.url)
                updates[key] = {"status": "ingested", "version": link.version,
                                "path": str(path), "updated_at": _now_iso()}
            else:
                reason = reasons.get(str(path), "not read")
                result.failed.append((link.url, reason))
                updates[key] = self._failed(link, updates[key]["attempts"],
                                            f"not minutes ({reason})")

    def _download(self, url: str) -> Path:
        response = self._get(url, {}, self.max_bytes)
        if response.status != 200:
            raise FetchError(f"HTTP {response.status}")
        if not response.body.strip():
            raise FetchError("empty file")
        if _is_html(response.body, response.headers.get("content-type", "")):
            raise FetchError("got an HTML page where a minutes file was expected")
        target = self.download_dir / _safe_name(url, _suffix_for(response.body))
        try:
            _write_atomic(target, response.body)
        except OSError as exc:
            raise FetchError(f"cannot save it in {self.download_dir}: {exc}") from None
        return target


def _write_atomic(target: Path, data: bytes) -> None:
    """Write under a hidden name and rename, so a folder scan never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
