"""The exercise catalogue (data/exercises.json) and the plan builder."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posecheck.errors import DataFileError
from posecheck.exercises import (
    CLINICIAN_NOTE,
    CORE_FOOT_CARE_IDS,
    DISCLAIMER,
    FOOT_CARE_IDS,
    Dose,
    Exercise,
    build_plan,
    load_catalogue,
    plan_to_dict,
)
from posecheck.findings import FindingKey

REQUIRED_IDS = (
    *FOOT_CARE_IDS,
    "short_foot",
    "calf_stretch",
    "single_leg_balance",
    "clamshells",
    "glute_bridge",
    "side_lying_hip_abduction",
    "mini_squat_knee_control",
    "chin_tucks",
    "wall_angels",
    "doorway_pec_stretch",
    "side_plank_modified",
    "hip_flexor_stretch",
    "hamstring_curl_or_soft_knee_stance",
)

FINDING_KEYS = frozenset(FindingKey)


def by_id() -> dict[str, Exercise]:
    return {exercise.id: exercise for exercise in load_catalogue()}


def packaged_document() -> dict[str, Any]:
    text = resources.files("posecheck").joinpath("data/exercises.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


# --- the catalogue -------------------------------------------------------------------------------


def test_catalogue_loads_and_is_cached() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= len(REQUIRED_IDS)
    assert load_catalogue() is catalogue


def test_required_exercises_present() -> None:
    missing = set(REQUIRED_IDS) - by_id().keys()
    assert not missing


def test_foot_care_doses() -> None:
    exercises = by_id()
    pressing = exercises["toe_pressing"].dose
    assert (pressing.reps, pressing.hold_seconds, pressing.per_side) == (10, 3, True)
    assert pressing.side == "foot"
    assert pressing.describe() == "10 times each foot, hold 3 s, daily"

    walking = exercises["toe_walking"].dose
    assert (walking.seconds, walking.reps, walking.frequency) == (20, None, "daily")
    assert walking.describe() == "20 s, daily"

    circles = exercises["ankle_circles"].dose
    assert (circles.seconds, circles.each_direction, circles.per_side) == (15, True, True)
    assert circles.describe() == "15 s each direction, each foot, daily"


def test_every_finding_is_targeted() -> None:
    targeted = {key for exercise in load_catalogue() for key in exercise.targets}
    assert targeted == FINDING_KEYS


def test_entries_are_complete() -> None:
    catalogue = load_catalogue()
    ids = [exercise.id for exercise in catalogue]
    assert len(ids) == len(set(ids))
    for exercise in catalogue:
        assert set(exercise.targets) <= FINDING_KEYS, exercise.id
        assert exercise.steps and all(step.strip() for step in exercise.steps), exercise.id
        assert exercise.cautions, exercise.id
        assert exercise.evidence.strip(), exercise.id
        # one plain sentence
        assert exercise.summary.endswith("."), exercise.id
        assert ". " not in exercise.summary, exercise.id


def test_live_hints() -> None:
    exercises = by_id()
    for trackable in (
        "ankle_circles",
        "toe_walking",
        "single_leg_balance",
        "mini_squat_knee_control",
    ):
        assert exercises[trackable].trackable, trackable
    for not_trackable in ("toe_pencil_grip", "toe_stretching", "toe_pressing", "short_foot"):
        assert not exercises[not_trackable].trackable, not_trackable
    for exercise in exercises.values():
        assert exercise.live_signal.strip(), exercise.id
        assert (exercise.live_view is not None) == exercise.trackable, exercise.id


# --- malformed catalogues ------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _drop_steps(document: dict[str, Any]) -> None:
    del document["exercises"][0]["steps"]


def _extra_field(document: dict[str, Any]) -> None:
    document["exercises"][1]["colour"] = "red"


def _unknown_target(document: dict[str, Any]) -> None:
    document["exercises"][2]["targets"].append("knee_valgas")


def _duplicate_id(document: dict[str, Any]) -> None:
    document["exercises"][3]["id"] = document["exercises"][0]["id"]


def _reps_and_seconds(document: dict[str, Any]) -> None:
    document["exercises"][0]["dose"]["seconds"] = 20


def _bool_as_reps(document: dict[str, Any]) -> None:
    document["exercises"][0]["dose"]["reps"] = True


def _bad_frequency(document: dict[str, Any]) -> None:
    document["exercises"][0]["dose"]["frequency"] = "hourly"


def _missing_dose_field(document: dict[str, Any]) -> None:
    del document["exercises"][0]["dose"]["per_side"]


def _steps_not_a_list(document: dict[str, Any]) -> None:
    document["exercises"][0]["steps"] = "Do it."


def _bad_category(document: dict[str, Any]) -> None:
    document["exercises"][0]["category"] = "elbow"


def _empty_cautions(document: dict[str, Any]) -> None:
    document["exercises"][0]["cautions"] = []


def _wrong_version(document: dict[str, Any]) -> None:
    document["schema_version"] = 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_drop_steps, r"exercises\[0\] \(id '\w+'\): missing field\(s\) steps"),
        (_extra_field, r"exercises\[1\] .*unknown field\(s\) colour"),
        (_unknown_target, r"exercises\[2\] .*Exercise\.targets: unknown .*knee_valgas"),
        (_duplicate_id, r"exercises\[3\] .*id: duplicate of exercises\[0\]"),
        (_reps_and_seconds, r"exercises\[0\] .*exactly one of reps and seconds"),
        (_bool_as_reps, r"exercises\[0\] .*dose\.reps: expected a whole number"),
        (_bad_frequency, r"exercises\[0\] .*Dose\.frequency.*'hourly'"),
        (_missing_dose_field, r"exercises\[0\] .*missing field\(s\) dose\.per_side"),
        (_steps_not_a_list, r"exercises\[0\] .*steps: expected a list of strings"),
        (_bad_category, r"exercises\[0\] .*Exercise\.category.*'elbow'"),
        (_empty_cautions, r"exercises\[0\] .*Exercise\.cautions"),
        (_wrong_version, r"schema_version: expected 1, got 2"),
    ],
)
def test_malformed_catalogue_is_rejected(tmp_path: Path, mutate: Mutation, message: str) -> None:
    document = copy.deepcopy(packaged_document())
    mutate(document)
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as raised:
        load_catalogue(path)
    assert str(path) in str(raised.value)
    assert raised.value.code == "bad_data_file"
    assert isinstance(raised.value.__cause__, ValueError)  # raised from its cause


def test_catalogue_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(packaged_document()), encoding="utf-8")
    assert load_catalogue(path) == load_catalogue()


def test_invalid_json_is_a_data_file_error(tmp_path: Path) -> None:
    path = tmp_path / "exercises.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid JSON"):
        load_catalogue(path)


# --- doses ---------------------------------------------------------------------------------------


def dose(**changes: Any) -> Dose:
    fields: dict[str, Any] = {
        "sets": 1,
        "reps": 10,
        "hold_seconds": None,
        "seconds": None,
        "per_side": False,
        "side": None,
        "each_direction": False,
        "frequency": "daily",
    }
    fields.update(changes)
    return Dose(**fields)


def test_dose_describe() -> None:
    assert dose(sets=2, per_side=True, side="leg", frequency="most_days").describe() == (
        "2 sets of 10 times each leg, most days"
    )
    assert dose(reps=None, seconds=30, sets=3).describe() == "3 rounds of 30 s, daily"
    assert dose(hold_seconds=5, frequency="twice_daily").describe() == (
        "10 times, hold 5 s, twice a day"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reps": None}, "exactly one of reps and seconds"),
        ({"seconds": 20}, "exactly one of reps and seconds"),
        ({"reps": 0}, r"Dose\.reps: expected a whole number >= 1"),
        ({"sets": True}, r"Dose\.sets"),
        ({"reps": None, "seconds": 20, "hold_seconds": 3}, r"Dose\.hold_seconds"),
        ({"per_side": True}, r"Dose\.side"),
        ({"side": "foot"}, r"Dose\.side: expected None"),
        ({"frequency": "weekly"}, r"Dose\.frequency"),
    ],
)
def test_dose_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dose(**changes)


# --- plans ---------------------------------------------------------------------------------------


def test_no_findings_is_general_foot_care() -> None:
    plan = build_plan([])
    assert plan.general
    assert plan.ids == FOOT_CARE_IDS
    assert all(item.reasons == () for item in plan.items)
    assert plan.disclaimer == DISCLAIMER
    assert plan.clinician_note == CLINICIAN_NOTE


def test_general_plan_keeps_the_core_when_capped() -> None:
    plan = build_plan([], max_items=4)
    assert len(plan.items) == 4
    assert set(CORE_FOOT_CARE_IDS) <= set(plan.ids)


def test_knee_valgus_plan() -> None:
    plan = build_plan(["knee_valgus"])
    assert not plan.general
    assert {"clamshells", "mini_squat_knee_control"} <= set(plan.ids)
    assert set(CORE_FOOT_CARE_IDS) <= set(plan.ids)
    assert "Not medical advice" in plan.disclaimer
    assert "not a diagnosis" in plan.disclaimer
    assert "see a clinician" in plan.clinician_note
    reasons = {item.exercise.id: item.reasons for item in plan.items}
    assert reasons["clamshells"] == ("knee_valgus",)
    assert reasons["tennis_ball_massage"] == ()


def test_order_follows_finding_priority() -> None:
    head_first = build_plan(["forward_head", "knee_valgus"])
    knee_first = build_plan(["knee_valgus", "forward_head"])
    assert head_first.items[0].reasons[0] == "forward_head"
    assert knee_first.items[0].reasons[0] == "knee_valgus"
    # within a finding, the first-line choice leads
    assert head_first.ids[0] == "chin_tucks"
    assert build_plan(["pelvic_tilt"]).ids[0] == "side_lying_hip_abduction"


def test_every_finding_is_served_when_there_is_room() -> None:
    findings = ["forward_head", "knee_valgus", "pelvic_tilt", "knee_hyperextension", "trunk_lean"]
    plan = build_plan(findings, max_items=8)
    served = {key for item in plan.items for key in item.reasons}
    assert served == set(findings)


def test_repeated_findings_count_once() -> None:
    assert build_plan(["knee_valgus", "knee_valgus"]) == build_plan(["knee_valgus"])


def test_unknown_finding_raises() -> None:
    with pytest.raises(ValueError, match="knee_valgas"):
        build_plan(["knee_valgus", "knee_valgas"])
    with pytest.raises(ValueError, match="got the string"):
        build_plan("knee_valgus")


def test_max_items_too_small_raises() -> None:
    with pytest.raises(ValueError, match="max_items"):
        build_plan(["knee_valgus"], max_items=2)


def test_custom_catalogue_needs_foot_care() -> None:
    catalogue = [exercise for exercise in load_catalogue() if exercise.id != "ankle_circles"]
    with pytest.raises(ValueError, match="ankle_circles"):
        build_plan(["knee_valgus"], catalogue=catalogue)
    doubled = [*load_catalogue(), load_catalogue()[0]]
    with pytest.raises(ValueError, match="more than once"):
        build_plan([], catalogue=doubled)


@given(
    findings=st.lists(st.sampled_from(sorted(FINDING_KEYS)), max_size=8),
    max_items=st.integers(min_value=len(CORE_FOOT_CARE_IDS), max_value=14),
)
def test_plan_invariants(findings: list[str], max_items: int) -> None:
    plan = build_plan(findings, max_items=max_items)
    ordered = list(dict.fromkeys(findings))
    assert len(plan.items) <= max_items
    assert len(set(plan.ids)) == len(plan.ids)
    assert set(CORE_FOOT_CARE_IDS) <= set(plan.ids)
    assert plan.general == (not findings)
    first_reason_rank = []
    for item in plan.items:
        assert set(item.reasons) <= set(item.exercise.targets)
        assert list(item.reasons) == [key for key in ordered if key in item.exercise.targets]
        first_reason_rank.append(ordered.index(item.reasons[0]) if item.reasons else len(ordered))
    assert first_reason_rank == sorted(first_reason_rank)
    # nothing that helps a finding is left out while there was room for it
    if len(plan.items) < max_items:
        wanted = {e.id for e in load_catalogue() if set(e.targets) & set(ordered)}
        assert wanted <= set(plan.ids)


def test_plan_to_dict_is_json_ready() -> None:
    for plan in (build_plan([]), build_plan(["knee_valgus", "forward_head"])):
        data = plan_to_dict(plan)
        assert json.loads(json.dumps(data)) == data
        assert data["disclaimer"] == DISCLAIMER
        assert data["clinician_note"] == CLINICIAN_NOTE
        assert [item["id"] for item in data["items"]] == list(plan.ids)
        for item in data["items"]:
            assert {"id", "name", "summary", "steps", "dose", "cautions", "reasons"} <= item.keys()
            assert item["dose"]["text"]
            assert "reps" in item["dose"] and "per_side" in item["dose"]
    pressing = next(i for i in plan_to_dict(build_plan([]))["items"] if i["id"] == "toe_pressing")
    assert pressing["dose"]["hold_seconds"] == 3
    assert pressing["dose"]["text"] == "10 times each foot, hold 3 s, daily"
