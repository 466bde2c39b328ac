"""One module per ``zeronn`` command: argparse in, a frozen validated config out, one library call.

Each command module defines, and :mod:`zeronn.cli` calls, in this order:

- ``add_arguments(parser)``: the command's flags (the shared ones from :mod:`._options`);
- ``config_from_args(args) -> Config``: the job's frozen config built from the parsed flags,
  every value checked and its paths checked (``config.check_paths()``) before anything is
  read or written; a ``ValueError``/``TypeError``/``OSError`` here is the user's to fix;
- ``run(config) -> int``: the job itself (its heavy imports happen here, not at ``--help``),
  the exit code; the work lives in the library, ``zeronn.experiments.<job>.run``, which a
  script calls with the same config;
- optionally ``DESCRIPTION``, the text of ``zeronn <command> --help``.

``zeronn.cli`` imports a command's module only when that command runs.
"""
