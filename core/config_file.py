"""``config.toml`` in the user config directory: the user's defaults, read with ``tomllib``.

Every key is optional; unknown keys and bad values are refused with the file, the key and what
was wrong, on one line. The app writes one key back (the theme picked in the palette), keeping
every other key and value.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from tformance.core import paths
from tformance.core.errors import SettingsError

EXAMPLE = """\
# tformance settings: command line flags and environment variables win over these.
months = 12                       # months of history a sync covers (1-120)
repos = ["acme/api", "acme/web"]  # what `tformance sync` syncs without --repo
page_size = 50                    # PRs per GitHub page (1-100)
max_in_flight = 10                # GitHub requests in flight at once (1-50)
llm_model = "openai/gpt-oss-20b"  # the Groq model that judges and summarises PRs
llm_batch_size = 100              # PRs per LLM unit of work (1-1000)
theme = "textual-dark"            # the app's theme (the palette's "Change theme" saves it here)
"""


@dataclass(frozen=True)
class ConfigKey:
    """One key of the file: the ``Settings`` field it sets and the values it takes."""

    name: str
    field: str
    kind: type
    low: int | None = None
    high: int | None = None


KEYS: dict[str, ConfigKey] = {
    key.name: key
    for key in (
        ConfigKey("months", "history_months", int, 1, 120),
        ConfigKey("repos", "default_repos", list),
        ConfigKey("page_size", "page_size", int, 1, 100),
        ConfigKey("max_in_flight", "max_in_flight", int, 1, 50),
        ConfigKey("llm_model", "llm_model", str),
        ConfigKey("llm_batch_size", "llm_batch_size", int, 1, 1000),
        ConfigKey("theme", "theme", str),
    )
}


def config_path() -> Path:
    """Where the file lives (it need not exist)."""
    return paths.config_file_path()


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The file's settings as ``{field: value}``, validated; ``{}`` when there is no file."""
    path = path or config_path()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path} is not valid TOML: {error}") from None
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror or error}") from None
    return {KEYS[name].field: _checked(path, name, value) for name, value in data.items() if _known(path, name)}


def save_config_value(name: str, value: Any, path: Path | None = None) -> Path:
    """Set one key, keeping the others, atomically: a crash leaves the old file or the new one.

    (Comments are not kept: ``tomli-w`` writes values only.)
    """
    path = path or config_path()
    _checked(path, name, value)
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        data = {}
    except tomllib.TOMLDecodeError as error:  # never overwrite what the user may still want to fix
        raise SettingsError(f"{path} is not valid TOML, so it was left alone: {error}") from None
    data[name] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            tomli_w.dump(data, handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _known(path: Path, name: str) -> bool:
    if name not in KEYS:
        raise SettingsError(f"{path}: unknown setting {name!r} (known: {', '.join(KEYS)})")
    return True


def _checked(path: Path, name: str, value: Any) -> Any:
    key = KEYS[name]
    where = f"{path}: {name}"
    if key.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where} must be a whole number, got {value!r}")
        if key.low is not None and key.high is not None and not key.low <= value <= key.high:
            raise SettingsError(f"{where} must be between {key.low} and {key.high}, got {value}")
        return value
    if key.kind is str:
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"{where} must be a non-empty string, got {value!r}")
        return value.strip()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise SettingsError(f'{where} must be a list of "OWNER/NAME" strings, got {value!r}')
    return tuple(item.strip() for item in value)


def file_settings(values: Mapping[str, Any]) -> dict[str, str]:
    """Where each field in ``values`` came from, as ``tformance config`` says it."""
    names = {key.field: key.name for key in KEYS.values()}
    return {field: f"config file ({names[field]})" for field in values}
