"""The body map and the measure scales: every region in every state draws, the states differ in
shape (not only colour), the words are there, and the tables cover the vocabularies."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from posecheck.bodymap import (
    _MARKERS,
    _SPOTS,
    FINDING_REGIONS,
    MAP_HEIGHT,
    MAP_WIDTH,
    MEASURE_MEANING,
    MEASURE_REGIONS,
    OKABE_ITO,
    SCALE_HEIGHT,
    SCALE_WIDTH,
    BodyRegion,
    body_map,
    held_regions,
    measure_scale,
    region_states,
    status_marker,
    unjudged_regions,
)
from posecheck.findings import Assessment, Finding, FindingKey
from posecheck.measures import MEASURES, MEASURES_BY_NAME, Measurement, MeasureName
from posecheck.types import Side, Status, View

STATUSES = tuple(Status)


def _measurement(name: MeasureName, value: float | None, status: Status) -> Measurement:
    spec = MEASURES_BY_NAME[name]
    return Measurement(
        name, value, spec.unit, 0.9, status, spec.normal, (), View.FRONT, "", spec.known_error
    )


def _value_for(name: MeasureName, status: Status) -> float | None:
    """A value the measure's own rule gives ``status`` (None for unknown)."""
    if status is Status.UNKNOWN:
        return None
    spec = MEASURES_BY_NAME[name]
    low, high = spec.normal
    for step in np.linspace(0.0, 60.0, 1201):
        value = float(high + step) if status is not Status.NORMAL else (low + high) / 2
        if spec.status(value) is status:
            return value
    raise AssertionError(f"no value of {name} is {status}")


def _map_for(states: dict[MeasureName, Status]) -> np.ndarray:
    measurements = {
        name: _measurement(name, _value_for(name, status), status)
        for name, status in states.items()
    }
    return body_map(measurements)


def _marker_mask(status: Status) -> np.ndarray:
    canvas = np.full((60, 60, 3), 255, np.uint8)
    status_marker(canvas, status, (30, 30), 18)
    return np.any(canvas < 245, axis=2)


def test_the_tables_cover_every_measure_and_finding() -> None:
    assert set(MEASURE_REGIONS) == set(MeasureName)
    assert set(FINDING_REGIONS) == set(FindingKey)
    assert set(MEASURE_MEANING) == set(MeasureName)
    assert set(_MARKERS) == set(Status) == set(OKABE_ITO)
    assert all(MEASURE_MEANING[name].endswith(".") for name in MeasureName)


def test_the_five_states_have_five_different_shapes() -> None:
    masks = {status: _marker_mask(status) for status in STATUSES}
    for a in STATUSES:
        for b in STATUSES:
            if a is not b:
                overlap = np.logical_xor(masks[a], masks[b]).sum()
                assert overlap > 80, f"{a} and {b} look alike ({overlap} pixels differ)"


def test_the_colours_are_the_okabe_ito_palette() -> None:
    assert OKABE_ITO[Status.NORMAL] == (0, 158, 115)
    assert OKABE_ITO[Status.POSSIBLE] == (86, 180, 233)
    assert OKABE_ITO[Status.MILD] == (230, 159, 0)
    assert OKABE_ITO[Status.MARKED] == (213, 94, 0)


@pytest.mark.parametrize("status", STATUSES, ids=[s.value for s in STATUSES])
@pytest.mark.parametrize("region", tuple(BodyRegion), ids=[r.name for r in BodyRegion])
def test_every_region_draws_every_state(region: BodyRegion, status: Status) -> None:
    name = next(n for n, regions in MEASURE_REGIONS.items() if regions == (region,))
    if not MEASURES_BY_NAME[name].for_findings:
        name = next(
            n
            for n, regions in MEASURE_REGIONS.items()
            if region in regions and MEASURES_BY_NAME[n].for_findings
        )
    picture = _map_for({name: status})
    assert picture.shape == (MAP_HEIGHT, MAP_WIDTH, 3) and picture.dtype == np.uint8
    assert (
        region_states({name: _measurement(name, _value_for(name, status), status)})[region]
        is status
    )
    # the region's marker on the body is drawn in the state's colour (unknown: grey "?")
    x, y = _SPOTS[region]
    patch = picture[y - 20 : y + 21, x - 20 : x + 21].reshape(-1, 3).astype(int)
    distance = np.abs(patch - np.array(OKABE_ITO[status])).sum(axis=1)
    assert (distance < 40).sum() > 15, f"{region} {status}: marker colour not found"


def test_different_states_give_different_pictures_and_words() -> None:
    name = MeasureName.LEFT_FOOT_ANGLE
    pictures = {status: _map_for({name: status}) for status in STATUSES}
    for a in STATUSES:
        for b in STATUSES:
            if a is not b:
                assert not np.array_equal(pictures[a], pictures[b]), (a, b)
    # the words differ too: the label column beside the left foot (the picture's right)
    x, y = _SPOTS[BodyRegion.LEFT_FOOT]
    words = {s: pictures[s][y + 5 : y + 28, x + 200 :] for s in STATUSES}
    assert not np.array_equal(words[Status.MILD], words[Status.MARKED])


