"""``--augment`` of ``zeronn train``: a short text naming ImageDataGenerator's knobs, with units.

``"rotation=10deg,shift=0.1,zoom=10%,hflip"`` gives ``ImageDataGenerator(rotation_range=10.0,
width_shift_range=0.1, height_shift_range=0.1, zoom_range=0.1, horizontal_flip=True)``. Every
value says its unit, so none can be misread::

    rotation=10deg  shear=5deg      an angle in degrees ("10°" too): drawn in [-10°, +10°]
    shift=0.1  shift=10%            a share of the image's side (below 1, or a percentage)
    shift=3px                       pixels (at least 1): drawn in [-3, +3] pixels
    zoom=0.1  zoom=10%              factors drawn in [1 − 0.1, 1 + 0.1]
    hflip  vflip                    flip half the images

A number without its unit is refused where it could mean two things: ``rotation=10`` (degrees
or radians?), ``shift=3`` (pixels, or three times the side?). ``width-shift`` and
``height-shift`` set one axis. A spec is checked whole when the config is built, before any
data is read: its words and values here, then by the generator itself.
"""

from __future__ import annotations

import math
import re
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
# the keys that take an angle, and the largest one that means something
ANGLES = {"rotation": 180.0, "shear": 89.0}
SHIFTS = ("shift", "width-shift", "height-shift")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_AND_UNIT = re.compile(rf"^\s*({_NUMBER})\s*(deg|°|px|%)?\s*$")
EXAMPLE = "rotation=10deg,shift=0.1,zoom=10%,hflip"


def parse_augment(spec: str) -> dict[str, Any]:
    """``"rotation=10deg,shift=0.1,zoom=10%,hflip"`` -> ImageDataGenerator keyword arguments.

    >>> parse_augment("rotation=10deg,zoom=10%,hflip")
    {'rotation_range': 10.0, 'zoom_range': 0.1, 'horizontal_flip': True}
    """
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, has_value, text = item.partition("=")
        key = key.strip()
        if key not in AUGMENT_KEYS:
            raise ValueError(
                f"--augment got an unknown setting {key!r} in {spec!r}; "
                f"known: {', '.join(AUGMENT_KEYS)} (e.g. {EXAMPLE!r})"
            )
        flag = key.endswith("flip")
        if flag == bool(has_value):
            form = key if flag else f"{key}={_example(key)}"
            raise ValueError(f"--augment expected {form!r} in {spec!r}, got {item!r}")
        value: Any = True if flag else _value(key, text.strip(), item)
        for name in AUGMENT_KEYS[key]:
            options[name] = value
    if not options:
        raise ValueError(f"--augment got no settings in {spec!r}, e.g. {EXAMPLE!r}")
    return options


def check_augment(spec: str) -> dict[str, Any]:
    """The keyword arguments of ``spec``, after ImageDataGenerator has accepted their values
    (refused here, not after the data is loaded; the message names the spec's words)."""
    from zeronn.augment import ImageDataGenerator  # scipy: only when a spec is given

    options = parse_augment(spec)
    try:
        ImageDataGenerator(**options)
    except (TypeError, ValueError) as error:
        text = str(error)
        for key, names in AUGMENT_KEYS.items():
            if len(names) == 1:
                text = text.replace(names[0], key)
        raise type(error)(f"--augment {spec!r}: {text}") from None
    return options


def _value(key: str, text: str, item: str) -> float:
    """The number of ``key=text`` in the generator's units, or the error saying how to write it."""
    found = _NUMBER_AND_UNIT.match(text)
    if found is None or not math.isfinite(float(found.group(1))):
        raise ValueError(
            f"--augment {item!r}: expected a number such as {key}={_example(key)}, got {text!r}"
        )
    number, unit = float(found.group(1)), found.group(2) or ""
    if number < 0:
        raise ValueError(
            f"--augment {item!r}: a range is a size, without a sign (it is drawn from −r to +r); "
            f"write {key}={_example(key)}"
        )
    if key in ANGLES:
        if unit not in ("deg", "°"):
            raise ValueError(
                f"--augment {item!r}: {key} takes an angle in degrees, written with its unit, "
                f"e.g. {key}={text if unit == '' else '10'}deg"
            )
        if number > ANGLES[key]:
            raise ValueError(
                f"--augment {item!r}: {key} above {ANGLES[key]:g}deg means nothing more; "
                f"give at most {key}={ANGLES[key]:g}deg"
            )
        return number
    if unit in ("deg", "°"):
        raise ValueError(f"--augment {item!r}: {key} is not an angle; write {key}={_example(key)}")
    if unit == "%":
        number /= 100
    if key in SHIFTS and unit == "px":
        if number < 1:
            raise ValueError(
                f"--augment {item!r}: a shift in pixels is at least 1px; below that give a share "
                f"of the side, e.g. {key}=0.02"
            )
        return number  # the generator reads a range of 1 or more as pixels
    if unit == "px":
        raise ValueError(f"--augment {item!r}: {key} is a share, not pixels; e.g. {key}=0.1")
    if number >= 1:
        if key in SHIFTS and unit == "":
            raise ValueError(
                f"--augment {item!r} could be pixels or a share of the side: write "
                f"{key}={text}px for pixels, or a share below 1 ({key}=0.1 or {key}=10%)"
            )
        share = "side, below 100%" if key in SHIFTS else "size, below 1 (factors 1 − z to 1 + z)"
        raise ValueError(f"--augment {item!r}: {key} is a share of the {share}; e.g. {key}=0.1")
    return number


def _example(key: str) -> str:
    return "10deg" if key in ANGLES else "0.1"
