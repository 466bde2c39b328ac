"""Flip augmentation and class balance: the cats-and-dogs lesson on Fashion-MNIST.

``zeronn flip-balance`` (:mod:`zeronn.commands.flip_balance`) trains the same network on five
versions of one binary training set (see :mod:`.conditions`), with several seeds, and reports
per-class recall, precision, the shift in predicted class shares, training-set memory and
time. The whole run is :func:`.run.run_flip_balance`, taking a :class:`.config.FlipBalanceConfig`.
"""
