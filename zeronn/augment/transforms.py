"""Random geometric transforms: parameters are drawn and applied in two separate steps.

Each transform has ``sample_params(count, rng) -> array`` (the only random step),
``matrices(params, image_shape) -> (N, 3, 3)`` backward maps about the image centre, and
``apply(images, params, ...)``, so the same draw can warp images and their masks and a seeded
run is reproducible. Ranges follow Keras' ``ImageDataGenerator``: a value ``r`` draws
uniformly from ``[-r, r]``.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import NDArray

from zeronn._checks import boolean, non_negative_int
from zeronn.augment import geometry
from zeronn.augment._inputs import check_range
from zeronn.augment.pipeline import Pipeline


class _Transform:
    """Shared ``apply`` and ``__call__``: a one-transform pipeline."""

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray:
        raise NotImplementedError

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        raise NotImplementedError

    def apply(
        self,
        images: NDArray[np.floating],
        params: NDArray,
        *,
        order: int = 1,
        mode: str = "nearest",
        cval: float = 0.0,
        image_shape: tuple[int, int] | None = None,
    ) -> NDArray[np.floating]:
        """Warp ``images`` ((N, H, W), (N, C, H, W) or (N, H*W) with image_shape) by ``params``."""
        pipeline = Pipeline([self], order=order, mode=mode, cval=cval, image_shape=image_shape)
        return pipeline.apply(images, [params])


class RandomRotation(_Transform):
    """Counter-clockwise rotation by an angle drawn from [-rotation_range, rotation_range]°.

    params: (N,) angles in degrees.
    """

    def __init__(self, rotation_range: float) -> None:
        self.rotation_range = check_range(rotation_range, "rotation_range", "RandomRotation")

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Angles (count,) in degrees."""
        return rng.uniform(-self.rotation_range, self.rotation_range, size=count)

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward rotation maps about the centre, (N, 3, 3)."""
        return geometry.about_centre(geometry.rotation(params), image_shape)

    def __repr__(self) -> str:
        return f"RandomRotation({self.rotation_range})"


def _shift_range(value: object, name: str) -> int | float:
    """An int range stays an int (whole pixels), any other real becomes a float.

    NumPy scalars follow the Python number they hold: ``np.int64(2)`` is 2 pixels,
    ``np.float32(0.1)`` a tenth of the image.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return non_negative_int(value, name, "RandomShift")
    return check_range(value, name, "RandomShift")


