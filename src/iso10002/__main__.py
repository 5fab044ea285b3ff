"""``python -m iso10002``: the command line (needs the ``cli`` extra)."""

from __future__ import annotations

import sys


def _main() -> int:
    try:
        from iso10002.cli import main  # noqa: PLC0415 - click is an optional extra
    except ImportError as exc:
        sys.stderr.write(
            f"iso10002: error: the command line needs the cli extra "
            f"(pip install 'iso10002[cli]'): {exc}\n"
        )
        return 1
    return main()


if __name__ == "__main__":
    sys.exit(_main())
