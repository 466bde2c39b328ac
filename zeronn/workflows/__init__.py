"""End-to-end jobs the commands run, callable from a script with the same frozen config.

- :mod:`zeronn.workflows.train`: train a model on MNIST or Fashion-MNIST, keep the best
  validation epoch, evaluate it on the test set and write the outputs (``zeronn train``);
  :mod:`zeronn.workflows.train_folder`: its data from an image folder, streamed (``--data``).
"""
