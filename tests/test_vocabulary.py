"""One owner per vocabulary, and every name used anywhere exists in it.

A measure or finding named in two places as a loose string is a rule waiting to switch off
silently; here every rule, support, catalogue target, drawing and label is checked against the
owners: ``MeasureName`` (measures), ``FindingKey`` (findings), ``Side``/``Unit``/``Status`` (types).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from posecheck.errors import ERROR_CODES, ErrorCode
from posecheck.exercises import load_catalogue
from posecheck.findings import MEANINGS, RULES, SUPPORTS, FindingKey
from posecheck.measures import (
    DRAW_POINTS,
    MEASURES,
    MEASURES_BY_NAME,
    SIGNED_LATERAL,
    DrawKind,
    MeasureName,
    MeasureSpec,
)
from posecheck.types import Landmark, Side, Unit, View

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_measure_name_has_exactly_one_row() -> None:
    names = [spec.name for spec in MEASURES]
    assert len(names) == len(set(names))
    assert set(names) == set(MeasureName)


def test_rows_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        MeasureSpec(MeasureName.HEAD_TILT)  # type: ignore[misc,call-arg]


@pytest.mark.parametrize("spec", MEASURES, ids=lambda s: s.name.value)
def test_each_row_holds_everything_about_its_measure(spec: MeasureSpec) -> None:
    assert isinstance(spec.unit, Unit)
    assert spec.label and "_" not in spec.label, "labels are for people: no identifiers"
    assert spec.error_words.strip()
    low, high = spec.normal
    assert low < high and spec.known_error > 0 and spec.marked_step > 0
    for view in spec.views:
        spec.resolve(view)  # every landmark name resolves in every view it measures
        drawn = spec.drawing.resolve(view)
        assert len(drawn) == DRAW_POINTS[spec.drawing.kind]
    if spec.side is not None:
        assert spec.name.value.startswith(spec.side.value + "_")


def test_left_and_right_rows_mirror_each_other() -> None:
    for spec in MEASURES:
        twin = MEASURES_BY_NAME[spec.name.mirrored()]
        assert twin.normal == spec.normal and twin.known_error == spec.known_error
        assert twin.unit is spec.unit and twin.views == spec.views
        assert twin.drawing.kind is spec.drawing.kind
        # a mirror image swaps left and right, and turns a left view into a right one
        view = sorted(spec.views)[0]
        seen = {View.LEFT: View.RIGHT, View.RIGHT: View.LEFT}.get(view, view)
        mirrored = tuple(lm.mirrored() for lm in spec.drawing.resolve(view))
        if spec.side is not None:  # the same lines on the other leg
            assert twin.drawing.resolve(seen) == mirrored
        else:  # its own mirror image: the same points, left and right swapped
            assert set(twin.drawing.resolve(seen)) == set(mirrored)
        assert (spec.side is None) == (twin.side is None)
        if spec.side is not None:
            assert twin.side is spec.side.mirrored()


def test_signed_lateral_measures_have_no_side_and_a_symmetric_range() -> None:
    for name in SIGNED_LATERAL:
        spec = MEASURES_BY_NAME[name]
        assert spec.side is None and spec.name.mirrored() is spec.name
        assert spec.normal[0] == -spec.normal[1]


def test_a_rearfoot_row_draws_its_own_leg() -> None:
    """The bug this replaced: a name-suffix match drew ``right_rearfoot_angle`` to the left hip."""
    spec = MEASURES_BY_NAME[MeasureName.RIGHT_REARFOOT_ANGLE]
    assert spec.drawing.kind is DrawKind.JOINT_ANGLE
    assert spec.drawing.resolve(View.BACK) == (
        Landmark.RIGHT_KNEE,
        Landmark.RIGHT_ANKLE,
        Landmark.RIGHT_HEEL,
    )


def test_every_rule_and_support_names_a_measure_and_a_finding() -> None:
    for rule in RULES:
        assert rule.measure in MEASURES_BY_NAME
        assert isinstance(rule.key, FindingKey)
        assert rule.side is None or isinstance(rule.side, Side)
    for support in SUPPORTS:
        assert support.measure in MEASURES_BY_NAME
        assert support.supports[0] in MEASURES_BY_NAME
        assert any((rule.measure, rule.beyond) == support.supports for rule in RULES), (
            f"{support} supports no rule"
        )


def test_every_finding_has_a_meaning_a_source_and_an_exercise() -> None:
    made = {rule.key for rule in RULES} | {FindingKey.FOOT_ANGLE_ASYMMETRY}
    assert made == set(FindingKey)
    assert set(MEANINGS) == set(FindingKey)
    targeted = {key for exercise in load_catalogue() for key in exercise.targets}
    assert targeted == set(FindingKey)
    for exercise in load_catalogue():
        assert all(isinstance(key, FindingKey) for key in exercise.targets)


def test_units_have_words() -> None:
    for unit in Unit:
        assert isinstance(unit.symbol, str) and unit.ascii_suffix.isascii()


def test_sides_mirror() -> None:
    assert Side.LEFT.mirrored() is Side.RIGHT and Side.RIGHT.mirrored() is Side.LEFT
    assert Side.BOTH.mirrored() is Side.BOTH


def test_the_readme_lists_every_error_code() -> None:
    text = README.read_text()
    section = text[text.index("Error codes (") :].split("\n\n")[1]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", section, flags=re.M))
    reported = {code: words for code, words in ERROR_CODES.items()}
    reported.pop(ErrorCode.SOURCE_SKIPPED)  # internal to model installation
    assert rows == {code.value: words for code, words in reported.items()}
    assert set(ERROR_CODES) == set(ErrorCode)


def test_the_readme_lists_every_measure() -> None:
    text = README.read_text()
    missing = [name.value for name in MeasureName if f"`{name.value}`" not in text]
    assert not missing
