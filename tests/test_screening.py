"""The screening-accuracy tool on the committed CI renders (docs/SCREENING.md uses it on more)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from posecheck import Analyzer
from posecheck.dev.screening import (
    Z_95,
    Confusion,
    Reading,
    base_and_turn,
    confusion_table,
    error_table,
    finding_confusion,
    markdown,
    miss_reason,
    near_edge,
    rank_correlation,
    read_set,
    target_lines,
    uncertainty_lines,
    wilson_interval,
    within_band,
)
from posecheck.findings import Beyond, FindingKey
from posecheck.measures import MeasureName
from posecheck.types import Status

RENDERS = Path(__file__).resolve().parent / "data" / "renders"


@pytest.mark.parametrize(
    ("yaw", "view", "turn"),
    [(0.0, "front", 0.0), (357.0, "front", -3.0), (94.0, "left", 4.0), (190.0, "back", 10.0),
     (262.0, "right", -8.0)],
)  # fmt: skip
def test_views_and_turns_from_the_camera_yaw(yaw: float, view: str, turn: float) -> None:
    assert base_and_turn(yaw) == (view, pytest.approx(turn))


def test_sensitivity_and_specificity() -> None:
    c = Confusion(positives=4, found=3, negatives=10, false_alarms=1)
    assert c.sensitivity == 0.75 and c.specificity == 0.9


@pytest.mark.parametrize(("successes", "n"), [(9, 23), (1, 4), (96, 97), (3, 15)])
def test_wilson_bounds_solve_its_equation(successes: int, n: int) -> None:
    # Each bound b of the Wilson interval satisfies (p - b)² = z² b (1 - b) / n.
    p = successes / n
    low, high = wilson_interval(successes, n)
    assert low < p < high
    for bound in (low, high):
        assert (p - bound) ** 2 == pytest.approx(Z_95**2 * bound * (1 - bound) / n, rel=1e-9)


def test_wilson_interval_at_the_ends_and_without_data() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    assert all(v != v for v in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)


def test_the_findings_table_gives_each_proportion_its_interval() -> None:
    c = Confusion(positives=23, found=9, negatives=97, false_alarms=0)
    # the roots of (1 + z²/n) b² - (2p + z²/n) b + p² = 0, solved apart (numpy.roots)
    assert c.sensitivity_interval == pytest.approx((0.22158, 0.59214), abs=1e-5)
    assert c.specificity_interval == pytest.approx((0.9619, 1.0), abs=1e-4)
    rows = confusion_table([])
    assert "sensitivity (95 % interval)" in rows[0] and "specificity (95 % interval)" in rows[0]
    assert "found or told to recheck" in rows[0] and rows[0].endswith("told to recheck |")


@pytest.mark.slow
def test_the_ci_renders_give_a_complete_report(analyzer: Analyzer) -> None:
    readings = read_set(analyzer, RENDERS)
    assert {r.render for r in readings} and all(r.true == r.true for r in readings)
    confusion = finding_confusion(readings)
    assert set(confusion) == set(FindingKey)
    for c in confusion.values():
        assert 0 <= c.found <= c.positives and 0 <= c.false_alarms <= c.negatives
    text = markdown(readings, title="CI renders", command="test")
    for section in ("### Targets", "sensitivity", "### Measures", "rank correlation", "and why"):
        assert section in text


def _reading(value: float | None, **changes: object) -> Reading:
    fields: dict[str, object] = dict(
        render="r.jpg", measure=MeasureName.LEFT_KNEE_ANGLE_FRONTAL, true=12.0, value=value,
        status=Status.UNKNOWN if value is None else Status.MILD, error_band=5.0, confidence=0.9,
        turn=0.0, roll=0.0, roll_known=True, height=1.0, view="front", background="room",
        judged=True, findings=frozenset(),
    )  # fmt: skip
    fields.update(changes)
    return Reading(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reading", "why"),
    [
        (_reading(12.0, judged=False), "not judged"),
        (_reading(None), "no value"),
        (_reading(3.0), "read inside the range"),
        (_reading(-7.0), "read beyond, the other way"),
        (_reading(9.0), "read outside, within its error"),
        (_reading(12.0, status=Status.POSSIBLE), "held back: the roll unknown"),
        (_reading(12.0), "clearly outside, no finding"),
        (_reading(12.0, measure=MeasureName.LEFT_REARFOOT_ANGLE), "experimental"),
    ],
)  # fmt: skip
def test_each_missed_deviation_gets_one_reason(reading: Reading, why: str) -> None:
    assert miss_reason(reading, Beyond.ABOVE).startswith(why)


def test_a_truth_within_one_known_error_of_the_positive_line_is_near_the_edge() -> None:
    # knee frontal: range -5..5, known error 5, so positives start at 10; near the edge up to 15
    assert near_edge(_reading(11.0, true=14.9)) and not near_edge(_reading(11.0, true=15.1))
    assert near_edge(_reading(-11.0, true=-14.0))


@pytest.mark.parametrize(
    ("left", "right", "false"),
    [(8.0, 2.0, True), (14.0, 4.0, True), (14.0, 1.0, False), (24.0, 4.0, False)],
)
def test_an_asymmetry_is_false_by_the_feets_true_difference_not_each_foot(
    left: float, right: float, false: bool
) -> None:
    """Both feet inside their usual range (0-15°) can still truly differ by more than the usual
    10°: an asymmetry found there is right, and only a true difference within 10° makes it false."""
    from posecheck.dev.screening import summary_lines

    found = frozenset({(FindingKey.FOOT_ANGLE_ASYMMETRY, MeasureName.LEFT_FOOT_ANGLE)})
    feet = [
        _reading(left, measure=MeasureName.LEFT_FOOT_ANGLE, true=left, findings=found),
        _reading(right, measure=MeasureName.RIGHT_FOOT_ANGLE, true=right, findings=found),
    ]
    line = summary_lines(feet)[1]
    assert line.startswith(f"- renders with a false finding: {int(false)} of 1")


def test_errors_are_split_by_turn_up_to_the_square_on_limit_in_order() -> None:
    readings = [
        _reading(12.0 + turn / 10, turn=turn, height=height)
        for turn, height in ((-17.0, 1.3), (12.0, 0.6), (-6.0, 1.0), (2.0, 1.3), (19.9, 1.0))
    ]
    row = next(line for line in error_table(readings) if "left_knee_angle_frontal" in line)
    cells = row.split(" | ")
    turn, height = cells[2], cells[4]
    assert turn == "0-5° 0.2 (1/1), 5-10° 0.6 (1/1), 10-15° 1.2 (1/1), 15-20° 1.8 (2/2)"
    assert height == "0.5-0.9 m 1.2 (1/1), 0.9-1.25 m 1.3 (2/2), 1.25-1.6 m 0.9 (2/2)"
    # a group on which the measure was never reported has no error: "-", not "nan"
    unknown = [_reading(None, roll_known=False), _reading(12.5)]
    row = next(line for line in error_table(unknown) if "left_knee_angle_frontal" in line)
    assert "roll known 0.5 (1/1), roll unknown - (0/1)" in row and "nan" not in row


def test_the_targets_include_abstaining_and_following_the_truth() -> None:
    feet = [
        _reading(None if i < 2 else 10.0, measure=MeasureName.LEFT_FOOT_ANGLE, true=10.0)
        for i in range(10)
    ]
    shoulders = [
        _reading(0.5 * true, measure=MeasureName.SHOULDER_TILT, true=true)
        for true in (-4.0, 0.0, 4.0)
    ]
    lines = target_lines(feet + shoulders)
    assert "- `left_foot_angle` abstains on at most 20 % of front photos: 20 % (met)" in lines
    assert "- `shoulder_tilt` slope 0.75-1.25: 0.50 (not met)" in lines
    assert any(line.startswith("- `forward_head_angle` MAE <= 3°") for line in lines)
    # an MAE says over how many of the photos it was taken: those the measure was reported on
    assert "0.00° (met; reported on 8 of the 10 photos that show it)" in next(
        line for line in lines if line.startswith("- `left_foot_angle` MAE")
    )
    back = [_reading(None, measure=MeasureName.LEFT_FOOT_ANGLE, view="back")] * 3
    # only front photos count: two front readings with a value and three back ones without
    lines = target_lines(feet[2:4] + back)
    assert "0 % (met)" in next(line for line in lines if "abstains" in line)


def test_a_specificity_too_few_renders_can_show_is_said_to_be_unsure() -> None:
    def inside(n: int) -> list[Reading]:
        return [_reading(0.0, true=0.0, status=Status.NORMAL, render=f"r{i}.jpg") for i in range(n)]

    few = target_lines(inside(10))[0]
    # 10 of 10 right: 100 % as measured, but the interval reaches down to 72 %
    assert few.startswith("- specificity >= 95% for every finding: met (as measured;")
    assert "`knee_valgus` 72 %" in few and "`knee_varus` 72 %" in few
    assert target_lines(inside(200))[0] == "- specificity >= 95% for every finding: met"


def test_the_renders_looked_at_are_reported_apart_from_those_added() -> None:
    from posecheck.dev.screening import LOOKED_AT, part_lines, part_of_set

    def render(index: int, error: float) -> Reading:
        return _reading(
            12.0 + error,
            true=12.0,
            render=f"hard_test_{index:04d}.jpg",
            measure=MeasureName.SHOULDER_TILT,
        )

    assert part_of_set(render(LOOKED_AT - 1, 0.0)) == "looked at"
    assert part_of_set(render(LOOKED_AT, 0.0)) == "added"
    assert part_of_set(_reading(1.0, render="front.jpg")) is None
    # a set of only the first renders (or of unnumbered photos) has nothing to show apart
    assert part_lines([render(3, 1.0), render(7, 1.0)]) == []
    lines = part_lines([render(3, 1.0), render(LOOKED_AT + 5, 2.0), render(LOOKED_AT + 9, 2.0)])
    looked, added = (
        lines.index(
            f"**1 render: the first {LOOKED_AT}, looked at while the measures were developed**"
        ),
        lines.index("**2 renders: the others, added on 2026-12-04 and not looked at before**"),
    )
    assert looked < added
    said = "- `shoulder_tilt` MAE <= 1.5°: {} reported on {n} of the {n} photos that show it)"
    assert said.format("1.00° (met;", n=1) in lines[looked:added]
    assert said.format("2.00° (not met;", n=2) in lines[added:]
    assert "### The same targets on the renders looked at" in markdown(
        [render(3, 1.0), render(LOOKED_AT, 2.0)], title="t", command="c"
    )


def test_a_finding_with_a_rule_each_way_counts_a_reading_once() -> None:
    # shoulder tilt: range -2..2, known error 2; one finding key for either side
    found = frozenset({(FindingKey.SHOULDER_TILT, MeasureName.SHOULDER_TILT)})
    tilt = MeasureName.SHOULDER_TILT
    readings = [
        _reading(5.0, measure=tilt, true=0.5, findings=found, render="a.jpg"),  # false
        _reading(0.0, measure=tilt, true=0.0, render="b.jpg"),
        _reading(6.0, measure=tilt, true=6.0, findings=found, render="c.jpg"),  # found
        _reading(-1.0, measure=tilt, true=-6.0, render="d.jpg"),  # missed
    ]
    assert finding_confusion(readings)[FindingKey.SHOULDER_TILT] == Confusion(
        positives=2, found=1, negatives=2, false_alarms=1, prompted=1, rechecks=0
    )


def test_a_recheck_is_counted_on_its_side_and_never_when_held_or_experimental() -> None:
    """Besides the findings, the table counts the deviations at least told to recheck
    ("possible: recheck" on their side of the range) and the truly usual readings told to; a
    held reading ("not judged") or an experimental one (never a recheck) is neither."""
    # the readings: the left knee from the front (usual -5..5, known error 5)
    possible = Status.POSSIBLE
    readings = [
        _reading(8.0, true=12.0, status=possible, render="a.jpg"),  # told to recheck
        _reading(8.0, true=12.0, status=possible, held=True, render="b.jpg"),  # not judged
        _reading(-8.0, true=12.0, status=possible, render="c.jpg"),  # the other side
        _reading(4.0, true=12.0, status=Status.NORMAL, render="d.jpg"),  # missed
        _reading(7.0, true=3.0, status=possible, render="e.jpg"),  # a usual knee: recheck
        _reading(-7.0, true=3.0, status=possible, render="f.jpg"),  # toward varus, not valgus
        _reading(8.0, true=12.0, status=possible, judged=False, render="g.jpg"),  # not judged
    ]
    valgus = finding_confusion(readings)[FindingKey.KNEE_VALGUS]
    assert (valgus.positives, valgus.prompted, valgus.negatives, valgus.rechecks) == (5, 1, 2, 1)
    varus = finding_confusion(readings)[FindingKey.KNEE_VARUS]
    assert (varus.negatives, varus.rechecks) == (2, 1)
    hips = MeasureName.PELVIC_TILT  # experimental: "possible" never asks for a recheck
    tilt = [_reading(3.0, measure=hips, true=8.0, status=possible, render="h.jpg")]
    assert finding_confusion(tilt)[FindingKey.PELVIC_TILT].prompted == 0
    assert finding_confusion(readings)[FindingKey.FOOT_ANGLE_ASYMMETRY].prompted is None


def test_the_rank_correlation_lets_ties_share_their_rank() -> None:
    """A band the same for every reading tracks nothing (it used to take the readings' order as
    its ranks, and so follow the error as far as their order did); ties share their mean rank."""
    errors = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert math.isnan(rank_correlation([5.0] * 6, errors))
    assert rank_correlation([1.0, 1.0, 2.0, 2.0, 3.0, 3.0], errors) == pytest.approx(
        0.956, abs=1e-3
    )
    assert rank_correlation([3.0, 1.0, 2.0, 5.0, 4.0, 6.0], errors) == pytest.approx(
        0.771, abs=1e-3
    )
    assert rank_correlation([6.0, 5.0, 4.0, 3.0, 2.0, 1.0], errors) == pytest.approx(-1.0)
    assert math.isnan(rank_correlation([1.0, 2.0], [2.0, 1.0]))  # too few to tell


def test_how_often_the_truth_lies_within_the_band() -> None:
    """The band a user is shown (value ± band) is checked against the truth: a reading off by its
    band exactly is within it, one off by more is not, one with no value is not counted."""
    readings = [
        _reading(12.0 + off, error_band=band)
        for off, band in ((0.0, 5.0), (5.0, 5.0), (-6.0, 5.0), (7.0, 8.0), (9.0, 5.0))
    ]
    assert within_band(readings) == pytest.approx(3 / 5)
    assert within_band([*readings, _reading(None)]) == pytest.approx(3 / 5)
    assert math.isnan(within_band([_reading(None)]))
    row = next(line for line in uncertainty_lines(readings) if "left_knee_angle_frontal" in line)
    assert row.split(" | ")[4:] == ["60%", "5.00", "8.20 |"]  # errors 0, 5, 6, 7, 9
