"""``python -m optbind_book``: see :mod:`optbind_book.cli`."""

import sys

from .cli import main

sys.exit(main())
