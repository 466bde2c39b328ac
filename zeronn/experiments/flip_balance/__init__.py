"""Flip augmentation and class balance: the cats-and-dogs lesson on Fashion-MNIST.

``zeronn experiment flip-balance`` trains the same network on five versions of one binary
training set (see :mod:`.conditions`), with several seeds, and reports per-class recall,
precision, the shift in predicted class shares, training-set memory and time.
"""

from zeronn.experiments.flip_balance.run import add_arguments, run

__all__ = ["add_arguments", "run"]
