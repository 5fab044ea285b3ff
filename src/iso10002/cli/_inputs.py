"""The files ``report``, ``audit`` and ``return`` read, JSON or TOML.

The organisation's records, its profile and the tables of names to names
(product groups, product and issue codes).
"""

from __future__ import annotations

import json
import sys
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar

from iso10002.analysis.evidence import OrganisationRecords
from iso10002.cli._errors import CliError
from iso10002.cli._files import is_json
from iso10002.errors import ValidationError
from iso10002.principles import OrganisationProfile
from iso10002.serialization import from_dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["load_mapping", "load_profile", "load_records"]

M = TypeVar("M")


def _as_json(value: Any) -> Any:
    """Turn TOML's dates and times into the ISO strings JSON files would hold."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    return value


def _load_data(path: Path) -> Any:
    """Read a JSON or TOML file (by suffix, else by its first character).

    Raises:
        CliError: if it cannot be read or parsed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text ({exc.reason})"
        raise CliError(msg) from None
    as_json = is_json(path, text)
    try:
        return json.loads(text) if as_json else _as_json(tomllib.loads(text))
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: not valid {'JSON' if as_json else 'TOML'} ({exc})"
        raise CliError(msg) from None
    except RecursionError:
        msg = f"{path}: not valid {'JSON' if as_json else 'TOML'} (nested too deeply)"
        raise CliError(msg) from None


def _load_model(path: Path, cls: type[M]) -> M:
    data = _load_data(path)
    try:
        return from_dict(cls, data)
    except ValidationError as exc:
        msg = f"{path}: {exc}"
        raise CliError(msg) from None


def load_records(path: Path | None) -> OrganisationRecords:
    """Load the organisation's records, or none declared when ``path`` is ``None``.

    Raises:
        CliError: for an unreadable file or one with wrong fields.
    """
    return (
        OrganisationRecords()
        if path is None
        else _load_model(path, OrganisationRecords)
    )


def load_profile(path: Path | None) -> OrganisationProfile | None:
    """Load the organisation profile the policies consult, if a file is given.

    Raises:
        CliError: for an unreadable file or one with wrong fields.
    """
    return None if path is None else _load_model(path, OrganisationProfile)


def load_mapping(path: Path | None) -> dict[str, str]:
    """Load a table of names to names (e.g. products to FCA product groups).

    Raises:
        CliError: for an unreadable file or a value that is not text.
    """
    if path is None:
        return {}
    data = _load_data(path)
    if not isinstance(data, dict):
        msg = f"{path}: must hold a table of names to names"
        raise CliError(msg)
    for key, value in data.items():
        if not isinstance(value, str):
            msg = f"{path}: {key}: must be text, not {type(value).__name__}"
            raise CliError(msg)
    return dict(data)
