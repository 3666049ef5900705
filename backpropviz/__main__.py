"""Entry point: ``backpropviz`` opens the window, ``backpropviz train …`` trains headless."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch on the first argument; returns the process exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "train":
        from .cli import main as cli_main

        return cli_main(args[1:])
    from .app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
