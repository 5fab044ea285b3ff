"""The one cattrs converter; ``to_dict``, ``from_dict``, ``to_json``, ``from_json``.

Documents use plain JSON types: datetimes as ISO 8601 strings with their UTC
offset, dates as ``YYYY-MM-DD``, enums by value, decimals as strings, tuples as
lists. Structuring is strict: wrong types, missing or unknown fields, unknown
enum values and naive datetimes are refused, and every problem is reported at
once in one :class:`~iso10002.errors.ValidationError` with its field path.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from functools import cache
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from iso10002.errors import ValidationError
from iso10002.serialization._converter import configure_converter
from iso10002.serialization._errors import problems_of

__all__ = [
    "from_dict",
    "from_json",
    "make_converter",
    "to_data",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

# The largest JSON text ``from_json`` reads (characters of a str, bytes of
# bytes): four times the longest document the model can build (about 160
# million characters, see docs/storage.md "Limits"), so whatever can be
# built can be read back, in any encoding.
_MAX_DOCUMENT = 2**30


def make_converter() -> cattrs.Converter:
    """Build the project's converter, with strict hooks for every model type.

    Each call returns a new converter; hooks are registered on it alone, never
    on cattrs' global converter. A failure raises cattrs' own
    ``ClassValidationError``/``IterableValidationError``, each problem noted
    with its field or index (:func:`from_dict` turns them into one
    :class:`~iso10002.errors.ValidationError`).

    Returns:
        A configured :class:`cattrs.Converter`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       One converter: every problem is collected (``detailed_validation`` is
       gone).
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=True,
        unstruct_collection_overrides={tuple: list},
    )
    return configure_converter(converter)


@cache
def _converter() -> cattrs.Converter:
    """Return the library's own converter (one per process, never changed)."""
    return make_converter()


@cache
def _unstructure_without(cls: type, omit: tuple[str, ...]) -> Any:
    converter = _converter()
    if not omit:
        return converter.get_unstructure_hook(cls)
    overrides: dict[str, Any] = {name: override(omit=True) for name in omit}
    return make_dict_unstructure_fn(cls, converter, **overrides)


# Each model class's unstructure hook, by class: the common call (nothing
# omitted) is one dict lookup. Bounded by the number of attrs classes.
_HOOKS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def to_dict(obj: Any, *, omit: Collection[str] = ()) -> dict[str, Any]:
    """Turn a model object into a JSON-ready dict.

    Args:
        obj: An instance of any model class.
        omit: Fields of ``obj`` to leave out (not converted at all), e.g.
            ``("history",)``.

    Returns:
        A new dict of plain JSON types.

    Raises:
        ValidationError: if ``obj`` is not an attrs model object, or ``omit``
            names a field it lacks.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``omit``.
    """
    cls = type(obj)
    if not omit:
        hook = _HOOKS.get(cls)
        if hook is not None:
            result: dict[str, Any] = hook(obj)
            return result
    if not attrs.has(cls):
        raise ValidationError.single("", f"cannot serialise {cls.__name__}")
    if omit:
        unknown = sorted(set(omit) - set(attrs.fields_dict(cls)))
        if unknown:
            raise ValidationError.single(
                "omit", f"{cls.__name__} has no fields {unknown}"
            )
    hook = _unstructure_without(cls, tuple(sorted(omit)))
    if not omit:
        _HOOKS[cls] = hook
    unstructured: dict[str, Any] = hook(obj)
    return unstructured


def to_data(value: Any, annotation: Any) -> Any:
    """Turn a value of a model field's type into plain JSON data.

    Args:
        value: The value, e.g. a tuple of attachments or an optional datetime.
        annotation: Its type as the field declares it, e.g.
            ``tuple[Attachment, ...]`` or ``datetime | None``.

    Returns:
        What :func:`to_dict` writes for such a field.

    .. versionadded:: 0.2.0
    """
    return _converter().get_unstructure_hook(annotation)(value)


def from_dict(cls: type[T], data: Any) -> T:
    """Build a model object of type ``cls`` from untrusted data.

    Args:
        cls: The model class, e.g. :class:`~iso10002.model.ComplaintForm`.
        data: A mapping, typically decoded JSON.

    Returns:
        The validated object.

    Raises:
        ValidationError: listing every problem, each with its field path.

    .. versionadded:: 0.1.0
    """
    if not attrs.has(cls):
        raise ValidationError.single("", f"cannot deserialise into {cls!r}")
    try:
        result = _converter().structure(data, cls)
    except Exception as exc:  # every failure is described, then raised as one
        raise ValidationError(problems_of(exc)) from exc
    return cast("T", result)


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """Serialise a model object to a JSON string.

    Args:
        obj: An instance of any model class.
        indent: Pretty-print with this indent; compact when ``None``.

    Returns:
        The JSON text (UTF-8 safe, non-ASCII kept as is).

    .. versionadded:: 0.1.0
    """
    separators = None if indent else (",", ":")
    return json.dumps(
        to_dict(obj), ensure_ascii=False, indent=indent, separators=separators
    )


def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON text into a model object of type ``cls``.

    Args:
        cls: The model class.
        text: JSON text (``str`` or UTF-8 ``bytes``).

    Returns:
        The validated object.

    Raises:
        ValidationError: if the text is not JSON or the document is invalid.

    .. versionadded:: 0.1.0
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise ValidationError.single(
            "", f"must be JSON text, not {type(text).__name__}"
        )
    if len(text) > _MAX_DOCUMENT:
        raise ValidationError.single(
            "", f"document larger than {_MAX_DOCUMENT} characters"
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationError.single("", f"not valid JSON ({exc})") from None
    return from_dict(cls, data)
