"""Make public classes and functions report the public module that exports them.

Each public module calls :func:`publish` after its ``__all__``: a class or
function it exports from one of its package's ``_private`` modules then has
``__module__`` set to the public module, so ``repr``, tracebacks, pickles and
the API reference show ``iso10002.model.Complaint`` rather than
``iso10002.model._complaint.Complaint``.

A class's own string annotations are resolved first, against the private
module that defined them: ``typing.get_type_hints`` (and so attrs and cattrs)
looks names up in the module ``__module__`` names, which no longer holds them.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Mapping
from typing import Any

__all__ = ["DEFINED_IN", "publish"]

DEFINED_IN: dict[str, str] = {}
"""Public dotted name -> the private module whose source defines it."""


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _public_ancestor(module: str) -> str:
    parts = module.split(".")
    while parts and _is_private(".".join(parts)):
        parts.pop()
    return ".".join(parts)


def _resolve_annotations(cls: type) -> bool:
    """Replace the class's own string annotations by the objects they name.

    Returns:
        Whether they all resolve; if not (a name imported only for type
        checking), the class keeps its defining module's name.
    """
    own = inspect.get_annotations(cls)
    if not any(isinstance(value, str) for value in own.values()):
        return True
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except Exception:  # noqa: BLE001 - any failure: leave the class as it is
        return False
    cls.__annotations__ = {name: hints.get(name, value) for name, value in own.items()}
    return True


def publish(namespace: Mapping[str, Any]) -> None:
    """Set ``__module__`` of the classes and functions a public module exports.

    Only objects defined in a private module under the same public package
    are claimed (``iso10002.analysis._kpis`` by ``iso10002.analysis.kpis``),
    and only once: the first, most specific public module to export an object
    names it.

    Args:
        namespace: The public module's ``globals()``.
    """
    module = namespace["__name__"]
    for name in namespace["__all__"]:
        obj = namespace[name]
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        defined_in = getattr(obj, "__module__", "") or ""
        if not defined_in.startswith("iso10002.") or not _is_private(defined_in):
            continue
        package = _public_ancestor(defined_in)
        if module != package and not module.startswith(f"{package}."):
            continue
        if obj.__name__ != name or obj.__qualname__ != name:
            continue  # an alias, or a nested object: pickle must find it by name
        if inspect.isclass(obj) and not _resolve_annotations(obj):
            continue
        DEFINED_IN[f"{module}.{name}"] = defined_in
        obj.__module__ = module
