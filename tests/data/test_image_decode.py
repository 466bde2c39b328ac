"""Decoding one file: formats, Pillow modes, transparency, 16 bits, odd sizes, resizing."""

import numpy as np
import pytest
from PIL import Image

from zeronn.data.image_decode import TRANSPARENT_BACKGROUND, decode_image

RNG = np.random.default_rng(7)
PICTURE = RNG.integers(0, 256, size=(20, 30, 3), dtype=np.uint8)


def save(image, path, **options):
    image.save(path, **options)
    return path


def stored_mode(path):
    with Image.open(path) as image:
        return image.mode


def expected_rgb(picture, size):
    """What decoding should give: Pillow's bilinear resize of the RGB picture, scaled to 1."""
    resized = Image.fromarray(picture).resize(size[::-1], Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float32).transpose(2, 0, 1) / 255


@pytest.mark.parametrize("suffix", ["png", "bmp"])
def test_lossless_rgb_is_pillows_resize_scaled_to_unit_range(tmp_path, suffix):
    path = save(Image.fromarray(PICTURE), tmp_path / f"a.{suffix}")
    image = decode_image(path, (8, 12), "rgb")
    assert image.shape == (3, 8, 12)
    assert image.dtype == np.float32
    np.testing.assert_allclose(image, expected_rgb(PICTURE, (8, 12)), atol=1e-6)


def test_same_size_is_not_resampled(tmp_path):
    path = save(Image.fromarray(PICTURE), tmp_path / "a.png")
    np.testing.assert_array_equal(
        decode_image(path, (20, 30), "rgb"), PICTURE.transpose(2, 0, 1) / np.float32(255)
    )


def test_gray_to_rgb_repeats_the_channel_and_rgb_to_gray_uses_luma(tmp_path):
    gray = save(Image.fromarray(PICTURE[..., 0]), tmp_path / "gray.png")
    image = decode_image(gray, (20, 30), "rgb")
    np.testing.assert_array_equal(image[0], image[1])
    np.testing.assert_array_equal(image[0], image[2])
    np.testing.assert_array_equal(image[0], PICTURE[..., 0] / np.float32(255))

    color = save(Image.fromarray(PICTURE), tmp_path / "color.png")
    luma = PICTURE @ np.array([0.299, 0.587, 0.114]) / 255
    result = decode_image(color, (20, 30), "grayscale")
    assert result.shape == (1, 20, 30)
    np.testing.assert_allclose(result[0], luma, atol=1 / 255 + 1e-6)


def test_transparency_is_composited_on_white(tmp_path):
    assert TRANSPARENT_BACKGROUND == (255, 255, 255)
    rgba = np.zeros((4, 4, 4), dtype=np.uint8)
    rgba[..., 0] = 200  # red channel 200, green and blue 0
    rgba[:2, :, 3] = 255  # top half opaque, bottom half fully transparent
    rgba[2:, :2, 3] = 128  # bottom-left half transparent
    path = save(Image.fromarray(rgba), tmp_path / "rgba.png")
    image = decode_image(path, (4, 4), "rgb")
    np.testing.assert_allclose(image[:, 0, 0], [200 / 255, 0, 0], atol=1e-6)
    np.testing.assert_allclose(image[:, 3, 3], [1, 1, 1], atol=1e-6)  # transparent: white
    half = 128 / 255
    np.testing.assert_allclose(
        image[:, 3, 0], [half * 200 / 255 + (1 - half), 1 - half, 1 - half], atol=2 / 255
    )


def test_la_and_palette_transparency_show_white(tmp_path):
    la = np.stack([np.full((3, 3), 40, np.uint8), np.zeros((3, 3), np.uint8)], axis=-1)
    la[0, 0, 1] = 255
    la_path = save(Image.fromarray(la), tmp_path / "la.png")
    image = decode_image(la_path, (3, 3), "grayscale")
    assert image[0, 0, 0] == pytest.approx(40 / 255)
    assert image[0, 2, 2] == pytest.approx(1.0)

    palette = Image.fromarray(np.array([[0, 1], [1, 1]], dtype=np.uint8), mode="P")
    palette.putpalette([10, 20, 30, 250, 0, 0] + [0] * 762)
    p_path = save(palette, tmp_path / "p.png", transparency=0)
    image = decode_image(p_path, (2, 2), "rgb")
    np.testing.assert_allclose(image[:, 0, 0], [1, 1, 1])  # index 0 is transparent
    np.testing.assert_allclose(image[:, 1, 1], [250 / 255, 0, 0])


