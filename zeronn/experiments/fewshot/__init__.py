"""``zeronn fewshot``: does rotating ten MNIST digits help a network trained on them?

Reproduces a published blog experiment — a 784-200-200-10 ReLU network, weights
0.01 · N(0, 1), plain SGD at lr 0.001 for 4000 full-batch steps, on 10 training images
with and without their ±15° rotated copies — and then measures what the blog did not: test
accuracy on all 10,000 test images, over repeated draws, sizes, sampling schemes and
initializations. ``--literal`` replays the blog's code instead of its text (see ``draws``).

Modules: ``config`` (options), ``draws`` (which images), ``network`` (the blog's MLP),
``training`` (the SGD loop), ``experiment`` (one paired comparison), ``study`` (repeats, sweep,
init study), ``stats`` (mean ± std, paired CI), ``report`` (tables), ``figures``, ``options``
(the command line), ``blas_threads`` (one OpenBLAS thread for tiny products), ``command`` (the
run, end to end). Only ``options`` and ``config`` load with the CLI; the rest
is imported when the command runs.
"""

from __future__ import annotations

import argparse

from .config import FewshotConfig
from .options import add_arguments, config_from_args

__all__ = ["FewshotConfig", "add_arguments", "run"]


def run(args: argparse.Namespace) -> int:
    """Entry point of ``zeronn fewshot``: validate the options, run, return the exit code."""
    config = config_from_args(args)
    from .command import run_fewshot  # the experiment's imports, only when it runs

    run_fewshot(config)
    return 0
