"""Packs of deadlines: the shipped ones, loaded lazily, and those a host registers."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from iso10002.deadlines._pack import Pack
from iso10002.errors import ValidationError
from iso10002.serialization import from_dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["BUILTIN_PACKS", "get_pack", "list_packs", "load_pack", "register_pack"]

BUILTIN_PACKS = (
    "au.asic.rg271",
    "ca.bank",
    "eu.psd2",
    "iso10002",
    "uk.fca.disp",
    "uk.fca.disp.psd",
    "us.cfpb",
)
"""Names of the packs shipped with the library."""

_MAX_TEXT = 1_000_000
_lock = threading.Lock()
_packs: dict[str, dict[int, Pack]] = {}
_loaded = threading.Event()


def _parse(text: str, fmt: str) -> Any:
    if len(text) > _MAX_TEXT:
        raise ValidationError.single("source", f"larger than {_MAX_TEXT} characters")
    try:
        if fmt == "json":
            return json.loads(text)
        return tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationError.single(
            "source", f"not valid {fmt.upper()} ({exc})"
        ) from None


def load_pack(
    source: str | bytes | os.PathLike[str] | Mapping[str, Any],
    *,
    fmt: str | None = None,
) -> Pack:
    """Build a pack from TOML or JSON text, a file, or a mapping.

    Args:
        source: A path to a ``.toml`` or ``.json`` file, the text itself, or
            an already decoded mapping.
        fmt: ``"toml"`` or ``"json"``; guessed from the file suffix or the
            text (JSON starts with ``{``) when ``None``.

    Returns:
        The validated pack, not yet registered (see :func:`register_pack`).

    Raises:
        ValidationError: for unreadable files, bad syntax and every problem
            in the data, each with its field path.

    .. versionadded:: 0.1.0
    """
    if fmt not in (None, "toml", "json"):
        raise ValidationError.single("fmt", "must be 'toml' or 'json'")
    if isinstance(source, Mapping):
        return from_dict(Pack, dict(source))
    if isinstance(source, os.PathLike):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError.single(
                "source", f"cannot read pack file ({exc})"
            ) from None
        fmt = fmt or ("json" if path.suffix.lower() == ".json" else "toml")
    elif isinstance(source, (bytes, bytearray)):
        try:
            text = bytes(source).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError.single("source", "must be UTF-8 text") from None
    elif isinstance(source, str):
        text = source
    else:
        raise ValidationError.single(
            "source", f"must be text, a path or a mapping, not {type(source).__name__}"
        )
    fmt = fmt or ("json" if text.lstrip().startswith("{") else "toml")
    data = _parse(text, fmt)
    if not isinstance(data, dict):
        raise ValidationError.single("source", "must hold one pack object")
    return from_dict(Pack, data)


def _ensure_builtins() -> None:
    if _loaded.is_set():
        return
    with _lock:
        if _loaded.is_set():
            return
        folder = resources.files("iso10002.deadlines") / "packs"
        for name in BUILTIN_PACKS:
            text = (folder / f"{name}.toml").read_text(encoding="utf-8")
            pack = load_pack(text, fmt="toml")
            _packs.setdefault(pack.name, {})[pack.version] = pack
        _loaded.set()


def register_pack(pack: Pack, *, replace: bool = False) -> Pack:
    """Make a pack available to :func:`get_pack` and :func:`list_packs` in this process.

    Args:
        pack: The pack, e.g. from :func:`load_pack`.
        replace: Allow replacing a registered pack with the same name and version.

    Returns:
        The pack.

    Raises:
        ValidationError: if ``pack`` is not a :class:`Pack`, or that name and
            version are registered already and ``replace`` is false.

    .. versionadded:: 0.1.0
    """
    if not isinstance(pack, Pack):
        raise ValidationError.single("pack", "must be a Pack (see load_pack)")
    _ensure_builtins()
    with _lock:
        versions = _packs.setdefault(pack.name, {})
        if pack.version in versions and not replace:
            raise ValidationError.single(
                "version",
                f"pack {pack.name!r} version {pack.version} is registered already; "
                "raise the version or pass replace=True",
            )
        versions[pack.version] = pack
    return pack


def get_pack(name: str, *, on: date | None = None, version: int | None = None) -> Pack:
    """Return a registered pack by name.

    Args:
        name: The pack's name, e.g. ``"uk.fca.disp"``.
        on: Pick the newest version in effect on this day (e.g. the day a
            complaint was received); the newest version when ``None``.
        version: Pick exactly this version instead.

    Returns:
        The pack.

    Raises:
        ValidationError: for an unknown name or version, or when no version
            is in effect on ``on``.

    .. versionadded:: 0.1.0
    """
    _ensure_builtins()
    if not isinstance(name, str) or name not in _packs:
        known = ", ".join(sorted(_packs))
        raise ValidationError.single(
            "name", f"unknown pack {name!r}; known packs: {known}"
        )
    versions = _packs[name]
    if version is not None:
        if version not in versions:
            raise ValidationError.single(
                "version", f"pack {name!r} has no version {version!r}"
            )
        return versions[version]
    if on is not None and (not isinstance(on, date) or isinstance(on, datetime)):
        raise ValidationError.single("on", "must be a date")
    candidates = [p for p in versions.values() if on is None or p.effective_from <= on]
    if not candidates:
        raise ValidationError.single(
            "on", f"no version of pack {name!r} is in effect on {on}"
        )
    return max(candidates, key=lambda p: (p.effective_from, p.version))


def list_packs() -> tuple[Pack, ...]:
    """Return the newest version of every registered pack, sorted by name.

    .. versionadded:: 0.1.0
    """
    _ensure_builtins()
    with _lock:
        return tuple(
            max(versions.values(), key=lambda p: (p.effective_from, p.version))
            for _, versions in sorted(_packs.items())
        )