def test_palette_without_transparency_gif_first_frame(tmp_path):
    frames = [Image.fromarray(np.full((6, 6, 3), value, np.uint8)) for value in (30, 220)]
    path = tmp_path / "two.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with Image.open(path) as gif:
        assert gif.n_frames == 2
    image = decode_image(path, (6, 6), "rgb")
    np.testing.assert_allclose(image, 30 / 255, atol=1e-6)


def test_cmyk_jpeg_converts_to_rgb(tmp_path):
    red = np.zeros((16, 16, 3), np.uint8)
    red[..., 0] = 230
    path = save(Image.fromarray(red).convert("CMYK"), tmp_path / "cmyk.jpg", quality=95)
    assert stored_mode(path) == "CMYK"
    image = decode_image(path, (16, 16), "rgb")
    np.testing.assert_allclose(image.mean(axis=(1, 2)), [230 / 255, 0, 0], atol=0.03)


def test_sixteen_bit_png_is_scaled_not_clipped(tmp_path):
    ramp = np.linspace(0, 65535, 64).astype(np.uint16).reshape(8, 8)
    path = save(Image.fromarray(ramp), tmp_path / "deep.png")
    assert stored_mode(path).startswith("I")
    gray = decode_image(path, (8, 8), "grayscale")
    np.testing.assert_allclose(gray[0], ramp / 65535, atol=1e-6)
    rgb = decode_image(path, (4, 4), "rgb")
    assert rgb.shape == (3, 4, 4)
    assert rgb.min() >= 0
    assert rgb.max() <= 1
    assert rgb.max() > 0.8  # a clip at 255/65535 would leave everything near 0


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 500, 3), (300, 2, 3)])
def test_odd_sizes_resize_to_the_requested_size(tmp_path, shape):
    picture = np.full(shape, 100, np.uint8)
    path = save(Image.fromarray(picture), tmp_path / "odd.png")
    image = decode_image(path, (16, 16), "rgb")
    assert image.shape == (3, 16, 16)
    np.testing.assert_allclose(image, 100 / 255, atol=1e-6)


def test_downscaling_is_antialiased(tmp_path):
    # a one-pixel checkerboard shrunk 8x: an antialiased resize averages it to gray,
    # sampling every 8th pixel would give all black or all white
    board = ((np.indices((128, 128)).sum(axis=0) % 2) * 255).astype(np.uint8)
    path = save(Image.fromarray(board), tmp_path / "board.png")
    image = decode_image(path, (16, 16), "grayscale")
    np.testing.assert_allclose(image, 0.5, atol=0.03)


def test_jpeg_draft_decoding_stays_close_to_full_decoding(tmp_path):
    smooth = np.zeros((256, 256, 3), np.uint8)
    smooth[..., 0] = np.linspace(0, 255, 256)[None, :]
    smooth[..., 1] = np.linspace(0, 255, 256)[:, None]
    path = save(Image.fromarray(smooth), tmp_path / "big.jpg", quality=95)
    image = decode_image(path, (32, 32), "rgb")  # drafted at 1/8 scale
    np.testing.assert_allclose(image, expected_rgb(smooth, (32, 32)), atol=0.03)


def test_unreadable_files_raise_pillows_errors(tmp_path):
    text = tmp_path / "a.png"
    text.write_text("not an image")
    with pytest.raises(OSError, match="cannot identify image file"):
        decode_image(text, (4, 4), "rgb")
    tiff = save(Image.fromarray(PICTURE), tmp_path / "a.tif")
    # a format outside PNG, JPEG, BMP and GIF is refused
    with pytest.raises(OSError, match="cannot identify image file"):
        decode_image(tiff, (4, 4), "rgb")


def test_arguments_are_checked(tmp_path):
    path = save(Image.fromarray(PICTURE), tmp_path / "a.png")
    assert decode_image(path, 5, "grayscale").shape == (1, 5, 5)
    with pytest.raises(ValueError, match="decode_image expected color to be one of"):
        decode_image(path, 5, "bgr")
    with pytest.raises(ValueError, match="decode_image expected image_size to be a positive"):
        decode_image(path, (0, 5))
