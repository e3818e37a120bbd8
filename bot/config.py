"""Settings, read only from the environment (python-dotenv loads ``.env`` first).

Every variable here is documented, with a safe default, in ``.env.example``. Secrets are kept
out of ``repr`` so a logged ``Settings`` never shows a token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from store.records import ReferatError

DEFAULT_DB = "data/referat.json"


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
    notify_channel: str = ""
    notify_digest: str = "off"
    log_level: str = "INFO"

    @property
    def slack_enabled(self) -> bool:
        """Slack is used when a bot token is set; otherwise the bot is a console chat."""
        return bool(self.slack_bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

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
            notify_channel=env.get("NOTIFY_CHANNEL", "").strip(),
            notify_digest=digest,
            log_level=env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        )


def load_settings() -> Settings:
    """Load ``.env`` (without overriding real environment variables) and read settings."""
    from dotenv import load_dotenv

    load_dotenv(override=False)
    return Settings.from_env()
