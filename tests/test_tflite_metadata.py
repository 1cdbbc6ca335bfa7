"""TFLite metadata written in pure Python: round trip, kept entries, determinism, bad input.

Uses a tiny synthetic TFLite flatbuffer (one subgraph, no operators): enough for the metadata
writer, which never runs the model. The real models are covered in test_models.py.
"""

from __future__ import annotations

from typing import Any

import flatbuffers
import numpy as np
import pytest

from posecheck.tflite_metadata import (
    METADATA_IDENTIFIER,
    METADATA_NAME,
    ImageModelMetadata,
    TensorInfo,
    _schemas,
    add_image_metadata,
    build_metadata,
    read_image_metadata,
)


class _Schema:
    """One of the schema modules, loaded on first use as posecheck loads them (importing
    mediapipe costs the fast suite's collection about a second in every process)."""

    def __init__(self, index: int) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # what pytest asks of every module attribute while collecting
            raise AttributeError(name)
        return getattr(_schemas()[self._index], name)


model_schema = _Schema(0)
metadata_schema = _Schema(1)

RUNTIME_VERSION = b"2.2.0\x00\x00\x00"

SPEC = ImageModelMetadata(
    name="test detector",
    description="a synthetic model",
    image=TensorInfo("image", "RGB"),
    mean=127.5,
    std=127.5,
    outputs=(TensorInfo("boxes", "b"), TensorInfo("scores", "s")),
)


def _tensor(name: str, shape: list[int], buffer: int) -> Any:
    tensor = model_schema.TensorT()
    tensor.name = name
    tensor.shape = shape
    tensor.type = model_schema.TensorType.FLOAT32
    tensor.buffer = buffer
    return tensor


def _buffer(data: bytes | None) -> Any:
    buffer = model_schema.BufferT()
    buffer.data = None if data is None else np.frombuffer(data, dtype=np.uint8)
    return buffer


def synthetic_model(num_outputs: int = 2) -> bytes:
    """A TFL3 flatbuffer with one float image input, ``num_outputs`` outputs and a
    ``min_runtime_version`` metadata entry, like the npm pose models."""
    graph = model_schema.SubGraphT()
    graph.tensors = [_tensor("input_1", [1, 8, 8, 3], 0)] + [
        _tensor(f"Identity_{i}", [1, 4], 0) for i in range(num_outputs)
    ]
    graph.inputs = [0]
    graph.outputs = list(range(1, num_outputs + 1))
    graph.operators = []
    entry = model_schema.MetadataT()
    entry.name = "min_runtime_version"
    entry.buffer = 1
    model = model_schema.ModelT()
    model.version = 3
    model.description = "synthetic"
    model.subgraphs = [graph]
    model.buffers = [_buffer(None), _buffer(RUNTIME_VERSION)]
    model.metadata = [entry]
    model.operatorCodes = []
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def _entries(model: bytes) -> dict[str, bytes]:
    root = model_schema.Model.GetRootAs(model, 0)
    entries = {}
    for index in range(root.MetadataLength()):
        entry = root.Metadata(index)
        entries[entry.Name().decode()] = bytes(root.Buffers(entry.Buffer()).DataAsNumpy())
    return entries


@pytest.mark.slow  # over 0.5 s: kept out of make test's fast suite, run by .ci/run
def test_round_trip_gives_what_mediapipe_needs() -> None:
    written = add_image_metadata(synthetic_model(), SPEC)
    summary = read_image_metadata(written)
    assert summary is not None
    assert summary.color_space == "RGB"
    assert summary.mean == (127.5,)
    assert summary.std == (127.5,)
    assert summary.num_outputs == 2
    assert summary.min_parser_version == "1.0.0"
    assert summary.name == "test detector"
    assert written[4:8] == b"TFL3"
    assert _entries(written)[METADATA_NAME][4:8] == METADATA_IDENTIFIER


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
def test_existing_metadata_entries_are_kept() -> None:
    written = add_image_metadata(synthetic_model(), SPEC)
    entries = _entries(written)
    assert entries["min_runtime_version"] == RUNTIME_VERSION
    assert set(entries) == {"min_runtime_version", METADATA_NAME}


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_input_statistics_follow_the_normalisation() -> None:
    raw = _entries(add_image_metadata(synthetic_model(), SPEC))[METADATA_NAME]
    metadata = metadata_schema.ModelMetadataT.InitFromObj(
        metadata_schema.ModelMetadata.GetRootAs(raw, 0)
    )
    stats = metadata.subgraphMetadata[0].inputTensorMetadata[0].stats
    assert list(stats.min) == [-1.0]
    assert list(stats.max) == [1.0]


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_writing_twice_replaces_rather_than_duplicates() -> None:
    once = add_image_metadata(synthetic_model(), SPEC)
    other = ImageModelMetadata(
        name="again", description="", image=SPEC.image, mean=0.0, std=255.0, outputs=SPEC.outputs
    )
    twice = add_image_metadata(once, other)
    root = model_schema.Model.GetRootAs(twice, 0)
    names = [root.Metadata(i).Name().decode() for i in range(root.MetadataLength())]
    assert names.count(METADATA_NAME) == 1
    summary = read_image_metadata(twice)
    assert summary is not None
    assert (summary.name, summary.mean, summary.std) == ("again", (0.0,), (255.0,))


def test_output_is_deterministic() -> None:
    model = synthetic_model()
    assert add_image_metadata(model, SPEC) == add_image_metadata(model, SPEC)
    assert build_metadata(SPEC) == build_metadata(SPEC)


def test_a_model_without_metadata_reads_as_none() -> None:
    assert read_image_metadata(synthetic_model()) is None


def test_output_count_must_match_the_model() -> None:
    with pytest.raises(ValueError, match="describes 2 outputs but the model has 5"):
        add_image_metadata(synthetic_model(num_outputs=5), SPEC)


def test_non_tflite_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="not a TFLite model"):
        add_image_metadata(b"PK\x03\x04 not a model at all", SPEC)
    with pytest.raises(ValueError, match="not a TFLite model"):
        read_image_metadata(b"")


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_damaged_flatbuffers_raise_value_error() -> None:
    written = add_image_metadata(synthetic_model(), SPEC)
    truncated = written[: len(written) // 2]
    wild_root = b"\xff\xff\x00\x00TFL3" + bytes(range(256)) * 2  # root offset past the end
    for data in (truncated, wild_root):
        with pytest.raises(ValueError, match="malformed"):
            read_image_metadata(data)
        with pytest.raises(ValueError, match="malformed"):
            add_image_metadata(data, SPEC)


def test_spec_is_validated() -> None:
    with pytest.raises(ValueError, match="std"):
        ImageModelMetadata("x", "", SPEC.image, mean=0.0, std=0.0, outputs=SPEC.outputs)
    with pytest.raises(ValueError, match="outputs"):
        ImageModelMetadata("x", "", SPEC.image, mean=0.0, std=1.0, outputs=())
