"""One package per job a command runs, each the same shape: ``config.py`` (its options as one
frozen, validated dataclass), ``run.py`` (the whole run, end to end, taking that config), and
the modules in between::

    train/         zeronn train          a network trained and evaluated, the best epoch kept
    fewshot/       zeronn fewshot        few-sample MNIST with and without rotated copies
    flip_balance/  zeronn flip-balance   flipped copies of one class or of both
    charlm/        zeronn charlm         a character-level language model

Shared by the jobs: :mod:`.options` (the options every config is built on: out, threads, the
dataset files, an image folder, and their checks) and :mod:`.networks` (the networks the
commands name). A script calls a job with its config, as the command does
(:mod:`zeronn.commands`).
"""
