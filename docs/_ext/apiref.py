"""Generate the API reference from the package: one page per public module.

A public module is every module of ``iso10002`` with no ``_``-prefixed part;
its public names are its ``__all__``. Each object is described once, on the
page of the most specific public module that exports it; other modules that
re-export it list it and link there. Cross-references written against any
public or private path of an object resolve to that one description, and the
build warns (an error under ``-W``) if a public name ends up undocumented.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import textwrap
import types
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

_LOG = logging.getLogger(__name__)
ROOT = "iso10002"
OUT = "api"


def _modules(*, private: bool) -> list[str]:
    package = importlib.import_module(ROOT)
    names = [ROOT] + [
        m.name for m in pkgutil.walk_packages(package.__path__, f"{ROOT}.")
    ]
    names = [n for n in names if not n.endswith("__main__")]
    if not private:
        names = [n for n in names if not any(p.startswith("_") for p in n.split("."))]
    return sorted(names)


def public_modules() -> list[str]:
    """Return every public module of the package, sorted."""
    return _modules(private=False)


def _exports(modname: str) -> list[str]:
    return list(getattr(importlib.import_module(modname), "__all__", ()))


class Catalogue:
    """Where each public object is described, and every path that names it."""

    def __init__(self) -> None:
        """Index every public name of every public module."""
        self.modules = public_modules()
        self.canonical: dict[tuple[str, int], str] = {}
        self.aliases: dict[str, str] = {}
        owners: dict[tuple[str, int], list[str]] = {}
        for modname in self.modules:
            module = importlib.import_module(modname)
            for name in _exports(modname):
                key = (name, id(getattr(module, name)))
                owners.setdefault(key, []).append(modname)
        for key, mods in owners.items():
            obj_module = self._defined_in(key, mods)
            best = max(mods, key=lambda m: (obj_module.startswith(m), m.count(".")))
            self.canonical[key] = f"{best}.{key[0]}"
            for modname in mods:
                self.aliases[f"{modname}.{key[0]}"] = self.canonical[key]
        self.data_docs = self._data_docs()
        self.short: dict[str, set[str]] = {}
        for full in self.canonical.values():
            self.short.setdefault(full.rsplit(".", 1)[1], set()).add(full)

    @staticmethod
    def _defined_in(key: tuple[str, int], mods: list[str]) -> str:
        obj = getattr(importlib.import_module(mods[0]), key[0])
        return getattr(obj, "__module__", None) or ""

    def _data_docs(self) -> dict[tuple[str, int], str]:
        """Find the docstring under each public constant's assignment."""
        found: dict[tuple[str, int], str] = {}
        for modname in _modules(private=True):
            try:
                module = importlib.import_module(modname)
                docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
            except Exception:  # noqa: BLE001, S112 - optional drivers may be missing
                continue
            for (scope, name), lines in docs.items():
                if scope == "" and hasattr(module, name):
                    key = (name, id(getattr(module, name)))
                    if key in self.canonical:
                        found.setdefault(key, "\n".join(lines))
        return found

    def resolve(self, target: str) -> str | None:
        """Return the documented name of whatever ``target`` names, if public.

        ``target`` is a full path (public or private), or starts with a name
        only one public object has (``ComplaintRepository.save``).
        """
        if target in self.aliases:
            return self.aliases[target]
        head, _, rest = target.partition(".")
        if len(self.short.get(head, ())) == 1:
            (full,) = self.short[head]
            return f"{full}.{rest}" if rest else full
        parts = target.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for depth, name in enumerate(parts[cut:], start=cut):
                key = (name, id(getattr(obj, name, None)))
                if key in self.canonical:
                    rest = parts[depth + 1 :]
                    return ".".join([self.canonical[key], *rest])
                if not hasattr(obj, name):
                    return None
                obj = getattr(obj, name)
            return None
        return None


def _private_bases(catalogue: Catalogue, cls: type) -> bool:
    """Tell whether ``cls`` inherits from a class of ours that is not public."""
    return any(
        base.__module__.startswith(f"{ROOT}.")
        and (base.__name__, id(base)) not in catalogue.canonical
        for base in cls.__mro__[1:]
    )


