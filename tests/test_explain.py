"""Grad-CAM on tiny hand-set convnets where the right heat map is known."""

import numpy as np
import pytest

from zeronn.explain import grad_cam, last_conv_layer
from zeronn.layers import Affine, Conv2D, Flatten, MaxPool2D, ReLU
from zeronn.model import Sequential


def brightness_net(size=8, pool=False, dtype=np.float64):
    """Channel 0 fires on bright pixels, channel 1 on dark ones (1×1 convs).

    Class 1's score is the total brightness minus the total darkness; class 0 the reverse.
    So the only positive evidence for class 1 is where the image is bright.
    """
    conv = Conv2D(1, 2, 1, rng=0, dtype=dtype)
    conv.W.data[...] = np.array([1.0, -1.0]).reshape(2, 1, 1, 1)
    conv.b.data[...] = [0.0, 1.0]
    layers = [conv, ReLU()]
    side = size
    if pool:
        layers.append(MaxPool2D(2))
        side = size // 2
    affine = Affine(2 * side * side, 2, rng=0, dtype=dtype)
    brightness = np.concatenate([np.ones(side * side), -np.ones(side * side)])
    affine.W.data[:, 1] = brightness
    affine.W.data[:, 0] = -brightness
    affine.b.data[...] = 0
    return Sequential([*layers, Flatten(), affine])


def patch_images():
    """Image 0: bright 2×2 patch in the top-left corner; image 1: in the bottom-right."""
    x = np.zeros((2, 1, 8, 8))
    x[0, 0, :2, :2] = 1.0
    x[1, 0, -2:, -2:] = 1.0
    return x


def test_cam_peaks_on_the_bright_patch_for_each_image():
    x = patch_images()
    cam = grad_cam(brightness_net(), x, 1, layer=1)
    assert cam.shape == (2, 8, 8)
    assert cam.dtype == np.float64
    np.testing.assert_allclose(cam[0, :2, :2], 1.0)
    np.testing.assert_allclose(cam[1, -2:, -2:], 1.0)
    # Dark pixels are evidence against class 1: ReLU leaves nothing there.
    assert cam[0, 2:, :].max() == 0
    assert cam[1, :6, :].max() == 0


def test_cam_after_pooling_is_upsampled_and_still_peaks_in_the_corner():
    x = patch_images()
    model = brightness_net(pool=True)
    cam = grad_cam(model, x, np.array([1, 1]), layer=model[2])
    assert cam.shape == (2, 8, 8)
    assert np.unravel_index(cam[0].argmax(), (8, 8)) == (0, 0)
    assert np.unravel_index(cam[1].argmax(), (8, 8)) == (7, 7)
    assert cam.min() >= 0
    assert cam.max() == pytest.approx(1.0)
    assert cam[0, 4:, 4:].max() == 0


def test_cam_for_the_other_class_avoids_the_patch():
    cam = grad_cam(brightness_net(), patch_images(), 0, layer=1)
    assert cam[0, :2, :2].max() == 0
    assert cam[0, 4:, 4:].min() == pytest.approx(1.0)


def test_cam_matches_the_formula_on_a_random_net(rng):
    """Reference: with conv - ReLU - Flatten - Affine, dy_c/dA is Affine's column c."""
    conv = Conv2D(2, 3, 3, pad=1, rng=rng)
    affine = Affine(3 * 5 * 5, 4, rng=rng)
    model = Sequential([conv, ReLU(), Flatten(), affine])
    x = rng.standard_normal((3, 2, 5, 5))
    classes = np.array([0, 3, 2])
    cam = grad_cam(model, x, classes, layer=1)

    A = np.maximum(conv.forward(x), 0)
    for n in range(3):
        gradient = affine.W.data[:, classes[n]].reshape(3, 5, 5)
        alpha = gradient.mean(axis=(1, 2))
        expected = np.maximum(sum(alpha[k] * A[n, k] for k in range(3)), 0)
        if expected.max() > 0:
            expected /= expected.max()
        np.testing.assert_allclose(cam[n], expected, atol=1e-12)


def test_float32_in_float32_out_and_mode_restored():
    model = brightness_net(dtype=np.float32).train()
    cam = grad_cam(model, patch_images().astype(np.float32), 1, layer=-4)
    assert cam.dtype == np.float32
    np.testing.assert_allclose(cam[0, :2, :2], 1.0)
    assert model.training
    assert all(layer.training for layer in model)


def test_bad_layer_and_class_are_named():
    model, x = brightness_net(), patch_images()
    with pytest.raises(ValueError, match=r"output feature maps \(N, C, h, w\), got \(2, 128\)"):
        grad_cam(model, x, 1, layer=2)
    with pytest.raises(ValueError, match=r"layer index in \[0, 2\].*got 3"):
        grad_cam(model, x, 1, layer=3)
    with pytest.raises(ValueError, match="not in it"):
        grad_cam(model, x, 1, layer=ReLU())
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\), got 5"):
        grad_cam(model, x, 5, layer=1)
    with pytest.raises(ValueError, match=r"images \(N, C, H, W\)"):
        grad_cam(model, x[0], 1, layer=1)


def test_default_layer_is_the_activation_after_the_last_conv():
    model = brightness_net()
    assert last_conv_layer(model) == 1
    np.testing.assert_array_equal(
        grad_cam(model, patch_images(), 1), grad_cam(model, patch_images(), 1, layer=1)
    )
    with pytest.raises(ValueError, match="grad_cam expected a model with a Conv2D layer"):
        last_conv_layer(Sequential([Flatten(), Affine(4, 2, rng=0)]))


def test_color_images_give_one_map_per_image():
    # a 1x1 conv that sums the three channels: a bright color patch is the evidence
    conv = Conv2D(3, 2, 1, rng=0)
    conv.W.data[...] = np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]).reshape(2, 3, 1, 1)
    conv.b.data[...] = [0.0, 1.0]
    affine = Affine(2 * 64, 2, rng=0)
    affine.W.data[:, 1] = np.concatenate([np.ones(64), -np.ones(64)])
    affine.W.data[:, 0] = -affine.W.data[:, 1]
    affine.b.data[...] = 0
    model = Sequential([conv, ReLU(), Flatten(), affine])
    x = np.zeros((1, 3, 8, 8))
    x[0, 0, 5:, 5:] = 1.0  # a red patch bottom-right
    cam = grad_cam(model, x, 1)
    assert cam.shape == (1, 8, 8)
    assert cam[0, 6, 6] == 1.0
    assert cam[0, :4, :4].max() == 0.0


def test_grad_cam_leaves_each_layers_own_mode_and_state_as_found():
    from zeronn.layers import BatchNorm, Dropout
    from zeronn.state import Snapshot

    conv = Conv2D(1, 2, 1, rng=0)
    model = Sequential(
        [conv, BatchNorm(2), ReLU(), Flatten(), Dropout(0.5, rng=1), Affine(128, 2, rng=0)]
    )
    model[4].eval()  # a layer in a mode of its own
    before = Snapshot(model, parameters=False)
    grad_cam(model, patch_images(), 1, layer=2)
    assert before.changes() == []
