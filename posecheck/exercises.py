"""Findings -> a short exercise plan; the catalogue itself is ``posecheck/data/exercises.json``.

posecheck screens posture; it does not diagnose. The plan is general, low-risk self-help and always
carries :data:`DISCLAIMER` and :data:`CLINICIAN_NOTE`.

Catalogue file (JSON)
---------------------
``{"schema_version": 1, "exercises": [entry, ...]}``. Every field below is required and no other
field is allowed; ``load_catalogue`` says which entry and field is wrong.

=============  =====================================================================================
entry field    meaning
=============  =====================================================================================
id             lower_snake_case, unique
name           short display name
summary        one plain sentence
steps          short imperative steps, at least one
dose           the dose object below
targets        finding keys (``findings.FindingKey``) it helps, most direct first; may be empty
               (general foot care)
category       ``foot`` | ``ankle`` | ``knee`` | ``hip`` | ``trunk`` | ``neck_shoulders``
cautions       at least one, in plain words
evidence       how strong the support is, in words; no invented citations
live           ``{"trackable": bool, "view": "front" | "side" | null, "signal": str}``: whether a
               webcam could follow it from body landmarks, from which view, and what it would watch
=============  =====================================================================================

=============  =====================================================================================
dose field     meaning
=============  =====================================================================================
sets           whole number >= 1
reps           repetitions per set, or null when the dose is a timed bout
hold_seconds   hold each repetition this long, or null (needs ``reps``)
seconds        length of one continuous bout, or null when the dose is counted in ``reps``
per_side       true when the amount is done on each side
side           ``foot`` | ``leg`` | ``side``: what a side is; required when ``per_side``, else null
each_direction true when the amount applies to each direction (circles)
frequency      ``daily`` | ``twice_daily`` | ``most_days`` | ``three_times_weekly``
=============  =====================================================================================

Exactly one of ``reps`` and ``seconds`` is set. ``Dose.describe()`` turns a dose into plain words:
``{"reps": 10, "hold_seconds": 3, "per_side": true, "side": "foot", "frequency": "daily", ...}``
reads "10 times each foot, hold 3 s, daily".

Building a plan
---------------
An exercise's rank for a finding is (its position in the exercise's ``targets``, its position in the
catalogue): an exercise that lists the finding first is a first-line choice for it, and catalogue
order breaks ties. The plan takes exercises round-robin across the findings (the first choice for
each finding in priority order, then the second choices, ...), so every finding is served before
any finding gets a second exercise. The core foot-care exercises (:data:`CORE_FOOT_CARE_IDS`)
are always in the plan and count toward ``max_items``. Items are ordered by the most important
finding they address, then by rank; core foot-care items that address no finding come last. With no
findings the plan is the general foot-care routine (:data:`FOOT_CARE_IDS`).
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from posecheck.errors import DataFileError, ErrorCode
from posecheck.findings import FindingKey

__all__ = [
    "CATEGORIES",
    "CLINICIAN_NOTE",
    "CORE_FOOT_CARE_IDS",
    "DISCLAIMER",
    "FOOT_CARE_IDS",
    "FREQUENCIES",
    "Dose",
    "Exercise",
    "Plan",
    "PlanItem",
    "build_plan",
    "load_catalogue",
    "plan_to_dict",
]

CATEGORIES: frozenset[str] = frozenset({"foot", "ankle", "knee", "hip", "trunk", "neck_shoulders"})

#: Dose frequency -> plain words.
FREQUENCIES: Mapping[str, str] = MappingProxyType(
    {
        "daily": "daily",
        "twice_daily": "twice a day",
        "most_days": "most days",
        "three_times_weekly": "3 times a week",
    }
)

SIDES: frozenset[str] = frozenset({"foot", "leg", "side"})
LIVE_VIEWS: frozenset[str] = frozenset({"front", "side"})

#: The foot-care routine (seven foot exercises for back pain), in the order a general plan uses.
FOOT_CARE_IDS: tuple[str, ...] = (
    "toe_pressing",
    "toe_walking",
    "toe_stretching",
    "toe_pencil_grip",
    "towel_leg_stretch",
    "ankle_circles",
    "tennis_ball_massage",
)
#: The part of the foot-care routine that every plan keeps.
CORE_FOOT_CARE_IDS: tuple[str, ...] = ("toe_pressing", "ankle_circles", "tennis_ball_massage")

DISCLAIMER = (
    "Not medical advice. posecheck is a screening tool, not a diagnosis: it estimates posture from "
    "photos or a camera's video and cannot see your joints, your pain or your history. These are "
    "general, low-risk exercise suggestions, not a treatment for any condition."
)

CLINICIAN_NOTE = (
    "If you have pain, numbness or tingling, a recent injury or operation, diabetes or poor "
    "feeling in your feet, balance problems or falls, or you are pregnant, see a clinician "
    "(physiotherapist or doctor) before starting. Stop any exercise that causes sharp pain or "
    "pain that lasts. Get urgent help for back pain with leg weakness, numbness around the groin, "
    "or bladder or bowel changes."
)

_KNOWN_KEYS: frozenset[str] = frozenset(key.value for key in FindingKey)
_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_CATALOGUE_RESOURCE = "data/exercises.json"
_SCHEMA_VERSION = 1
_TOP_FIELDS = frozenset({"schema_version", "exercises"})
_ENTRY_FIELDS = frozenset(
    {
        "id",
        "name",
        "summary",
        "steps",
        "dose",
        "targets",
        "category",
        "cautions",
        "evidence",
        "live",
    }
)
_DOSE_FIELDS = frozenset(
    {
        "sets",
        "reps",
        "hold_seconds",
        "seconds",
        "per_side",
        "side",
        "each_direction",
        "frequency",
    }
)
_LIVE_FIELDS = frozenset({"trackable", "view", "signal"})


# --- types ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dose:
    """How much of an exercise, and how often (see the module docstring for the fields)."""

    sets: int
    reps: int | None
    hold_seconds: int | None
    seconds: int | None
    per_side: bool
    side: str | None
    each_direction: bool
    frequency: str

    def __post_init__(self) -> None:
        _check_count("Dose.sets", self.sets)
        for name in ("reps", "hold_seconds", "seconds"):
            value = getattr(self, name)
            if value is not None:
                _check_count(f"Dose.{name}", value)
        if (self.reps is None) == (self.seconds is None):
            raise ValueError(
                "Dose: expected exactly one of reps and seconds, "
                f"got reps={self.reps}, seconds={self.seconds}"
            )
        if self.hold_seconds is not None and self.reps is None:
            raise ValueError("Dose.hold_seconds: expected reps to be set with it, got reps=None")
        if self.per_side and self.side not in SIDES:
            raise ValueError(
                f"Dose.side: expected one of {sorted(SIDES)} when per_side, got {self.side!r}"
            )
        if not self.per_side and self.side is not None:
            raise ValueError(f"Dose.side: expected None when not per_side, got {self.side!r}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(
                f"Dose.frequency: expected one of {sorted(FREQUENCIES)}, got {self.frequency!r}"
            )

    def describe(self) -> str:
        """The dose in plain words: "10 times each foot, hold 3 s, daily"."""
        if self.reps is not None:
            amount = f"{self.reps} times"
            if self.sets > 1:
                amount = f"{self.sets} sets of {amount}"
        else:
            amount = f"{self.seconds} s"
            if self.sets > 1:
                amount = f"{self.sets} rounds of {amount}"
        if self.each_direction:
            amount += " each direction"
        if self.per_side:
            amount += f"{', ' if self.each_direction else ' '}each {self.side}"
        parts = [amount]
        if self.hold_seconds is not None:
            parts.append(f"hold {self.hold_seconds} s")
        parts.append(FREQUENCIES[self.frequency])
        return ", ".join(parts)


@dataclass(frozen=True)
class Exercise:
    """One catalogue entry (see the module docstring for the fields).

    ``targets`` lists finding keys most direct first; ``trackable``, ``live_view`` and
    ``live_signal`` are hints for webcam coaching.
    """

    id: str
    name: str
    summary: str
    steps: tuple[str, ...]
    dose: Dose
    targets: tuple[FindingKey, ...]
    category: str
    cautions: tuple[str, ...]
    evidence: str
    trackable: bool
    live_view: str | None = None
    live_signal: str = ""

    def __post_init__(self) -> None:
        if not _ID_PATTERN.fullmatch(self.id):
            raise ValueError(f"Exercise.id: expected lower_snake_case, got {self.id!r}")
        for name in ("name", "summary", "evidence"):
            if not getattr(self, name).strip():
                raise ValueError(f"Exercise.{name}: expected non-empty text, got an empty string")
        for name in ("steps", "cautions"):
            items: tuple[str, ...] = getattr(self, name)
            if not items or not all(item.strip() for item in items):
                raise ValueError(
                    f"Exercise.{name}: expected at least one non-empty item, got {items}"
                )
        unknown = [key for key in self.targets if key not in _KNOWN_KEYS]
        if unknown:
            raise ValueError(
                f"Exercise.targets: unknown finding key(s) {unknown}; "
                f"known keys are {sorted(_KNOWN_KEYS)}"
            )
        object.__setattr__(self, "targets", tuple(FindingKey(key) for key in self.targets))
        if len(set(self.targets)) != len(self.targets):
            raise ValueError(f"Exercise.targets: expected no repeats, got {list(self.targets)}")
        if self.category not in CATEGORIES:
            raise ValueError(
                f"Exercise.category: expected one of {sorted(CATEGORIES)}, got {self.category!r}"
            )
        if self.live_view is not None and self.live_view not in LIVE_VIEWS:
            raise ValueError(
                f"Exercise.live_view: expected one of {sorted(LIVE_VIEWS)} or None, "
                f"got {self.live_view!r}"
            )


@dataclass(frozen=True)
class PlanItem:
    """An exercise in a plan and the finding keys that put it there (empty: general foot care)."""

    exercise: Exercise
    reasons: tuple[FindingKey, ...]


@dataclass(frozen=True)
class Plan:
    """An ordered exercise plan, most relevant first, with the notes that must go with it."""

    items: tuple[PlanItem, ...]
    general: bool
    disclaimer: str
    clinician_note: str

    def __post_init__(self) -> None:
        ids = [item.exercise.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"Plan.items: expected each exercise once, got {ids}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.exercise.id for item in self.items)


def _check_count(name: str, value: int) -> None:
    # bool is an int in Python; a dose of True repetitions is a data error.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: expected a whole number >= 1, got {value!r}")


# --- loading -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def load_catalogue(path: Path | None = None) -> tuple[Exercise, ...]:
    """The validated exercise catalogue: the packaged one, or the JSON file at ``path``.

    Raises :class:`DataFileError` (``bad_data_file``), from its cause, naming the entry and
    field for unknown or missing fields, wrong types, duplicate ids and unknown target keys, or
    saying why the file cannot be read. Results are cached per path; the file is read on the
    first call, never at import.
    """
    source = f"posecheck/{_CATALOGUE_RESOURCE}" if path is None else str(path)
    try:
        if path is None:
            text = resources.files("posecheck").joinpath(_CATALOGUE_RESOURCE).read_text("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        try:
            document: object = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source}: not valid JSON: {error}") from error
        return _parse_document(document, source)
    except (OSError, ValueError, TypeError) as error:
        message = str(error) if str(error).startswith(source) else f"{source}: {error}"
        raise DataFileError(
            f"The exercise catalogue is unusable: {message}",
            code=ErrorCode.BAD_DATA_FILE,
            extra={"path": source},
        ) from error


def _parse_document(document: object, source: str) -> tuple[Exercise, ...]:
    top = _as_object(document, "the document")
    problem = _key_problem(top, _TOP_FIELDS, "")
    if problem:
        raise ValueError(f"{source}: {problem}")
    if top["schema_version"] != _SCHEMA_VERSION:
        raise ValueError(
            f"{source}: schema_version: expected {_SCHEMA_VERSION}, got {top['schema_version']!r}"
        )
    entries = top["exercises"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: exercises: expected a non-empty list, got {entries!r}")
    exercises: list[Exercise] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(entries):
        label = f"{source}: exercises[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            label += f" (id {entry['id']!r})"
        try:
            exercise = _parse_entry(entry)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{label}: {error}") from error
        if exercise.id in first_index:
            raise ValueError(f"{label}: id: duplicate of exercises[{first_index[exercise.id]}]")
        first_index[exercise.id] = index
        exercises.append(exercise)
    return tuple(exercises)


def _parse_entry(entry: object) -> Exercise:
    fields = _as_object(entry, "the entry")
    problem = _key_problem(fields, _ENTRY_FIELDS, "")
    if problem:
        raise ValueError(problem)
    live = _as_object(fields["live"], "live")
    problem = _key_problem(live, _LIVE_FIELDS, "live.")
    if problem:
        raise ValueError(problem)
    view = live["view"]
    if view is not None:
        view = _as_str(view, "live.view")
    return Exercise(
        id=_as_str(fields["id"], "id"),
        name=_as_str(fields["name"], "name"),
        summary=_as_str(fields["summary"], "summary"),
        steps=_as_str_tuple(fields["steps"], "steps"),
        dose=_parse_dose(fields["dose"]),
        targets=_as_targets(fields["targets"]),
        category=_as_str(fields["category"], "category"),
        cautions=_as_str_tuple(fields["cautions"], "cautions"),
        evidence=_as_str(fields["evidence"], "evidence"),
        trackable=_as_bool(live["trackable"], "live.trackable"),
        live_view=view,
        live_signal=_as_str(live["signal"], "live.signal"),
    )


def _parse_dose(value: object) -> Dose:
    fields = _as_object(value, "dose")
    problem = _key_problem(fields, _DOSE_FIELDS, "dose.")
    if problem:
        raise ValueError(problem)
    side = fields["side"]
    return Dose(
        sets=_as_int(fields["sets"], "dose.sets"),
        reps=_as_optional_int(fields["reps"], "dose.reps"),
        hold_seconds=_as_optional_int(fields["hold_seconds"], "dose.hold_seconds"),
        seconds=_as_optional_int(fields["seconds"], "dose.seconds"),
        per_side=_as_bool(fields["per_side"], "dose.per_side"),
        side=None if side is None else _as_str(side, "dose.side"),
        each_direction=_as_bool(fields["each_direction"], "dose.each_direction"),
        frequency=_as_str(fields["frequency"], "dose.frequency"),
    )


def _key_problem(fields: Mapping[str, object], expected: frozenset[str], prefix: str) -> str:
    missing = sorted(expected - fields.keys())
    unknown = sorted(fields.keys() - expected)
    problems = []
    if missing:
        problems.append("missing field(s) " + ", ".join(prefix + name for name in missing))
    if unknown:
        problems.append("unknown field(s) " + ", ".join(prefix + name for name in unknown))
    return "; ".join(problems)


def _as_object(value: object, name: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{name}: expected a JSON object, got {type(value).__name__}")
    return value


def _as_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def _as_str_tuple(value: object, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{name}: expected a list of strings, got {value!r}")
    return tuple(value)


def _as_targets(value: object) -> tuple[FindingKey, ...]:
    items = _as_str_tuple(value, "targets")
    unknown = [key for key in items if key not in _KNOWN_KEYS]
    if unknown:
        raise ValueError(
            f"Exercise.targets: unknown finding key(s) {unknown}; "
            f"known keys are {sorted(_KNOWN_KEYS)}"
        )
    return tuple(FindingKey(key) for key in items)


def _as_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected a whole number, got {value!r}")
    return value


def _as_optional_int(value: object, name: str) -> int | None:
    return None if value is None else _as_int(value, name)


# --- plans ---------------------------------------------------------------------------------------


def build_plan(
    findings: Sequence[str],
    *,
    catalogue: Sequence[Exercise] | None = None,
    max_items: int = 8,
) -> Plan:
    """An exercise plan for ``findings`` (finding keys, most important first; repeats ignored).

    No findings: the general foot-care routine (all of :data:`FOOT_CARE_IDS` when ``max_items``
    allows, the core first otherwise). With findings: exercises chosen round-robin by finding
    priority, plus the core foot-care exercises, at most ``max_items`` in all.

    Raises ``ValueError`` for an unknown finding key, ``max_items`` below the number of core
    foot-care exercises, or a catalogue with repeated ids or without the foot-care exercises needed.
    """
    exercises = load_catalogue() if catalogue is None else tuple(catalogue)
    by_id = _index(exercises)
    ordered = _check_findings(findings)
    if isinstance(max_items, bool) or max_items < len(CORE_FOOT_CARE_IDS):
        raise ValueError(
            f"max_items: expected at least {len(CORE_FOOT_CARE_IDS)} (the core foot-care "
            f"exercises), got {max_items}"
        )
    needed = FOOT_CARE_IDS if not ordered else CORE_FOOT_CARE_IDS
    missing = [exercise_id for exercise_id in needed if exercise_id not in by_id]
    if missing:
        raise ValueError(f"catalogue: missing foot-care exercise(s) {missing}")

    if not ordered:
        items = tuple(PlanItem(by_id[i], ()) for i in _general_ids(max_items))
        return Plan(items, general=True, disclaimer=DISCLAIMER, clinician_note=CLINICIAN_NOTE)

    ranked = {finding: _ranked_for(finding, exercises) for finding in ordered}
    chosen = _round_robin(
        ordered, ranked, reserved=CORE_FOOT_CARE_IDS, budget=max_items - len(CORE_FOOT_CARE_IDS)
    )
    reasons = {
        exercise_id: tuple(f for f in ordered if f in by_id[exercise_id].targets)
        for exercise_id in (*chosen, *CORE_FOOT_CARE_IDS)
    }

    def order(exercise_id: str) -> tuple[int, int]:
        why = reasons[exercise_id]
        if not why:
            return (len(ordered), FOOT_CARE_IDS.index(exercise_id))
        return (ordered.index(why[0]), ranked[why[0]].index(exercise_id))

    items = tuple(
        PlanItem(by_id[exercise_id], reasons[exercise_id])
        for exercise_id in sorted(reasons, key=order)
    )
    return Plan(items, general=False, disclaimer=DISCLAIMER, clinician_note=CLINICIAN_NOTE)


def _index(exercises: Sequence[Exercise]) -> dict[str, Exercise]:
    by_id: dict[str, Exercise] = {}
    for exercise in exercises:
        if exercise.id in by_id:
            raise ValueError(f"catalogue: exercise id {exercise.id!r} appears more than once")
        by_id[exercise.id] = exercise
    return by_id


def _check_findings(findings: Sequence[str]) -> tuple[FindingKey, ...]:
    if isinstance(findings, str):
        raise ValueError(
            f"findings: expected a sequence of finding keys, got the string {findings!r}"
        )
    unknown = [key for key in findings if key not in _KNOWN_KEYS]
    if unknown:
        raise ValueError(
            f"findings: unknown finding key(s) {unknown}; known keys are {sorted(_KNOWN_KEYS)}"
        )
    return tuple(dict.fromkeys(FindingKey(key) for key in findings))


def _general_ids(max_items: int) -> tuple[str, ...]:
    extra = [i for i in FOOT_CARE_IDS if i not in CORE_FOOT_CARE_IDS]
    keep = set(CORE_FOOT_CARE_IDS) | set(extra[: max_items - len(CORE_FOOT_CARE_IDS)])
    return tuple(i for i in FOOT_CARE_IDS if i in keep)


def _ranked_for(finding: FindingKey, exercises: Sequence[Exercise]) -> list[str]:
    """Ids of the exercises that target ``finding``, best first."""
    candidates = [
        (exercise.targets.index(finding), position, exercise.id)
        for position, exercise in enumerate(exercises)
        if finding in exercise.targets
    ]
    return [exercise_id for _, _, exercise_id in sorted(candidates)]


def _round_robin(
    findings: Sequence[FindingKey],
    ranked: Mapping[FindingKey, Sequence[str]],
    *,
    reserved: Sequence[str],
    budget: int,
) -> list[str]:
    """Up to ``budget`` new ids, one per finding per round; ``reserved`` ids are already in."""
    queues = {finding: deque(ranked[finding]) for finding in findings}
    taken = set(reserved)
    chosen: list[str] = []
    while budget > 0 and any(queues.values()):
        for finding in findings:
            queue = queues[finding]
            while queue and budget > 0:
                candidate = queue.popleft()
                if candidate not in taken:
                    taken.add(candidate)
                    chosen.append(candidate)
                    budget -= 1
                    break
    return chosen


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (the report's ``exercises`` field)."""
    return {
        "general": plan.general,
        "disclaimer": plan.disclaimer,
        "clinician_note": plan.clinician_note,
        "items": [_item_to_dict(item) for item in plan.items],
    }


def _item_to_dict(item: PlanItem) -> dict[str, Any]:
    exercise = item.exercise
    return {
        "id": exercise.id,
        "name": exercise.name,
        "category": exercise.category,
        "summary": exercise.summary,
        "steps": list(exercise.steps),
        "dose": {**asdict(exercise.dose), "text": exercise.dose.describe()},
        "cautions": list(exercise.cautions),
        "evidence": exercise.evidence,
        "reasons": list(item.reasons),
        "trackable": exercise.trackable,
    }