def _draw_shift(value: float, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
    # Keras: an int r draws whole pixels from the open interval (-r, r); a float draws uniformly
    if value == 0:
        return np.zeros(count)
    if isinstance(value, int):
        return rng.integers(-value + 1, value, size=count, endpoint=False).astype(np.float64)
    return rng.uniform(-value, value, size=count)


class RandomShift(_Transform):
    """Translation drawn per axis; positive moves the picture down / right.

    Keras' convention for each range: a float below 1 is a fraction of the image size
    (0.1 of 28 pixels: up to ±2.8 px), a float of 1 or more is pixels, and an int ``r``
    draws whole pixels from -(r-1) to r-1. params: (N, 2) shifts (rows, cols) in the units
    of the range; they become pixels in ``matrices``, which knows the image size, so one
    draw fits images and masks alike.
    """

    def __init__(self, height_shift_range: float = 0.0, width_shift_range: float = 0.0) -> None:
        self.height_shift_range = _shift_range(height_shift_range, "height_shift_range")
        self.width_shift_range = _shift_range(width_shift_range, "width_shift_range")

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Shifts (count, 2), (rows, cols), in the units of each range."""
        rows = _draw_shift(self.height_shift_range, count, rng)
        cols = _draw_shift(self.width_shift_range, count, rng)
        return np.stack([rows, cols], axis=1)

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward translation maps, (N, 3, 3), the shifts converted to pixels."""
        scale = [
            size if isinstance(r, float) and r < 1 else 1.0
            for size, r in zip(
                image_shape, (self.height_shift_range, self.width_shift_range), strict=True
            )
        ]
        return geometry.translation(np.asarray(params) * scale)

    def __repr__(self) -> str:
        return f"RandomShift({self.height_shift_range}, {self.width_shift_range})"


class RandomZoom(_Transform):
    """Zoom by factors drawn from [1 - zoom_range, 1 + zoom_range] (or a (low, high) pair).

    Keras' convention: the factor scales the sampling grid, so a factor below 1 zooms in
    (the digit grows). Rows and columns draw independent factors, as in Keras, unless
    ``same_factor=True`` keeps the aspect ratio. params: (N, 2) factors (rows, cols).
    """

    def __init__(self, zoom_range: float | tuple[float, float], *, same_factor: bool = False):
        owner = "RandomZoom"
        if isinstance(zoom_range, tuple | list):
            if len(zoom_range) != 2:
                raise ValueError(
                    f"{owner} expected zoom_range as a number or a pair, got {zoom_range!r}"
                )
            low, high = (check_range(v, "zoom_range", owner) for v in zoom_range)
        else:
            spread = check_range(zoom_range, "zoom_range", owner)
            low, high = 1 - spread, 1 + spread
        if not 0 < low <= high:
            raise ValueError(f"{owner} expected factors 0 < low <= high, got ({low}, {high})")
        self.low, self.high = low, high
        self.same_factor = boolean(same_factor, "same_factor", owner)

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Zoom factors (count, 2), (rows, cols)."""
        factors = rng.uniform(self.low, self.high, size=(count, 2))
        if self.same_factor:
            factors[:, 1] = factors[:, 0]
        return factors

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward scaling maps about the centre, (N, 3, 3)."""
        return geometry.about_centre(geometry.scaling(params), image_shape)

    def __repr__(self) -> str:
        return f"RandomZoom(({self.low}, {self.high}), same_factor={self.same_factor})"


class RandomShear(_Transform):
    """Shear by an angle drawn from [-shear_range, shear_range] degrees (Keras' shear matrix).

    params: (N,) angles in degrees.
    """

    def __init__(self, shear_range: float) -> None:
        self.shear_range = check_range(shear_range, "shear_range", "RandomShear")

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Shear angles (count,) in degrees."""
        return rng.uniform(-self.shear_range, self.shear_range, size=count)

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward shear maps about the centre, (N, 3, 3)."""
        return geometry.about_centre(geometry.shear(params), image_shape)

    def __repr__(self) -> str:
        return f"RandomShear({self.shear_range})"


class RandomFlip(_Transform):
    """Mirror left-right (horizontal) and/or top-bottom (vertical), each with probability 1/2.

    A flip maps pixel centres onto pixel centres, so it is exact at every order.
    params: (N, 2) booleans (vertical, horizontal).
    """

    def __init__(self, horizontal: bool = True, vertical: bool = False) -> None:
        self.horizontal = boolean(horizontal, "horizontal", "RandomFlip")
        self.vertical = boolean(vertical, "vertical", "RandomFlip")

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.bool_]:
        """Flip decisions (count, 2), (vertical, horizontal)."""
        enabled = np.array([self.vertical, self.horizontal])
        return (rng.random(size=(count, 2)) < 0.5) & enabled

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward mirror maps about the centre, (N, 3, 3)."""
        signs = np.where(np.asarray(params, dtype=bool), -1.0, 1.0)
        return geometry.about_centre(geometry.scaling(signs), image_shape)

    def __repr__(self) -> str:
        return f"RandomFlip(horizontal={self.horizontal}, vertical={self.vertical})"


class RandomCropResize(_Transform):
    """Crop a random square-aspect box and resize it back to the full image.

    The box side is a fraction drawn from ``scale=(low, high)`` of each image side; its
    centre is placed uniformly where the box still fits. params: (N, 3) = (fraction,
    row position, col position), positions in [-1, 1] of the free room.
    """

    def __init__(self, scale: tuple[float, float] = (0.8, 1.0)) -> None:
        owner = "RandomCropResize"
        if not isinstance(scale, tuple | list) or len(scale) != 2:
            raise ValueError(f"{owner} expected scale=(low, high), got {scale!r}")
        low, high = (check_range(v, "scale", owner) for v in scale)
        if not 0 < low <= high <= 1:
            raise ValueError(f"{owner} expected 0 < low <= high <= 1 in scale, got {scale!r}")
        self.scale = (low, high)

    def sample_params(self, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """(count, 3): side fraction, then row and column position of the box in [-1, 1]."""
        fraction = rng.uniform(*self.scale, size=count)
        position = rng.uniform(-1.0, 1.0, size=(count, 2))
        return np.column_stack([fraction, position])

    def matrices(self, params: NDArray, image_shape: tuple[int, int]) -> NDArray[np.float64]:
        """Backward maps ``i = c + d + s (o - c)``: scale by the fraction, move to the box."""
        params = np.asarray(params, dtype=np.float64)
        fraction = params[:, :1]
        room = (1 - fraction) * (np.asarray(image_shape, dtype=np.float64) - 1) / 2
        scaled = geometry.about_centre(
            geometry.scaling(np.repeat(fraction, 2, axis=1)), image_shape
        )
        return geometry.compose(geometry.translation(-params[:, 1:] * room), scaled)

    def __repr__(self) -> str:
        return f"RandomCropResize(scale={self.scale})"
