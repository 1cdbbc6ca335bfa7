"""Both ways: a photo and its mirror image, their landmarks averaged (``Analyzer(both_ways=True)``).

The model is not mirror-symmetric; the average of the two looks is, by construction: the mirror
image of a photo gets exactly the mirrored landmarks, so its left measures are the photo's right.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posecheck import Analyzer, Landmark
from posecheck.analysis import Analysis
from posecheck.dev.consistency import flipped, mirror_errors
from posecheck.estimator import mirror_averaged, mirror_pose
from posecheck.images import load_image
from posecheck.measures import MeasureName
from posecheck.roll import roll_to_undo
from posecheck.samples import sample_paths
from posecheck.types import Detection
from tests.poses import FRONT, make_pose, mirror_points


def test_mirroring_a_pose_twice_gives_it_back() -> None:
    pose = make_pose({Landmark.LEFT_HEEL: (560.0, 941.0)})
    twice = mirror_pose(mirror_pose(pose))
    np.testing.assert_array_equal(twice.xy, pose.xy)
    np.testing.assert_array_equal(twice.visibility, pose.visibility)


def test_mirroring_twice_gives_back_both_looks_world_points() -> None:
    rng = np.random.default_rng(3)
    first, second = rng.normal(size=(33, 3)), rng.normal(size=(33, 3))
    pose = replace(make_pose(world=first), mirror_world=second)
    once = mirror_pose(pose)
    # the mirror image's first look is the photo's second one, and the other way round
    assert once.world is not None and once.mirror_world is not None
    np.testing.assert_array_equal(once.world[Landmark.LEFT_HIP, 1:], second[Landmark.RIGHT_HIP, 1:])
    assert once.world[Landmark.LEFT_HIP, 0] == -second[Landmark.RIGHT_HIP, 0]
    twice = mirror_pose(once)
    np.testing.assert_array_equal(twice.world, first)
    np.testing.assert_array_equal(twice.mirror_world, second)


def test_the_mirror_images_pose_is_put_back_where_the_photo_has_it() -> None:
    """The model finding the mirrored points in the flipped picture: put back, they are the
    photo's own points (left stays left)."""
    pose = make_pose()
    seen_in_mirror = make_pose(mirror_points(FRONT))
    np.testing.assert_allclose(mirror_pose(seen_in_mirror).xy, pose.xy)


def test_the_two_looks_are_averaged() -> None:
    direct = make_pose({Landmark.LEFT_KNEE: (560.0, 700.0)})
    other = make_pose({Landmark.LEFT_KNEE: (540.0, 700.0)})  # the mirror image's look, put back
    mirrored = Detection((mirror_pose(other),), 0)  # as the model returns it: in the flipped frame
    averaged = mirror_averaged(Detection((direct,), 0), mirrored).subject
    assert tuple(averaged.xy[Landmark.LEFT_KNEE]) == (550.0, 700.0)
    np.testing.assert_array_equal(averaged.xy[Landmark.NOSE], direct.xy[Landmark.NOSE])


def test_the_mirror_looks_world_points_come_along_put_back() -> None:
    rng = np.random.default_rng(4)
    direct = make_pose(world=rng.normal(size=(33, 3)))
    other = make_pose(world=rng.normal(size=(33, 3)))  # the mirror image's look, put back
    mirrored = Detection((mirror_pose(other),), 0)
    averaged = mirror_averaged(Detection((direct,), 0), mirrored).subject
    assert averaged.world is direct.world  # the first look's: the turn line was fitted on it
    np.testing.assert_array_equal(averaged.mirror_world, other.world)


def test_someone_else_in_the_mirror_image_is_not_averaged_in() -> None:
    direct = make_pose()
    elsewhere = replace(direct, xy=direct.xy + np.array([300.0, 0.0]))
    mirrored = Detection((mirror_pose(elsewhere),), 0)
    assert mirror_averaged(Detection((direct,), 0), mirrored).subject is direct


@pytest.mark.slow
def test_both_ways_the_mirror_image_gets_the_mirrored_measures() -> None:
    """With one look, a flipped photo's left measures differ from the photo's right ones by the
    model's asymmetry; with both ways, the measures that do not depend on the camera's roll agree
    exactly. The foot angles, with their body turn (each look's turn, averaged), are taken against
    the roll found on each picture's own edges (on this render a weak estimate, partly undone): they
    differ by no more than those two rolls do."""
    image = load_image(next(p for p in sample_paths() if p.stem == "man_misaligned_front"))
    exact = {
        MeasureName.LEFT_KNEE_ANGLE_FRONTAL,
        MeasureName.RIGHT_KNEE_ANGLE_FRONTAL,
        MeasureName.STANCE_WIDTH,
    }
    feet = {MeasureName.LEFT_FOOT_ANGLE, MeasureName.RIGHT_FOOT_ANGLE}
    errors = {}
    for both_ways in (False, True):
        with Analyzer.open("full", both_ways=both_ways) as analyzer:
            original = analyzer.analyze_image(image)
            mirror = analyzer.analyze_image(flipped(image))
        assert isinstance(original, Analysis) and isinstance(mirror, Analysis)
        found = mirror_errors(original, mirror)
        errors[both_ways] = {name: found[name] for name in exact | feet}
    assert all(errors[True][name] < 1e-6 for name in exact), errors
    # the two pictures' rolls, undone, are mirror images up to the edges found on each
    rolls = abs(roll_to_undo(original.roll).degrees + roll_to_undo(mirror.roll).degrees)
    assert all(errors[True][name] <= 2.0 * rolls + 1e-6 for name in feet), (errors, rolls)
    assert max(errors[False].values()) > 0.05, errors  # one look is not mirror-exact


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_analyze_both_ways_from_the_command_line(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``posecheck analyze --both-ways`` (in this process or in worker processes) reports what
    ``Analyzer(both_ways=True)`` measures, and not what one look measures."""
    import json

    from posecheck.cli import main

    path = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
    status = main(["analyze", str(path), "--both-ways", "--json", "--jobs", jobs])
    assert status == 0
    (entry,) = json.loads(capsys.readouterr().out)["results"]
    assert entry["both_ways"] is True  # the output says how it was measured
    reported = {name: m["value"] for name, m in entry["measures"].items()}
    expected = {}
    for both_ways in (True, False):
        with Analyzer.open("full", both_ways=both_ways) as analyzer:
            result = analyzer.analyze_path(path)
        assert isinstance(result, Analysis) and result.both_ways is both_ways
        expected[both_ways] = {
            name.value: None if m.value is None else round(m.value, 2)
            for name, m in result.measurements.items()
        }
    assert reported == expected[True]
    assert reported != expected[False]
