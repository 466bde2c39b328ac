"""Image grids, filters and Grad-CAM overlays: layout, titles, accepted layouts, errors."""

import numpy as np
import pytest

from zeronn.plots.images import gradcam_overlay, image_grid, plot_filters

PNG_MAGIC = b"\x89PNG"


def test_image_grid_layout_titles_and_row_labels(tmp_path, rng):
    originals = rng.random((2, 1, 6, 6))
    augmented = rng.random((6, 1, 6, 6))
    images = np.concatenate([originals[:1], augmented[:3], originals[1:], augmented[3:]])
    figure = image_grid(
        images, ncols=4, row_labels=["original 1", "original 2"], path=tmp_path / "grid.png"
    )
    axes = figure.axes
    assert len(axes) == 8
    assert axes[0].get_ylabel() == "original 1"
    assert axes[4].get_ylabel() == "original 2"
    np.testing.assert_array_equal(axes[1].images[0].get_array(), augmented[0, 0])
    assert (tmp_path / "grid.png").read_bytes()[:4] == PNG_MAGIC


def test_image_grid_accepts_flat_and_color_images(rng):
    flat = image_grid(rng.random((3, 12)), image_shape=(3, 4), titles=["a", "b", "c"], ncols=2)
    assert flat.axes[0].images[0].get_array().shape == (3, 4)
    assert [a.get_title() for a in flat.axes[:3]] == ["a", "b", "c"]
    assert not flat.axes[3].axison  # the unused fourth cell is blank
    color = image_grid(rng.random((2, 3, 5, 5)))
    assert color.axes[0].images[0].get_array().shape == (5, 5, 3)
    with pytest.raises(ValueError, match=r"not square; pass image_shape"):
        image_grid(rng.random((2, 12)))
    with pytest.raises(ValueError, match="expected 2 row_labels, got 1"):
        image_grid(rng.random((4, 5, 5)), ncols=2, row_labels=["x"])


def test_plot_filters_one_panel_per_filter(rng):
    figure = plot_filters(rng.standard_normal((5, 1, 3, 3)), ncols=5)
    assert len(figure.axes) == 5
    with pytest.raises(ValueError, match=r"\(F, 1 or 3, kh, kw\), got \(5, 2, 3, 3\)"):
        plot_filters(rng.standard_normal((5, 2, 3, 3)))


def test_gradcam_overlay_layers_the_map_over_the_image(rng, tmp_path):
    images = rng.random((2, 1, 6, 6))
    cams = rng.random((2, 6, 6))
    figure = gradcam_overlay(images, cams, titles=["a", "b"], path=tmp_path / "cam.png")
    first = figure.axes[0]
    assert len(first.images) == 2
    np.testing.assert_array_equal(first.images[1].get_array(), cams[0])
    assert first.images[1].get_alpha() == 0.5
    with pytest.raises(ValueError, match=r"cams \(2, 6, 6\) matching the images, got \(2, 5, 5\)"):
        gradcam_overlay(images, cams[:, :5, :5])


def test_grids_refuse_zero_images():
    with pytest.raises(ValueError, match="image_grid expected at least one image, got 0"):
        image_grid(np.zeros((0, 4, 4)))
    with pytest.raises(ValueError, match="gradcam_overlay expected at least one image, got 0"):
        gradcam_overlay(np.zeros((0, 4, 4)), np.zeros((0, 4, 4)))


def test_color_images_outside_the_unit_range_are_rescaled_per_image(rng):
    inside = rng.random((1, 3, 4, 4))
    standardized = rng.standard_normal((1, 3, 4, 4)) * 3
    figure = image_grid(np.concatenate([inside, standardized]))
    np.testing.assert_array_equal(
        figure.axes[0].images[0].get_array(), inside[0].transpose(1, 2, 0)
    )
    shown = np.asarray(figure.axes[1].images[0].get_array())
    assert shown.min() == 0.0
    assert shown.max() == 1.0
    expected = (standardized[0] - standardized.min()) / np.ptp(standardized)
    np.testing.assert_allclose(shown, expected.transpose(1, 2, 0))


def test_gradcam_overlay_in_color_with_title_colors(rng):
    images = rng.random((2, 3, 6, 6))
    figure = gradcam_overlay(
        images, rng.random((2, 6, 6)), titles=["cat", "dog"], title_colors=["tab:red", "tab:blue"]
    )
    assert figure.axes[0].images[0].get_array().shape == (6, 6, 3)
    assert figure.axes[1].title.get_text() == "dog"
    assert figure.axes[1].title.get_color() == "tab:blue"
    with pytest.raises(ValueError, match="expected 2 title_colors, got 1"):
        gradcam_overlay(images, rng.random((2, 6, 6)), title_colors=["red"])
