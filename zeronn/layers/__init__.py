"""Layers with hand-written forward and backward passes."""

from zeronn.layers.activations import ReLU, Sigmoid, Tanh
from zeronn.layers.affine import Affine
from zeronn.layers.base import Layer
from zeronn.layers.batchnorm import BatchNorm
from zeronn.layers.conv import Conv2D
from zeronn.layers.dropout import Dropout
from zeronn.layers.flatten import Flatten
from zeronn.layers.pool import MaxPool2D
from zeronn.layers.simple import SimpleConv2D, SimpleMaxPool2D

__all__ = [
    "Affine",
    "BatchNorm",
    "Conv2D",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "Sigmoid",
    "SimpleConv2D",
    "SimpleMaxPool2D",
    "Tanh",
]
