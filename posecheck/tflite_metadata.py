"""Write and read TFLite model metadata for image models, in pure Python.

MediaPipe's Tasks runtime reads a model's input normalisation and colour space from the TFLite
metadata (a ``ModelMetadata`` flatbuffer, file identifier ``M001``, stored in one of the model's
buffers and named ``TFLITE_METADATA`` in ``Model.metadata``). mediapipe 1.2.x cannot import its own
metadata writer, so this module builds that flatbuffer with the ``flatbuffers`` package and the
generated schema modules mediapipe ships (``mediapipe/tasks/metadata/*_py_generated.py``).

Importing this module is cheap; the schema modules (which import mediapipe) load on first use.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from types import ModuleType
from typing import Any

METADATA_NAME = "TFLITE_METADATA"
METADATA_IDENTIFIER = b"M001"
MODEL_IDENTIFIER = b"TFL3"
#: The oldest metadata parser that can read what we write (all fields used exist in 1.0.0).
MIN_PARSER_VERSION = "1.0.0"
#: More metadata entries than any real model has: a larger count means a damaged flatbuffer.
_MAX_METADATA_ENTRIES = 1000
#: What reading a damaged flatbuffer raises (the generated readers trust every offset).
_PARSE_ERRORS = (struct.error, IndexError, TypeError, OverflowError, UnicodeDecodeError)


@dataclass(frozen=True)
class TensorInfo:
    """Name and description of one input or output tensor, as shown by metadata viewers."""

    name: str
    description: str


@dataclass(frozen=True)
class ImageModelMetadata:
    """What an image model's metadata says: one RGB image input, normalised, and its outputs.

    The runtime feeds the model ``(pixel - mean) / std`` for pixels in [0, 255]. ``outputs`` must
    list every output tensor of the model's first subgraph, in order.
    """

    name: str
    description: str
    image: TensorInfo
    mean: float
    std: float
    outputs: tuple[TensorInfo, ...]
    version: str = ""
    author: str = ""
    license: str = ""

    def __post_init__(self) -> None:
        if self.std == 0:
            raise ValueError(f"ImageModelMetadata.std: expected a non-zero value, got {self.std}")
        if not self.outputs:
            raise ValueError("ImageModelMetadata.outputs: expected at least one output, got none")


@dataclass(frozen=True)
class ImageMetadataSummary:
    """The parts of a model's metadata that MediaPipe's image tasks depend on (for checks)."""

    name: str
    min_parser_version: str
    color_space: str
    mean: tuple[float, ...]
    std: tuple[float, ...]
    num_outputs: int


def _schemas() -> tuple[ModuleType, ModuleType]:
    """(TFLite model schema, metadata schema); imported lazily because mediapipe is slow to load."""
    from mediapipe.tasks.metadata import metadata_schema_py_generated as metadata_schema
    from mediapipe.tasks.metadata import schema_py_generated as model_schema

    return model_schema, metadata_schema


def _check_model_bytes(model: bytes) -> None:
    if len(model) < 8 or model[4:8] != MODEL_IDENTIFIER:
        found = model[4:8] if len(model) >= 8 else b""
        raise ValueError(
            f"not a TFLite model: expected identifier {MODEL_IDENTIFIER!r}, got {found!r}"
        )


def _image_tensor(spec: ImageModelMetadata, schema: ModuleType) -> Any:
    normalization = schema.NormalizationOptionsT()
    normalization.mean = [spec.mean]
    normalization.std = [spec.std]
    process_unit = schema.ProcessUnitT()
    process_unit.optionsType = schema.ProcessUnitOptions.NormalizationOptions
    process_unit.options = normalization

    properties = schema.ImagePropertiesT()
    # The runtime rejects UNKNOWN ("Only RGB color space is supported for now").
    properties.colorSpace = schema.ColorSpaceType.RGB
    content = schema.ContentT()
    content.contentPropertiesType = schema.ContentProperties.ImageProperties
    content.contentProperties = properties

    stats = schema.StatsT()
    stats.min = [(0.0 - spec.mean) / spec.std]
    stats.max = [(255.0 - spec.mean) / spec.std]

    tensor = schema.TensorMetadataT()
    tensor.name = spec.image.name
    tensor.description = spec.image.description
    tensor.content = content
    tensor.processUnits = [process_unit]
    tensor.stats = stats
    return tensor


def _feature_tensor(info: TensorInfo, schema: ModuleType) -> Any:
    content = schema.ContentT()
    content.contentPropertiesType = schema.ContentProperties.FeatureProperties
    content.contentProperties = schema.FeaturePropertiesT()
    tensor = schema.TensorMetadataT()
    tensor.name = info.name
    tensor.description = info.description
    tensor.content = content
    tensor.stats = schema.StatsT()
    return tensor


def build_metadata(spec: ImageModelMetadata) -> bytes:
    """Serialise ``spec`` as a ``ModelMetadata`` flatbuffer with identifier ``M001``."""
    import flatbuffers

    _, schema = _schemas()
    subgraph = schema.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [_image_tensor(spec, schema)]
    subgraph.outputTensorMetadata = [_feature_tensor(info, schema) for info in spec.outputs]

    metadata = schema.ModelMetadataT()
    metadata.name = spec.name
    metadata.description = spec.description
    metadata.version = spec.version or None
    metadata.author = spec.author or None
    metadata.license = spec.license or None
    metadata.subgraphMetadata = [subgraph]
    metadata.minParserVersion = MIN_PARSER_VERSION

    builder = flatbuffers.Builder(1024)
    builder.Finish(metadata.Pack(builder), METADATA_IDENTIFIER)
    return bytes(builder.Output())


def _check_model_shape(model: Any, spec: ImageModelMetadata) -> None:
    if not model.subgraphs:
        raise ValueError("TFLite model has no subgraph")
    graph = model.subgraphs[0]
    inputs = [] if graph.inputs is None else list(graph.inputs)
    outputs = [] if graph.outputs is None else list(graph.outputs)
    if len(inputs) != 1:
        raise ValueError(f"expected a model with 1 input tensor (the image), got {len(inputs)}")
    if len(outputs) != len(spec.outputs):
        raise ValueError(
            f"metadata describes {len(spec.outputs)} outputs but the model has {len(outputs)}"
        )
    # Buffers stored after the flatbuffer (offset > 1, models over 2 GB) would be lost on repacking.
    if any(buffer.offset > 1 for buffer in model.buffers or []):
        raise ValueError("models with buffers stored outside the flatbuffer are not supported")


def add_image_metadata(model: bytes, spec: ImageModelMetadata) -> bytes:
    """Return ``model`` (a ``.tflite`` file's bytes) with ``spec`` stored as its TFLite metadata.

    Existing ``Model.metadata`` entries (``min_runtime_version``, ...) are kept; an existing
    ``TFLITE_METADATA`` entry is replaced. The result is deterministic for a given input.

    Raises:
        ValueError: ``model`` is not a TFLite model, or does not match ``spec``.
    """
    import flatbuffers
    import numpy as np

    _check_model_bytes(model)
    model_schema, _ = _schemas()
    try:
        tree = model_schema.ModelT.InitFromObj(model_schema.Model.GetRootAs(model, 0))
    except _PARSE_ERRORS as exc:
        raise ValueError(f"malformed TFLite model ({type(exc).__name__}: {exc})") from exc
    _check_model_shape(tree, spec)

    # A numpy array is packed in one copy; a bytearray would be packed byte by byte (slow).
    payload = np.frombuffer(build_metadata(spec), dtype=np.uint8)
    tree.buffers = list(tree.buffers or [])
    tree.metadata = list(tree.metadata or [])
    existing = [entry for entry in tree.metadata if _decode(entry.name) == METADATA_NAME]
    if existing:
        tree.buffers[existing[0].buffer].data = payload
    else:
        buffer = model_schema.BufferT()
        buffer.data = payload
        tree.buffers.append(buffer)
        entry = model_schema.MetadataT()
        entry.name = METADATA_NAME
        entry.buffer = len(tree.buffers) - 1
        tree.metadata.append(entry)

    builder = flatbuffers.Builder(len(model) + len(payload) + 4096)
    builder.Finish(tree.Pack(builder), MODEL_IDENTIFIER)
    return bytes(builder.Output())


def _decode(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _metadata_buffer(model: bytes) -> bytes | None:
    """The raw ``TFLITE_METADATA`` buffer of ``model``, or None when it has none."""
    _check_model_bytes(model)
    model_schema, _ = _schemas()
    root = model_schema.Model.GetRootAs(model, 0)
    count = root.MetadataLength()
    if count > _MAX_METADATA_ENTRIES:
        raise ValueError(f"malformed TFLite model ({count} metadata entries)")
    for index in range(count):
        entry = root.Metadata(index)
        if _decode(entry.Name()) == METADATA_NAME:
            data = root.Buffers(entry.Buffer()).DataAsNumpy()
            return bytes(data) if not isinstance(data, int) else b""
    return None


def read_image_metadata(model: bytes) -> ImageMetadataSummary | None:
    """Summarise the image metadata of ``model``; None when it has no ``TFLITE_METADATA``.

    Raises:
        ValueError: ``model`` is not a TFLite model, or its metadata is not a valid ``M001``
            flatbuffer with one subgraph and one image input.
    """
    try:
        return _read_image_metadata(model)
    except _PARSE_ERRORS as exc:
        raise ValueError(f"malformed TFLite model or metadata ({type(exc).__name__})") from exc


def _read_image_metadata(model: bytes) -> ImageMetadataSummary | None:
    raw = _metadata_buffer(model)
    if raw is None:
        return None
    if raw[4:8] != METADATA_IDENTIFIER:
        raise ValueError(f"TFLite metadata lacks the {METADATA_IDENTIFIER!r} identifier")
    _, schema = _schemas()
    tree = schema.ModelMetadataT.InitFromObj(schema.ModelMetadata.GetRootAs(raw, 0))
    if not tree.subgraphMetadata or not tree.subgraphMetadata[0].inputTensorMetadata:
        raise ValueError("TFLite metadata describes no input tensor")
    graph = tree.subgraphMetadata[0]
    image = graph.inputTensorMetadata[0]
    return ImageMetadataSummary(
        name=_decode(tree.name),
        min_parser_version=_decode(tree.minParserVersion),
        color_space=_color_space_name(image, schema),
        mean=_normalization(image, schema, "mean"),
        std=_normalization(image, schema, "std"),
        num_outputs=len(graph.outputTensorMetadata or []),
    )


def _color_space_name(tensor: Any, schema: ModuleType) -> str:
    content = tensor.content
    if content is None or content.contentPropertiesType != schema.ContentProperties.ImageProperties:
        return "NONE"
    value = content.contentProperties.colorSpace
    names = {v: k for k, v in vars(schema.ColorSpaceType).items() if not k.startswith("_")}
    return str(names.get(value, value))


def _normalization(tensor: Any, schema: ModuleType, field: str) -> tuple[float, ...]:
    for unit in tensor.processUnits or []:
        if unit.optionsType == schema.ProcessUnitOptions.NormalizationOptions:
            values = getattr(unit.options, field)
            return tuple(float(v) for v in ([] if values is None else values))
    return ()
