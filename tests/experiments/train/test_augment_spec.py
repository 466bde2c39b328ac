"""``--augment`` values carry their units, and a number that could be read two ways is refused
with the spelling that cannot (zeronn/experiments/train/augment_spec.py)."""

import pytest

from zeronn.experiments.train.augment_spec import check_augment, parse_augment


@pytest.mark.parametrize(
    ("spec", "keywords"),
    [
        ("rotation=10deg", {"rotation_range": 10.0}),
        ("rotation=10°", {"rotation_range": 10.0}),
        ("shear=5deg", {"shear_range": 5.0}),
        ("shift=0.1", {"width_shift_range": 0.1, "height_shift_range": 0.1}),
        ("shift=10%", {"width_shift_range": 0.1, "height_shift_range": 0.1}),
        # 1 or more is pixels to the generator, as in Keras
        ("width-shift=3px", {"width_shift_range": 3.0}),
        ("height-shift=0.05", {"height_shift_range": 0.05}),
        ("zoom=0.2", {"zoom_range": 0.2}),
        ("zoom=20%", {"zoom_range": 0.2}),
        ("hflip, vflip", {"horizontal_flip": True, "vertical_flip": True}),
    ],
)
def test_each_unit_maps_to_the_generators_keyword(spec, keywords):
    assert check_augment(spec) == keywords


def test_the_documented_specs_give_the_keywords_they_gave_before_units():
    # the runs in docs/training.md: their numbers stand only if the generator is the same
    assert parse_augment("rotation=10deg,shift=0.1") == {
        "rotation_range": 10.0,
        "width_shift_range": 0.1,
        "height_shift_range": 0.1,
    }
    assert parse_augment("shift=0.1,hflip") == {
        "width_shift_range": 0.1,
        "height_shift_range": 0.1,
        "horizontal_flip": True,
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "rotation=10",
            "'rotation=10': rotation takes an angle in degrees, written with its "
            "unit, e.g. rotation=10deg",
        ),
        ("shear=0.2", "e.g. shear=0.2deg"),
        ("rotation=10px", "rotation takes an angle in degrees"),
        (
            "shift=3",
            "'shift=3' could be pixels or a share of the side: write shift=3px for "
            "pixels, or a share below 1 (shift=0.1 or shift=10%)",
        ),
        ("shift=0.5px", "a shift in pixels is at least 1px"),
        ("shift=100%", "shift is a share of the side, below 100%"),
        ("shift=5deg", "shift is not an angle"),
        ("zoom=1.5", "zoom is a share of the size, below 1"),
        ("zoom=3px", "zoom is a share, not pixels"),
        ("rotation=-5deg", "a range is a size, without a sign"),
        ("rotation=270deg", "rotation above 180deg means nothing more"),
        ("shift=big", "'shift=big': expected a number such as shift=0.1, got 'big'"),
        ("shift=nan", "'shift=nan': expected a number"),
        ("hflip=1", "expected 'hflip' in 'hflip=1'"),
        ("zoom", "expected 'zoom=0.1' in 'zoom'"),
        ("spin=3deg", "unknown setting 'spin'"),
        (",", "got no settings"),
    ],
)
def test_a_value_that_could_be_misread_is_refused_with_the_spelling_that_cannot(spec, message):
    with pytest.raises(ValueError, match=r"^--augment ") as refused:
        check_augment(spec)
    assert message in str(refused.value)
    assert "_range" not in str(refused.value)  # the flag's words, not the generator's keywords
