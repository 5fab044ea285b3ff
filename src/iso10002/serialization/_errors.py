"""cattrs' structured errors turned into one :class:`ValidationError`.

The converter reports a failure as cattrs does: a ``ClassValidationError``
whose sub-errors carry notes naming the field, an ``IterableValidationError``
whose sub-errors name the index. :func:`cattrs.transform_error` walks that
tree and writes each leaf's path; :func:`problems_of` has it do so, then
describes each leaf error as one or more ``(path, message)`` problems. A
validator's :class:`ValidationError` carries paths from its field on: its
note names no field (see :data:`OWN_PATHS`), so the field is not named twice.
"""

from __future__ import annotations

from cattrs import transform_error
from cattrs.errors import ForbiddenExtraKeysError

from iso10002.errors import Problem, ValidationError

__all__ = ["OWN_PATHS", "problems_of"]

OWN_PATHS = ""
"""The field name noted on an error whose problems carry their own paths."""

_ROOT = "$"
_AT = " @ "


def problems_of(exc: BaseException) -> list[Problem]:
    """Return the problems of a failed structuring, each with its field path.

    Args:
        exc: What the converter raised.

    Returns:
        ``(path, message)`` pairs, paths dotted with ``[i]`` for positions and
        empty for the document itself.
    """
    leaves: list[BaseException] = []

    def remember(leaf: BaseException, _type: object) -> str:
        leaves.append(leaf)
        return str(len(leaves) - 1)

    found: list[Problem] = []
    for line in transform_error(exc, _ROOT, remember):
        index, _, path = line.partition(_AT)
        found += _describe(leaves[int(index)], path.removeprefix(_ROOT).strip("."))
    return found


def _join(path: str, part: str) -> str:
    if not part:
        return path
    if not path or part.startswith("["):
        return path + part
    return f"{path}.{part}"


def _describe(exc: BaseException, path: str) -> list[Problem]:  # noqa: PLR0911 - one case per error shape
    """Describe one leaf error found at ``path``."""
    if isinstance(exc, ValidationError):  # a validator's: paths start at the field
        return [(_join(path, p), m) for p, m in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [(_join(path, key), "unknown field") for key in sorted(exc.extra_fields)]
    if isinstance(exc, KeyError):
        return [(path, "required field is missing")]
    message = str(exc)
    if isinstance(exc, (TypeError, ValueError)) and message.startswith("must"):
        return [(path, message)]
    if isinstance(exc, ValueError):
        return [(path, f"invalid value ({message})")]
    if isinstance(exc, TypeError):
        return [(path, "invalid type")]
    return [(path, f"invalid ({type(exc).__name__})")]
