"""Settings, read only from the environment and ``.env`` files.

Where a variable comes from, first match wins: the real environment; the ``--env-file`` given on
the command line (then no other file is read); ``.env`` in the working folder; ``.env`` in the
checkout the code runs from; the default. Every variable is documented, with a safe default, in
``.env.example``. Secrets are kept out of ``repr`` and masked by :func:`describe`, so neither a
logged ``Settings`` nor ``referat config`` ever shows a token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from store.ingest import SizePolicy
from store.records import ReferatError

DEFAULT_DB = "data/referat.json"
CHECKOUT = Path(__file__).resolve().parents[1]
# Microsoft's published defaults for the Bot Framework (Teams): where the keys that sign
# incoming activities are announced, and where the bot gets its own tokens.
TEAMS_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
TEAMS_LOGIN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/teams/"

# Every variable the settings read, with its default, in the order of .env.example.
VARIABLES: dict[str, str] = {
    "REFERAT_DB": DEFAULT_DB, "REFERAT_DATABASE_URL": "", "LOG_LEVEL": "INFO",
    "SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": "",
    "SLACK_API_URL": "", "PORT": "3000", "INLINE_CASE_LOOKUP": "on", "INLINE_CASE_CHANNELS": "",
    "MINUTES_DIR": "", "MINUTES_FEED_URL": "", "MINUTES_FEED_INTERVAL": "900",
    "MINUTES_FEED_ALLOW_HOSTS": "", "MINUTES_MAX_SIZE_MB": "5",
    "NOTIFY_CHANNEL": "", "NOTIFY_DIGEST": "off",
    "REFERAT_SEMANTIC": "on", "REFERAT_SEMANTIC_THREADS": "1",
    "REFERAT_SEMANTIC_INGEST_SECONDS": "300",
    "TEAMS_APP_ID": "", "TEAMS_APP_PASSWORD": "", "TEAMS_TENANT_ID": "",
    "TEAMS_OPENID_METADATA_URL": TEAMS_OPENID_METADATA_URL, "TEAMS_LOGIN_URL": TEAMS_LOGIN_URL,
    "TEAMS_HOST": "127.0.0.1", "TEAMS_NOTIFY_CHANNEL": "", "TEAMS_SERVICE_URL": TEAMS_SERVICE_URL,
}
SECRETS = frozenset({"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
                     "TEAMS_APP_PASSWORD"})
# Not settings of ours, but read by the HTTP clients underneath: shown by `referat config`.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")
ENVIRONMENT = "environment"
DEFAULT = "default"


class ConfigError(ReferatError):
    """A setting is missing or malformed."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"expected on/off, got {value!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _size_mb(name: str, raw: str | None, default: float) -> float:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(f"{name} must be a size in MB above 0, got {raw!r}")
    return value


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to know, resolved once at start-up."""

    db_path: Path = Path(DEFAULT_DB)
    database_url: str = field(default="", repr=False)  # may hold a password
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = ""
    port: int = 3000
    inline_case_lookup: bool = True
    inline_case_channels: tuple[str, ...] = ()
    minutes_dir: Path | None = None
    minutes_feed_url: str = ""
    minutes_feed_interval: int = 900
    minutes_feed_allow_hosts: tuple[str, ...] = ()
    minutes_max_size_mb: float = 5.0
    notify_channel: str = ""
    notify_digest: str = "off"
    log_level: str = "INFO"
    # Meaning search (store/semantic.py reads the same variables from the environment, which
    # load_settings fills from .env, so the store needs no settings object).
    semantic: bool = True
    semantic_threads: int = 1
    semantic_ingest_seconds: int = 300
    teams_app_id: str = ""
    teams_app_password: str = field(default="", repr=False)
    teams_tenant_id: str = ""
    teams_openid_metadata_url: str = TEAMS_OPENID_METADATA_URL
    teams_login_url: str = TEAMS_LOGIN_URL
    teams_host: str = "127.0.0.1"
    teams_notify_channel: str = ""
    teams_service_url: str = TEAMS_SERVICE_URL

    @property
    def teams_enabled(self) -> bool:
        """Teams is served when the bot's app id and password are set."""
        return bool(self.teams_app_id and self.teams_app_password)

    @property
    def slack_enabled(self) -> bool:
        """Slack is used when a bot token is set; otherwise the bot is a console chat."""
        return bool(self.slack_bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def size_policy(self) -> SizePolicy:
        """How large a minutes file may be, for every intake (see :class:`SizePolicy`)."""
        return SizePolicy(self.minutes_max_size_mb)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``env`` (default: the process environment)."""
        env = os.environ if env is None else env
        try:
            inline = _flag(env.get("INLINE_CASE_LOOKUP"), True)
        except ConfigError as exc:
            raise ConfigError(f"INLINE_CASE_LOOKUP: {exc}") from None
        digest = env.get("NOTIFY_DIGEST", "off").strip().lower() or "off"
        if digest not in {"off", "weekly"}:
            raise ConfigError(f"NOTIFY_DIGEST must be 'off' or 'weekly', got {digest!r}")
        minutes_dir = env.get("MINUTES_DIR", "").strip()
        return cls(
            db_path=Path(env.get("REFERAT_DB", "").strip() or DEFAULT_DB),
            database_url=env.get("REFERAT_DATABASE_URL", "").strip(),
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_api_url=env.get("SLACK_API_URL", "").strip(),
            port=_int(env, "PORT", 3000),
            inline_case_lookup=inline,
            inline_case_channels=_list(env.get("INLINE_CASE_CHANNELS")),
            minutes_dir=Path(minutes_dir) if minutes_dir else None,
            minutes_feed_url=env.get("MINUTES_FEED_URL", "").strip(),
            minutes_feed_interval=_int(env, "MINUTES_FEED_INTERVAL", 900),
            minutes_feed_allow_hosts=tuple(h.lower() for h in _list(
                env.get("MINUTES_FEED_ALLOW_HOSTS"))),
            minutes_max_size_mb=_size_mb("MINUTES_MAX_SIZE_MB",
                                         env.get("MINUTES_MAX_SIZE_MB"), 5.0),
            notify_channel=env.get("NOTIFY_CHANNEL", "").strip(),
            notify_digest=digest,
            log_level=env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
            semantic=env.get("REFERAT_SEMANTIC", "on").strip().lower() not in {"off", "0",
                                                                                "false", "no"},
            semantic_threads=_int(env, "REFERAT_SEMANTIC_THREADS", 1),
            semantic_ingest_seconds=_int(env, "REFERAT_SEMANTIC_INGEST_SECONDS", 300),
            **_teams_settings(env),
        )


def _teams_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {
        "teams_app_id": env.get("TEAMS_APP_ID", "").strip(),
        "teams_app_password": env.get("TEAMS_APP_PASSWORD", "").strip(),
        "teams_tenant_id": env.get("TEAMS_TENANT_ID", "").strip(),
        "teams_openid_metadata_url": env.get("TEAMS_OPENID_METADATA_URL", "").strip()
        or TEAMS_OPENID_METADATA_URL,
        "teams_login_url": env.get("TEAMS_LOGIN_URL", "").strip() or TEAMS_LOGIN_URL,
        "teams_host": env.get("TEAMS_HOST", "").strip() or "127.0.0.1",
        "teams_notify_channel": env.get("TEAMS_NOTIFY_CHANNEL", "").strip(),
        "teams_service_url": env.get("TEAMS_SERVICE_URL", "").strip() or TEAMS_SERVICE_URL,
    }


@dataclass(frozen=True)
class Loaded:
    """The settings and, for each variable that is set, where its value came from."""

    settings: Settings
    origins: dict[str, str]
    files: tuple[Path, ...]

    def origin(self, name: str) -> str:
        return self.origins.get(name, DEFAULT)


def env_files(env_file: str | os.PathLike[str] | None = None,
              cwd: Path | None = None) -> tuple[Path, ...]:
    """The ``.env`` files to read, most important first (see the module docstring)."""
    if env_file is not None:
        path = Path(env_file)
        if not path.is_file():
            raise ConfigError(f"env file {path} not found (from --env-file)")
        return (path,)
    cwd = Path.cwd() if cwd is None else cwd
    found: list[Path] = []
    candidates = [cwd / ".env"]
    if (CHECKOUT / "pyproject.toml").is_file():  # running from a checkout, not site-packages
        candidates.append(CHECKOUT / ".env")
    for path in candidates:
        if path.is_file() and all(path.resolve() != f.resolve() for f in found):
            found.append(path)
    return tuple(found)


def load_settings(env_file: str | os.PathLike[str] | None = None,
                  environ: dict[str, str] | None = None) -> Loaded:
    """Read settings from the environment and the ``.env`` files, remembering each origin.

    Values from files are also put into ``environ`` (default ``os.environ``) where it does not
    already have them, so libraries that read the environment themselves (``HTTPS_PROXY`` for
    the HTTP clients) see what ``.env`` says.
    """
    from dotenv import dotenv_values

    environ = os.environ if environ is None else environ
    origins = {name: ENVIRONMENT for name in environ}
    files = env_files(env_file)
    for path in files:
        for name, value in dotenv_values(path).items():
            if name not in environ and value is not None:
                environ[name] = value
                origins[name] = str(path)
    return Loaded(Settings.from_env(environ), origins, files)


_URL_PASSWORD = re.compile(r"(//[^:/@]+:)[^@/]+@")


def mask(name: str, value: str) -> str:
    """A value safe to print: secrets show only their kind and length, URLs lose passwords.

    >>> mask("SLACK_BOT_TOKEN", "xoxb-1234-5678-abcdefgh")
    'xoxb-… (23 characters, hidden)'
    >>> mask("HTTPS_PROXY", "http://user:pa55@proxy.kommune.dk:8080")
    'http://user:***@proxy.kommune.dk:8080'
    """
    if name in SECRETS and value:
        kind = value.split("-", 1)[0] + "-" if value.startswith(("xox", "xapp")) else ""
        return f"{kind}… ({len(value)} characters, hidden)"
    return _URL_PASSWORD.sub(r"\1***@", value)


def describe(loaded: Loaded,
             environ: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(name, printable value, origin) for every setting, then any proxy variable that is set."""
    environ = os.environ if environ is None else environ
    rows = []
    for name, default in VARIABLES.items():
        origin = loaded.origin(name)
        value = environ.get(name, default) if origin != DEFAULT else default
        rows.append((name, mask(name, value), origin))
    for name in PROXY_VARIABLES:
        if name in environ:
            rows.append((name, mask(name, environ[name]), loaded.origin(name)))
    return rows