def test_findings_mark_their_side_only_and_experimental_measures_do_not_colour() -> None:
    finding = Finding(
        FindingKey.KNEE_VALGUS,
        Status.MARKED,
        Side.LEFT,
        (MeasureName.LEFT_KNEE_ANGLE_FRONTAL,),
        "Left knee",
        "drifts inward",
        0.9,
    )
    states = region_states(None, Assessment((finding,), None, (), "summary"))
    assert states[BodyRegion.LEFT_KNEE] is Status.MARKED
    assert states[BodyRegion.RIGHT_KNEE] is Status.UNKNOWN
    experimental = next(s.name for s in MEASURES if not s.for_findings)
    status = Status.MARKED
    value = _value_for(experimental, status)
    states = region_states({experimental: _measurement(experimental, value, status)})
    assert set(states.values()) == {Status.UNKNOWN}


def test_a_region_read_only_by_experimental_measures_says_not_judged() -> None:
    """The hips from the front: the hip level and the hips' sideways position are shown but never
    judged, so the map says "not judged" there, not "not measured"; a region with any judged
    reading, or none at all, is not counted."""
    hips = {
        name: _measurement(name, 1.0, Status.NORMAL)
        for name in (MeasureName.PELVIC_TILT, MeasureName.PELVIS_SHIFT)
    }
    shoulders = {
        MeasureName.SHOULDER_TILT: _measurement(MeasureName.SHOULDER_TILT, 1.0, Status.NORMAL)
    }
    missing = {MeasureName.TRUNK_SHIFT: _measurement(MeasureName.TRUNK_SHIFT, None, Status.UNKNOWN)}
    assert unjudged_regions({**hips, **shoulders, **missing}) == {BodyRegion.HIPS}
    assert region_states(hips)[BodyRegion.HIPS] is Status.UNKNOWN
    x, y = _SPOTS[BodyRegion.HIPS]
    label = np.s_[y + 5 : y + 28, x + 150 :]  # the words under "hips", on the picture's right
    assert not np.array_equal(body_map(hips)[label], body_map()[label])
    assert unjudged_regions() == frozenset()


def test_a_region_whose_recheck_is_only_held_readings_is_told_apart() -> None:
    """The right knee read outside on a turned body is held (not judged from this photo): its
    region is ``possible`` and held; a left knee just outside (a plain recheck) is not, nor a
    region where a held reading sits beside a plain recheck."""
    from dataclasses import replace

    right = MeasureName.RIGHT_KNEE_ANGLE_FRONTAL
    left = MeasureName.LEFT_KNEE_ANGLE_FRONTAL
    held = replace(_measurement(right, 15.5, Status.POSSIBLE), held=True)
    plain = _measurement(left, 7.0, Status.POSSIBLE)
    feet = _measurement(MeasureName.LEFT_FOOT_ANGLE, 10.0, Status.NORMAL)
    readings = {right: held, left: plain, MeasureName.LEFT_FOOT_ANGLE: feet}
    assert region_states(readings)[BodyRegion.RIGHT_KNEE] is Status.POSSIBLE
    assert held_regions(readings) == {BodyRegion.RIGHT_KNEE}
    both = {right: held, left: replace(held, name=left)}
    assert held_regions(both) == {BodyRegion.RIGHT_KNEE, BodyRegion.LEFT_KNEE}
    # the side view's plumb line at the knees, a plain recheck, sits in both knees' regions
    knee = MeasureName.PLUMB_KNEE
    mixed = {**both, knee: _measurement(knee, -2.5, Status.POSSIBLE)}
    assert held_regions(mixed) == frozenset()
    assert held_regions() == frozenset()


def test_an_empty_map_says_not_measured_everywhere_and_has_a_legend() -> None:
    picture = body_map()
    assert picture.shape == (MAP_HEIGHT, MAP_WIDTH, 3)
    assert set(region_states().values()) == {Status.UNKNOWN}
    legend = picture[630:, :]
    for status in (Status.NORMAL, Status.POSSIBLE, Status.MILD, Status.MARKED):
        colour = np.array(OKABE_ITO[status])
        assert (np.abs(legend.astype(int) - colour).sum(axis=2) < 40).sum() > 20, status


@pytest.mark.parametrize("spec", MEASURES, ids=[s.name.value for s in MEASURES])
def test_every_measure_has_a_scale(spec: object) -> None:
    name = spec.name  # type: ignore[attr-defined]
    for status in STATUSES:
        picture = measure_scale(_measurement(name, _value_for(name, status), status))
        assert picture.shape == (SCALE_HEIGHT, SCALE_WIDTH, 3) and picture.dtype == np.uint8
        assert (picture < 100).any()  # words and marks in dark ink


def test_the_scale_puts_the_person_where_the_value_is() -> None:
    name = MeasureName.LEFT_FOOT_ANGLE
    inside = measure_scale(_measurement(name, 7.5, Status.NORMAL))
    far = measure_scale(_measurement(name, 40.0, Status.MARKED))

    def value_line(picture: np.ndarray) -> int:
        # the value's own line: the darkest column across the track's top edge
        row = picture[46, :, :].astype(int).sum(axis=1)
        return int(np.argmin(row))

    assert value_line(far) > value_line(inside)
    # the marked state's square sits above the line, in vermillion
    vermillion = np.abs(far.astype(int) - np.array(OKABE_ITO[Status.MARKED])).sum(axis=2) < 40
    assert vermillion[:44].sum() > 30
    # an unknown reading draws the range but no value line
    unknown = measure_scale(_measurement(name, None, Status.UNKNOWN))
    assert (unknown[:40] < 100).any()  # "not measured"
    ink = np.all(unknown[44:66] < 60, axis=2)  # the track's rows, in dark ink
    assert cv2.countNonZero(ink.astype(np.uint8)) == 0
    assert np.all(far[44:66] < 60, axis=2).sum() > 40
