"""Layer: the contract every layer keeps.

``forward(x)`` computes the output and caches what ``backward`` needs on ``self``;
``backward(dout)`` overwrites the ``grad`` of each of the layer's parameters and returns
``dx``, the gradient of the loss with respect to ``x``. ``train()`` / ``eval()`` switch the
mode that Dropout and BatchNorm read.

A layer's state is what it lists: its ``Parameter``s (``param_names``), its saved
non-trainable arrays (``buffer_names``), what one forward carries into the next without
saving it (``state_names``, e.g. a stateful RNN's ``state``), its mode, and any
``numpy.random.Generator`` it holds. :class:`zeronn.state.Snapshot` saves and restores exactly
that, which is how a refused call, ``predict`` and ``check_gradients`` leave a layer as they
found it. A Parameter held but not listed would never be trained, saved or checked: building a
model with one is refused.

A layer used twice: one layer object is one place in a model. Its cache holds only its last
forward, and its ``backward`` overwrites ``grad`` rather than adding to it, so a ``ReLU()``
object at positions 1 and 3 would backpropagate position 3's cache through both places, and a
shared ``Affine`` would keep only one place's gradient: the gradients would be wrong with no
error. ``Sequential``, ``Residual`` and ``check_gradients`` refuse it, naming both positions;
create one object per place (``ReLU()`` twice).

A weight used twice (tied weights) is supported: two layer objects hold the same
``Parameter``, each with its own cache. :class:`zeronn.layers.TiedAffine` decodes with an
encoder's weight transposed (a tied autoencoder); ``second.W = first.W`` ties two layers of one
shape. Each ``backward`` still overwrites ``grad``, with its own use's gradient, and the
container running both layers (``Sequential``, ``Residual``) adds the uses up, as the chain
rule does for a variable used twice: ``dW = Σ over the uses of dW|use``, summed in place into
the one ``grad`` (:mod:`zeronn.layers.chain`). ``named_parameters`` lists the Parameter once,
under its first name, so an optimizer steps it once, ``zeronn.save`` writes it once and
``check_gradients`` perturbs the one array every use reads. A container of your own that runs
tied layers adds their gradients up the same way (:func:`zeronn.layers.chain.backward_chain`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import boolean
from zeronn.parameter import Parameter
from zeronn.tree import attribute_children


class Layer:
    """Base class: parameter bookkeeping, train/eval mode, and the backward-before-forward guard.

    Subclasses list their parameter attribute names in ``param_names`` (a fixed order), their
    non-trainable saved state (e.g. BatchNorm's running statistics) in ``buffer_names``, and
    the unsaved state one forward leaves for the next in ``state_names`` (a stateful RNN's
    ``state``). A layer whose input is integer ids rather than numbers to compute with
    (Embedding) sets ``takes_ids = True``: a Sequential it starts then passes integer input
    through uncast. A layer holding other layers finds them in its attributes
    (:meth:`named_children`); it lists their parameters in its own ``named_parameters``.
    """

    param_names: tuple[str, ...] = ()
    buffer_names: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ()
    takes_ids: bool = False

    training: bool = True

    def forward(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        raise NotImplementedError

    def backward(self, dout: NDArray[np.floating]) -> NDArray[np.floating]:
        raise NotImplementedError

    def backward_params(self, dout: NDArray[np.floating]) -> None:
        """Write the parameters' ``grad`` only, without computing ``dx``.

        For the first layer of a network, whose input gradient nobody reads: layers with
        weights override it to skip that matrix product. The default runs ``backward``.
        """
        self.backward(dout)

    def __call__(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        return self.forward(x)

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """``(name, Parameter)`` pairs in the fixed order of ``param_names``."""
        return [(name, getattr(self, name)) for name in self.param_names]

    def parameters(self) -> list[Parameter]:
        return [param for _, param in self.named_parameters()]

    def named_buffers(self) -> list[tuple[str, NDArray]]:
        """Saved, non-trainable arrays (updated in place, so they may be loaded into)."""
        return [(name, getattr(self, name)) for name in self.buffer_names]

    def named_children(self) -> list[tuple[str, object]]:
        """The layers this one holds, ``(name, layer)``: none for most layers.

        By default the layers found in its attributes (``self.body``, ``self.blocks[0]``);
        containers with an order of their own (Residual) override it.
        """
        return attribute_children(self)

    def train(self, mode: bool = True) -> Layer:
        """Training mode (``mode=True``) or eval mode (False); returns the layer."""
        self.training = boolean(mode, "mode", f"{type(self).__name__}.train")
        return self

    def eval(self) -> Layer:
        return self.train(False)

    def _cached(self, value: object) -> object:
        """Return a forward-cache value, or raise if ``forward`` has not run yet."""
        if value is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return value

    def _check_dout(
        self, dout: object, expected_shape: tuple[int, ...], dtype: np.dtype | None = None
    ) -> NDArray[np.floating]:
        """Check that the upstream gradient has the shape (and dtype) of the last output."""
        if not isinstance(dout, np.ndarray):
            raise TypeError(
                f"{type(self).__name__}.backward expected dout as a numpy array, "
                f"got {type(dout).__name__}"
            )
        if dout.shape != expected_shape:
            raise ValueError(
                f"{type(self).__name__}.backward expected dout of shape {expected_shape} "
                f"(the last output's), got {dout.shape}"
            )
        # A float64 dout reaching a float32 layer would silently upcast every grad below it.
        if dtype is not None and dout.dtype != dtype:
            raise TypeError(
                f"{type(self).__name__}.backward expected dout of dtype {dtype} "
                f"(the last output's), got {dout.dtype}"
            )
        return dout
