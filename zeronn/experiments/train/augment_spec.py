"""``--augment`` of ``zeronn train``: a short text naming ImageDataGenerator's knobs.

``"rotation=10,shift=0.1,zoom=0.1,hflip"`` gives ``ImageDataGenerator(rotation_range=10.0,
width_shift_range=0.1, height_shift_range=0.1, zoom_range=0.1, horizontal_flip=True)``. A spec
is checked whole when the config is built: its words here, its values by the generator itself
(the same checks, the same messages as in Python), before any data is read.
"""

from __future__ import annotations

from typing import Any

# --augment key -> ImageDataGenerator keyword(s); a key ending in "flip" is a bare flag.
AUGMENT_KEYS = {
    "rotation": ("rotation_range",),
    "shift": ("width_shift_range", "height_shift_range"),
    "width-shift": ("width_shift_range",),
    "height-shift": ("height_shift_range",),
    "zoom": ("zoom_range",),
    "shear": ("shear_range",),
    "hflip": ("horizontal_flip",),
    "vflip": ("vertical_flip",),
}


def parse_augment(spec: str) -> dict[str, Any]:
    """``"rotation=10,shift=0.1,zoom=0.1,hflip"`` -> ImageDataGenerator keyword arguments.

    >>> parse_augment("rotation=10,hflip")
    {'rotation_range': 10.0, 'horizontal_flip': True}
    """
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, has_value, text = item.partition("=")
        if key not in AUGMENT_KEYS:
            raise ValueError(
                f"--augment got an unknown setting {key!r} in {spec!r}; "
                f"known: {', '.join(AUGMENT_KEYS)}"
            )
        flag = key.endswith("flip")
        if flag == bool(has_value):
            form = key if flag else f"{key}=NUMBER"
            raise ValueError(f"--augment expected {form!r} in {spec!r}, got {item!r}")
        value: Any = True
        if not flag:
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"--augment expected a number for {key!r}, got {text!r}") from None
        for name in AUGMENT_KEYS[key]:
            options[name] = value
    if not options:
        raise ValueError(f"--augment got no settings in {spec!r}, e.g. 'rotation=10,hflip'")
    return options


def check_augment(spec: str) -> dict[str, Any]:
    """The keyword arguments of ``spec``, after ImageDataGenerator has accepted their values
    (``rotation=-5`` is refused here, not after the data is loaded)."""
    from zeronn.augment import ImageDataGenerator  # scipy: only when a spec is given

    options = parse_augment(spec)
    try:
        ImageDataGenerator(**options)
    except (TypeError, ValueError) as error:
        raise type(error)(f"--augment {spec!r}: {error}") from None
    return options
