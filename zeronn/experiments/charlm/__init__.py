"""A character-level language model on Python's own help text: an LSTM or a small transformer.

``zeronn charlm`` (:mod:`zeronn.commands.charlm`) reads the help topics that ship with Python
(:func:`zeronn.data.load_python_help`), holds out the last tenth, trains the model chosen
(:mod:`.models`) with Adam and gradient clipping (:mod:`.training`), reports bits per
character on the held-out text against unigram and bigram baselines counted on the same split,
and samples text from the model at a temperature. The whole run is :func:`.run.run_charlm`,
taking a :class:`.config.CharLMConfig`.
"""
