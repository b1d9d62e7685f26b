"""Small helpers for reading configuration from the environment.

Secrets may be given directly (``NAME``) or as a path to a file holding them
(``NAME_FILE``), which is how container and systemd secret stores hand them over.
"""

import os
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Return the secret ``name`` from the environment or from ``name_FILE``.

    Empty string when neither is set; callers decide whether that is allowed.
    """
    direct = os.environ.get(name)
    if direct:
        return direct.strip()
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return ""
