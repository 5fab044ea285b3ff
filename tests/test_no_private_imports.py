"""No module imports a private module of another package.

A package's ``_private`` modules are its implementation; another package uses
only what the package exports. The *package* of a module is its top package
under ``iso10002`` (``iso10002.repositories.sqlite._x`` belongs to
``repositories``); the modules directly under ``iso10002`` (``clock``,
``serialization`` …) are each their own package, and ``iso10002`` itself
(with its ``_version``) is one more.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import iso10002

ROOT = "iso10002"
SRC = Path(iso10002.__file__).parent

# The one private module every public module may import: the helper that
# makes exported classes and functions report their public module.
SHARED = frozenset({"iso10002._publish"})

# Violations other pieces of work are removing right now; the list only
# shrinks. Each entry is (importing package or module, imported private module).
ALLOWLIST: frozenset[tuple[str, str]] = frozenset({})


def package_of(module: str) -> str:
    """Return the package ``module`` belongs to (``""`` for ``iso10002``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and not parts[1].startswith("_") else ""


def module_name(path: Path, src: Path) -> str:
    """Return the dotted name of the module at ``path`` under ``src``."""
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_module(target: str) -> str | None:
    """Return the leading part of ``target`` that is a private module, if any."""
    parts = target.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[: i + 1])
    return None


def imported_modules(source: str, module: str, *, is_package: bool) -> set[str]:
    """Return every ``iso10002`` module ``source`` imports, relative ones resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            # ``from iso10002.a import _b`` imports the private module ``_b``.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == ROOT}


def violations(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Return the private modules of other packages that ``source`` imports."""
    own = package_of(module)
    bad: set[str] = set()
    for target in imported_modules(source, module, is_package=is_package):
        private = private_module(target)
        if private is not None and package_of(private) != own and private not in SHARED:
            bad.add(private)
    return bad


def allowed(module: str, private: str) -> bool:
    """Tell whether the allowlist covers ``module`` importing ``private``."""
    return bool({(module, private), (package_of(module), private)} & ALLOWLIST)


def all_violations() -> set[tuple[str, str, str]]:
    """Return (importing module, its package, private module) for the source tree."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        module = module_name(path, SRC)
        source = path.read_text(encoding="utf-8")
        is_package = path.name == "__init__.py"
        for private in violations(source, module, is_package=is_package):
            found.add((module, package_of(module), private))
    return found


class TestNoPrivateImports:
    def test_no_module_imports_another_packages_private_module(self):
        """Outside the shrinking allowlist, packages use each other's public names."""
        bad = sorted(
            f"{module} imports {private}"
            for module, _, private in all_violations()
            if not allowed(module, private)
        )
        assert bad == []

    def test_the_allowlist_lists_only_live_violations(self):
        """An allowlist entry whose import is gone is removed, so the list shrinks."""
        live = set()
        for module, package, private in all_violations():
            live |= {(module, private), (package, private)}
        assert sorted(ALLOWLIST - live) == []


class TestTheRule:
    @pytest.mark.parametrize(
        "source",
        [
            "from iso10002.model._checks import text",
            "import iso10002.model._checks",
            "import iso10002.model._checks as checks",
            "from iso10002.model import _checks",
            "from iso10002._version import __version__",
            "from ..model._checks import text",
        ],
    )
    def test_a_private_import_of_another_package_is_found(self, source):
        """Every spelling of an import of another package's private module counts."""
        found = violations(source, "iso10002.handler._core")
        assert found in ({"iso10002.model._checks"}, {"iso10002._version"})

    @pytest.mark.parametrize(
        ("source", "module"),
        [
            ("from iso10002.model import Complaint", "iso10002.handler._core"),
            ("from iso10002.validators import text", "iso10002.model._values"),
            ("from iso10002.model._checks import text", "iso10002.model._values"),
            ("from ._checks import text", "iso10002.model._values"),
            (
                "from iso10002.repositories._json import canonical_text",
                "iso10002.repositories.sqlite._write",
            ),
            ("from iso10002.model.__about__ import x", "iso10002.handler._core"),
            ("from iso10002._publish import publish", "iso10002.model"),
            ("import json", "iso10002.handler._core"),
        ],
    )
    def test_public_and_own_imports_are_allowed(self, source, module):
        """Public names, and private modules of the importer's own package, are fine."""
        assert violations(source, module) == set()

    def test_a_new_violation_fails_the_rule(self):
        """A synthetic module with a fresh private import would fail the main test."""
        source = "from iso10002.analysis._charts import Signal\n"
        found = violations(source, "iso10002.web._reports")
        assert found == {"iso10002.analysis._charts"}
        assert not allowed("iso10002.web._reports", "iso10002.analysis._charts")
