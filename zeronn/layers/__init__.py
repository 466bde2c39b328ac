"""Layers with hand-written forward and backward passes."""

from zeronn.layers.activations import ReLU, Sigmoid, Tanh
from zeronn.layers.affine import Affine
from zeronn.layers.base import Layer
from zeronn.layers.batchnorm import BatchNorm
from zeronn.layers.conv import Conv2D
from zeronn.layers.dropout import Dropout
from zeronn.layers.flatten import Flatten
from zeronn.layers.gru import GRU
from zeronn.layers.lstm import LSTM
from zeronn.layers.pool import MaxPool2D
from zeronn.layers.recurrent import Recurrent
from zeronn.layers.rnn import RNN

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Affine",
    "BatchNorm",
    "Conv2D",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "Recurrent",
    "Sigmoid",
    "Tanh",
]