def _directive(catalogue: Catalogue, modname: str, name: str) -> str:
    obj = getattr(importlib.import_module(modname), name)
    key = (name, id(obj))
    if inspect.isclass(obj) and not isinstance(obj, types.GenericAlias):
        if issubclass(obj, BaseException):  # where it sits in the error tree
            return f".. autoexception:: {name}\n   :members:\n   :show-inheritance:\n"
        if issubclass(obj, enum.Enum):  # every member, documented or not
            return f".. autoclass:: {name}\n   :members:\n   :undoc-members:\n"
        if _private_bases(catalogue, obj):  # their methods are this class's API
            return f".. autoclass:: {name}\n   :members:\n   :inherited-members:\n"
        return f".. autoclass:: {name}\n   :members:\n"
    if inspect.isroutine(obj):
        return f".. autofunction:: {name}\n"
    if callable(obj) and not isinstance(obj, types.GenericAlias):
        # e.g. a pytest fixture: not a plain function (a type alias is data)
        doc, kind, signature = inspect.getdoc(obj) or "", "function", "()"
    else:
        doc, kind, signature = catalogue.data_docs.get(key, ""), "data", ""
    if not doc:
        _LOG.warning("public name %s.%s has no docstring", modname, name)
    return f".. py:{kind}:: {name}{signature}\n\n{textwrap.indent(doc, '   ')}\n"


def _summary(catalogue: Catalogue, modname: str, name: str) -> str:
    obj = getattr(importlib.import_module(modname), name)
    if inspect.isclass(obj) or (
        callable(obj) and not isinstance(obj, types.GenericAlias)
    ):
        doc = inspect.getdoc(obj) or ""
    else:
        doc = catalogue.data_docs.get((name, id(obj)), "")
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def _page(catalogue: Catalogue, modname: str) -> str:
    names = _exports(modname)
    module = importlib.import_module(modname)
    lines = [
        f"``{modname}``",
        "=" * (len(modname) + 4),
        "",
        f".. automodule:: {modname}",
        "",
        f".. currentmodule:: {modname}",
        "",
    ]
    if names:
        lines += [".. list-table::", "   :widths: 30 70", ""]
        for name in names:
            summary = _summary(catalogue, modname, name)
            lines += [f"   * - :py:obj:`{name}`", f"     - {summary}"]
        lines.append("")
    # Re-exported names link from the table to their one description.
    lines += [
        _directive(catalogue, modname, name)
        for name in names
        if catalogue.canonical[name, id(getattr(module, name))] == f"{modname}.{name}"
    ]
    return "\n".join(lines)


def _write(app: Sphinx) -> None:
    catalogue = Catalogue()
    app.env.iso10002_catalogue = catalogue  # type: ignore[attr-defined]
    out = Path(app.srcdir) / OUT
    out.mkdir(exist_ok=True)
    wanted = {f"{m}.rst" for m in catalogue.modules}
    for stale in out.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for modname in catalogue.modules:
        path = out / f"{modname}.rst"
        text = _page(catalogue, modname)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _missing(
    app: Sphinx, env: Any, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    catalogue: Catalogue = env.iso10002_catalogue
    target = node["reftarget"].lstrip("~.")
    documented = catalogue.resolve(target)
    if documented is None and node.get("py:module"):
        documented = catalogue.resolve(f"{node['py:module']}.{target}")
    if documented is None or documented == node["reftarget"]:
        return None
    domain = env.get_domain("py")
    found = domain.resolve_any_xref(
        env, node["refdoc"], app.builder, documented, node, contnode
    )
    if not found and node.get("reftype") == "attr":
        # A field described in its class's Args section: link to the class.
        owner = documented.rsplit(".", 1)[0]
        found = domain.resolve_any_xref(
            env, node["refdoc"], app.builder, owner, node, contnode
        )
    return found[0][1] if found else None


def _check(app: Sphinx, env: Any) -> None:
    """Warn for each public name the reference does not describe."""
    catalogue: Catalogue = env.iso10002_catalogue
    objects = env.get_domain("py").objects
    for full in sorted(set(catalogue.canonical.values())):
        if full not in objects:
            _LOG.warning("public name %s is missing from the API reference", full)
    del app


def _source_module(app: Sphinx, modname: str, attribute: str) -> str | None:
    """Point viewcode at the private module whose source defines a public name."""
    del app
    from iso10002._publish import DEFINED_IN  # noqa: PLC0415 - after autodoc imported it

    return DEFINED_IN.get(f"{modname}.{attribute.split('.', maxsplit=1)[0]}")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the generator, the resolver and the coverage check."""
    app.setup_extension("sphinx.ext.viewcode")
    app.connect("viewcode-follow-imported", _source_module)
    app.connect("builder-inited", _write)
    app.connect("missing-reference", _missing)
    app.connect("env-check-consistency", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
