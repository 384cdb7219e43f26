"""``python -m wirearchive.crawler.cli``: the same as the ``wirearchive`` command."""

import sys

from . import main

sys.exit(main())
