"""Project automation: ``nox -s lint typecheck tests`` is the whole gate."""

from __future__ import annotations

import os

import nox

# Never download interpreters: use the ones installed (pyenv in CI); a missing
# version is skipped rather than fetched.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests"]
# A fresh machine may have only one Python: run on what is there. CI makes
# every version available through pyenv before calling nox.
nox.options.error_on_missing_interpreters = False

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
PYPROJECT = nox.project.load_toml("pyproject.toml")
# ``docs``: the tests build small pages with the docs' own Sphinx extensions.
EXTRAS = ".[postgres,holidays,cli,toml,crypto,testing,docs,report,letters,links]"
# One worker per core; ``loadfile`` keeps each file on one worker, which the
# docs need (the code blocks of one page share their names, in order).
PYTEST_ARGS = ["-n", "auto", "--dist", "loadfile", "--cov"]


def group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite with branch coverage (docs snippets and examples included)."""
    session.install("-e", EXTRAS, *group("test"))
    session.run("coverage", "erase")
    # One worker per core (pytest-xdist); pytest-cov combines the workers'
    # data and enforces ``fail_under`` from pyproject.toml.
    session.run("pytest", *PYTEST_ARGS, "--cov-report=term", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*group("lint"))
    session.run(
        "ruff", "check", "src", "tests", "examples", "benchmarks", "docs", "noxfile.py"
    )
    session.run(
        "ruff",
        "format",
        "--check",
        "src",
        "tests",
        "examples",
        "benchmarks",
        "docs",
        "noxfile.py",
    )


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy --strict."""
    session.install("-e", ".", *group("typecheck"))
    session.run("mypy")


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the documentation and its API reference, warnings as errors.

    Workflow diagrams are drawn by Graphviz's ``dot`` when it is installed;
    without it the pages show the DOT text and the build says so.
    """
    # Every public module is imported for the API reference, optional ones too.
    session.install("-e", ".[docs,holidays,postgres,cli,toml,crypto,testing]")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session(python="3.11")
def coverage(session: nox.Session) -> None:
    """Run the tests once and write an HTML coverage report."""
    session.install("-e", EXTRAS, *group("test"))
    session.run("coverage", "erase")
    reports = ["--cov-report=term", "--cov-report=html"]
    session.run("pytest", *PYTEST_ARGS, *reports, *session.posargs)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Run every benchmark; each prints its ratios against its references."""
    session.install("-e", ".[postgres,holidays,cli,report]", *group("bench"))
    scripts = sorted(
        str(p) for p in __import__("pathlib").Path("benchmarks").glob("bench_*.py")
    )
    for script in session.posargs or scripts:
        session.run("python", script)


@nox.session(python="3.11", default=False)
def browser(session: nox.Session) -> None:
    """Render the review pack in headless Chromium and check what a reader sees.

    Not part of the default gate: it needs Chromium from the system
    (``apt-get update && apt-get install -y chromium chromium-driver`` on
    Debian). Screenshots and PDFs are left in ``build/review-pack``.
    """
    session.install("-e", ".[cli,report]")
    session.run("python", "tests/browser/check_review_pack.py", *session.posargs)
