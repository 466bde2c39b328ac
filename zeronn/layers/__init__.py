"""Layers with hand-written forward and backward passes."""

from zeronn.layers.activations import ReLU, Sigmoid, Tanh
from zeronn.layers.affine import Affine
from zeronn.layers.attention import MultiHeadAttention
from zeronn.layers.base import Layer
from zeronn.layers.batchnorm import BatchNorm
from zeronn.layers.conv import Conv2D
from zeronn.layers.dropout import Dropout
from zeronn.layers.embedding import Embedding
from zeronn.layers.flatten import Flatten
from zeronn.layers.gru import GRU
from zeronn.layers.linear import Linear
from zeronn.layers.lstm import LSTM
from zeronn.layers.norm import LayerNorm
from zeronn.layers.pool import MaxPool2D
from zeronn.layers.position import PositionEmbedding, SinusoidalPositionEncoding
from zeronn.layers.recurrent import Recurrent
from zeronn.layers.residual import Residual
from zeronn.layers.rnn import RNN
from zeronn.layers.simple import SimpleConv2D, SimpleMaxPool2D
from zeronn.layers.tied import TiedAffine

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Affine",
    "BatchNorm",
    "Conv2D",
    "Dropout",
    "Embedding",
    "Flatten",
    "Layer",
    "LayerNorm",
    "Linear",
    "MaxPool2D",
    "MultiHeadAttention",
    "PositionEmbedding",
    "ReLU",
    "Recurrent",
    "Residual",
    "Sigmoid",
    "SimpleConv2D",
    "SimpleMaxPool2D",
    "SinusoidalPositionEncoding",
    "Tanh",
    "TiedAffine",
]
