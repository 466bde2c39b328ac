"""``python -m zeronn <command>``: the same as the ``zeronn`` console script."""

import sys

from zeronn.cli import main

sys.exit(main())
