"""Settings read from the environment (`TIMELINE_*`), once, into an immutable object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./timeline.db"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not value >= 0:
        raise ValueError(f"{name} must be 0 or more seconds, not {raw!r}")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())


def _log_format(env: Mapping[str, str]) -> str:
    raw = (env.get("TIMELINE_LOG_FORMAT") or "text").strip().lower()
    if raw not in ("text", "json"):
        raise ValueError(f"TIMELINE_LOG_FORMAT must be text or json, not {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything the service can be configured with; see the README's configuration table."""

    database_url: str = DEFAULT_DATABASE_URL
    admin_token: str | None = None
    base_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    # Who may frame /embed pages (the CSP frame-ancestors source list): any site by default.
    embed_ancestors: str = "*"
    max_body_bytes: int = 64 * 1024
    max_bundle_bytes: int = 256 * 1024 * 1024
    write_rate_per_minute: int = 120
    read_rate_per_minute: int = 1200
    feed_recheck_seconds: float = 2.0
    debug: bool = False
    # Addresses (or networks) of the proxies whose X-Forwarded-For / -Proto `serve` believes;
    # none by default, so no client can pick the address its read limit is counted by.
    trusted_proxies: tuple[str, ...] = ()
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        origins = tuple(o.strip() for o in env.get("TIMELINE_CORS_ORIGINS", "").split(",") if o)
        return cls(
            database_url=env.get("TIMELINE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            admin_token=env.get("TIMELINE_ADMIN_TOKEN") or None,
            base_url=(env.get("TIMELINE_BASE_URL") or "").rstrip("/") or None,
            cors_origins=origins,
            embed_ancestors=(env.get("TIMELINE_EMBED_ANCESTORS") or "*").strip(),
            max_body_bytes=_int(env, "TIMELINE_MAX_BODY_BYTES", 64 * 1024),
            max_bundle_bytes=_int(env, "TIMELINE_MAX_BUNDLE_BYTES", 256 * 1024 * 1024),
            write_rate_per_minute=_int(env, "TIMELINE_WRITE_RATE_PER_MINUTE", 120),
            read_rate_per_minute=_int(env, "TIMELINE_READ_RATE_PER_MINUTE", 1200),
            feed_recheck_seconds=_seconds(env, "TIMELINE_FEED_RECHECK_SECONDS", 2.0),
            debug=env.get("TIMELINE_DEBUG", "") in ("1", "true", "yes"),
            trusted_proxies=_list(env, "TIMELINE_TRUSTED_PROXIES"),
            log_format=_log_format(env),
        )
