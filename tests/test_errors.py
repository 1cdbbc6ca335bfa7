"""One error tree of plain exceptions; loaders raise inside it, from their cause."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

import posecheck.errors as errors
from posecheck.calibration import load_calibrations
from posecheck.errors import (
    DataFileError,
    ErrorCode,
    InvalidImageError,
    ModelError,
    NoPersonError,
    PosecheckError,
)


def test_the_tree() -> None:
    for error in (InvalidImageError, NoPersonError, ModelError, DataFileError):
        assert issubclass(error, PosecheckError)
    assert not dataclasses.is_dataclass(PosecheckError)
    for name in ("InvalidImageError", "NoPersonError", "ModelError", "DataFileError"):
        assert name in (errors.__doc__ or ""), "the docstring draws the whole tree"


def test_an_error_carries_a_code_a_message_and_read_only_facts() -> None:
    error = InvalidImageError("Cannot find x.jpg", code=ErrorCode.NOT_FOUND, extra={"name": "x"})
    assert str(error) == error.message == "Cannot find x.jpg"
    assert error.code is ErrorCode.NOT_FOUND and error.code == "not_found"
    with pytest.raises(TypeError):
        error.extra["name"] = "y"  # type: ignore[index]
    with pytest.raises(ValueError):
        PosecheckError("x", code="not_a_code")  # type: ignore[arg-type]


def test_errors_survive_pickling() -> None:
    """Worker processes send errors back to the parent."""
    error = ModelError("no model", code=ErrorCode.MODEL_UNAVAILABLE)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, ModelError) and copy.message == "no model"


def test_a_bad_calibration_file_is_a_data_file_error(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"measures": {"pelvic_tilt": {"slope": 0.0}}}), encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        load_calibrations(path)
    assert raised.value.code is ErrorCode.BAD_DATA_FILE
    assert raised.value.__cause__ is not None
    missing = tmp_path / "absent.json"
    with pytest.raises(DataFileError) as raised:
        load_calibrations(missing)
    assert isinstance(raised.value.__cause__, FileNotFoundError)
