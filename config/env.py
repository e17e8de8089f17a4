"""Typed reading of the environment: the only place settings look at os.environ.

Every setting the platform reads from the environment is named here with its type and default, so an
operator can see the whole surface in one file (docs/operations.md lists them).
"""

from __future__ import annotations

import os
from enum import StrEnum


class Mode(StrEnum):
    """How the platform is running.

    development: a developer's machine or the test suite (DEBUG on, insecure key allowed).
    demo: the demo partnership on a laptop (demo conveniences such as `demo-otp` work).
    production: real data; secure cookies, HTTPS, no demo conveniences, SECRET_KEY required.
    """

    DEVELOPMENT = "development"
    DEMO = "demo"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment is incomplete or contradictory."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_mode() -> Mode:
    raw = os.environ.get("SAFEGUARDING_MODE", Mode.DEVELOPMENT.value)
    try:
        return Mode(raw)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in Mode)
        raise ConfigurationError(f"SAFEGUARDING_MODE must be one of {allowed}, not {raw!r}") from exc
