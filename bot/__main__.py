"""``python -m bot`` is the same as the ``referat`` command."""

import sys

from .cli import main

sys.exit(main())
