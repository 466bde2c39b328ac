"""Example: where does a convnet look? Grad-CAM maps of a trained or saved model.

Grad-CAM weighs the feature maps of one layer by how much the chosen class score grows with
each map (the gradient, averaged over the map), keeps the positive part and upsamples it
onto the image. This script trains a SimpleConvNet (or loads saved weights with --load) and
draws the maps of its last convolution for the first 8 test digits and the first 8 it gets
wrong, each for the class it predicted.

    python examples/gradcam.py --out gradcam.png
    python examples/gradcam.py --model deep-convnet --load runs/mnist-deep/model.npz \
        --out docs/figures/training_mnist_deep_gradcam.png

The lesson that explains it: ``examples/lessons/09_gradcam.py``.
"""

import argparse

import numpy as np

import zeronn
from zeronn.explain import grad_cam
from zeronn.plots import gradcam_overlay

FACTORIES = {"simple-convnet": zeronn.simple_convnet, "deep-convnet": zeronn.deep_convnet}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=tuple(FACTORIES), default="simple-convnet")
    parser.add_argument("--load", default=None, help="saved weights (.npz); else train first")
    parser.add_argument("--subset", type=int, default=6000, help="training digits when training")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--out", default="gradcam.png", help="the figure to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    zeronn.manual_seed(args.seed)
    (x_train, t_train), (x_test, t_test) = zeronn.load_mnist(flatten=False)
    model = FACTORIES[args.model]((1, 28, 28), dtype="float32")
    if args.load is not None:
        zeronn.load(model, args.load)
    else:
        trainer = zeronn.Trainer(model, zeronn.Adam(model.parameters()), verbose=0)
        trainer.fit(x_train[: args.subset], t_train[: args.subset], args.epochs)

    predicted = model.predict(x_test).argmax(axis=1)
    print(f"test accuracy {np.mean(predicted == t_test):.4f}")
    wrong = np.flatnonzero(predicted != t_test)[:8]
    chosen = np.concatenate([np.arange(8), wrong])
    layer = last_convolution_activation(model)
    cams = grad_cam(model, x_test[chosen], predicted[chosen], layer=layer)
    titles = [f"{p} (true {t})" for p, t in zip(predicted[chosen], t_test[chosen], strict=True)]
    gradcam_overlay(x_test[chosen], cams, titles=titles, path=args.out)
    print(f"Grad-CAM of layer {layer} ({model[layer]!r}) for {len(chosen)} digits in {args.out}")


def last_convolution_activation(model: zeronn.Sequential) -> int:
    """The index of the ReLU after the last convolution: the deepest maps that are images."""
    return 1 + max(i for i, layer in enumerate(model) if isinstance(layer, zeronn.Conv2D))


if __name__ == "__main__":
    main()
