"""``zeronn train``: train a network on MNIST, Fashion-MNIST or a folder of your images, keep the
best validation epoch, evaluate it on the test set, write the outputs.

Modules: ``config`` (the options, :class:`.config.TrainConfig`), ``augment_spec`` (the
``--augment`` text), ``folder`` (an image folder's parts, streamed), ``run`` (the whole run,
end to end: :func:`.run.train_and_evaluate`). The networks it builds are
:mod:`zeronn.experiments.networks`; the command line is :mod:`zeronn.commands.train`.
"""
