"""``zeronn fewshot``: does rotating ten MNIST digits help a network trained on them?

Reproduces a published blog experiment — a 784-200-200-10 ReLU network, weights
0.01 · N(0, 1), plain SGD at lr 0.001 for 4000 full-batch steps, on 10 training images
with and without their ±15° rotated copies — and then measures what the blog did not: test
accuracy on all 10,000 test images, over repeated draws, sizes, sampling schemes and
initializations. ``--literal`` replays the blog's code instead of its text (see ``draws``).

Modules: ``config`` (options), ``draws`` (which images), ``network`` (the blog's MLP),
``training`` (the SGD loop), ``experiment`` (one paired comparison), ``study`` (repeats, sweep,
init study), ``report`` (tables), ``figures``, ``run`` (the whole run, end to end:
:func:`run.run_fewshot`). The command line is :mod:`zeronn.commands.fewshot`; paired statistics
are :mod:`zeronn.stats`; each run computes on one thread (:mod:`zeronn.parallel`).
"""
