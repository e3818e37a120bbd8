"""``python -m bot`` is the same as the ``referat`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
