"""One module per ``zeronn`` command: argparse in, a frozen validated config out, one library call.

Each module defines ``add_arguments(parser)`` and ``run(args) -> int``; ``zeronn.cli`` imports
a command's module only when that command runs. The work itself lives in the library
(``zeronn.workflows``, ``zeronn.experiments``), which a script can call with the same config.
"""
