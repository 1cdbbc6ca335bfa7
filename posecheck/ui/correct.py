"""Correct a point: the user moves a misplaced landmark, and the page works everything out again.

Click a dot on the photo to choose it (the nearest point the measures use, within a fingertip's
reach), then click where it belongs; or choose the point by name and type its position (for
keyboard and screen-reader users). The moves are kept per photo in ``st.session_state``
(:func:`posecheck.ui.analyses.moves_key`), in the original photo's pixels, and
:func:`posecheck.ui.analyses.analyse` applies them (``correct_points``), so every measure, finding
and exercise follows. Each change happens in a widget callback, which Streamlit runs before the
page script: whatever the page shows above the editor already uses the new position.

The picture is sent :data:`DISPLAY_WIDTH` pixels wide and shown at the column's width; a click
comes back in the shown picture's pixels with the shown size, which maps it to the photo's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw

from posecheck import MEASURES, Analysis, Landmark, PhotoResult, draw_pose
from posecheck.ui.analyses import Moves, moves_key, store_moves, stored_moves
from posecheck.ui.pointer import clickable_picture

#: The picture's width as sent (CSS pixels): a phone's screen.
DISPLAY_WIDTH = 400
#: A click this close to a point (CSS pixels, about a fingertip) chooses it.
REACH = 24.0
#: Words for the parts whose landmark names are not plain.
_PLAIN_WORDS = {"foot index": "toes"}


def _movable() -> tuple[Landmark, ...]:
    """The points some measure uses ("{near}" is either side), in MediaPipe's order."""
    names = {
        name.replace("{near}", side)
        for spec in MEASURES
        for name in spec.landmarks
        for side in ("left", "right")
    }
    return tuple(landmark for landmark in Landmark if landmark.label in names)


#: The points a user can move: those the measures use.
MOVABLE = _movable()


def plain_name(landmark: Landmark) -> str:
    """The point in plain words: "left heel", "right toes" (the person's left and right)."""
    words = landmark.label.replace("_", " ")
    for part, plain in _PLAIN_WORDS.items():
        words = words.replace(part, plain)
    return words


def _listed(landmarks: Sequence[Landmark]) -> str:
    return ", ".join(plain_name(landmark) for landmark in landmarks)


def to_photo(
    at: tuple[float, float], shown: tuple[float, float], photo: tuple[int, int]
) -> tuple[float, float]:
    """A click at ``at`` on the picture shown ``shown`` (width, height) in size, in the photo's
    own pixels (``photo`` is its width and height), kept inside the photo."""
    x = at[0] * photo[0] / shown[0]
    y = at[1] * photo[1] / shown[1]
    return (min(max(x, 0.0), photo[0] - 1.0), min(max(y, 0.0), photo[1] - 1.0))


def nearest(
    xy: np.ndarray, photo: tuple[int, int], at: tuple[float, float], shown: tuple[float, float]
) -> Landmark | None:
    """The movable point nearest a click on the shown picture, if within :data:`REACH` of it.

    ``xy`` is the pose's (33, 2) points in the photo's pixels; distances are measured on the
    screen, so the reach is the same whatever the photo's size."""
    factor = np.array([shown[0] / photo[0], shown[1] / photo[1]])
    points = xy[list(MOVABLE)] * factor
    distances = np.hypot(points[:, 0] - at[0], points[:, 1] - at[1])
    best = int(np.argmin(distances))
    return MOVABLE[best] if distances[best] <= REACH else None


def editor_picture(
    analysis: Analysis, selected: Landmark | None, moved: Sequence[Landmark]
) -> Image.Image:
    """The photo :data:`DISPLAY_WIDTH` wide with the skeleton drawn at that size (no measure
    labels to hide the points); the points one can move circled, the chosen one ringed with a
    cross, those moved by the user in squares (shapes, so no one needs to tell colours apart)."""
    image = analysis.image
    height = max(1, round(image.height * DISPLAY_WIDTH / image.width))
    small = Image.fromarray(image.rgb).resize((DISPLAY_WIDTH, height), Image.Resampling.LANCZOS)
    pose = analysis.detection.subject
    factor = DISPLAY_WIDTH / image.width
    picture = Image.fromarray(draw_pose(np.asarray(small), pose, scale=factor))
    pen = ImageDraw.Draw(picture)
    for landmark in MOVABLE:
        x, y = pose.xy[landmark] * factor
        pen.ellipse((x - 6, y - 6, x + 6, y + 6), outline=(255, 255, 255), width=2)
    for landmark in moved:
        x, y = pose.xy[landmark] * factor
        pen.rectangle((x - 8, y - 8, x + 8, y + 8), outline=(0, 0, 0), width=4)
        pen.rectangle((x - 8, y - 8, x + 8, y + 8), outline=(255, 255, 255), width=2)
    if selected is not None:
        x, y = pose.xy[selected] * factor
        for colour, width in (((0, 0, 0), 6), ((255, 214, 0), 3)):
            pen.ellipse((x - 13, y - 13, x + 13, y + 13), outline=colour, width=width)
            for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                pen.line((x + 8 * dx, y + 8 * dy, x + 20 * dx, y + 20 * dy), colour, width - 1)
    return picture


# --- the callbacks: they run before the page script, so the whole page sees their change ---------


def _move(key: str, photo: str, landmark: Landmark, to: tuple[float, float]) -> None:
    moves = stored_moves(photo)
    moves[landmark] = to
    store_moves(photo, moves)
    st.session_state[f"{key}-point"] = None


def _clicked(analysis: Analysis, key: str, photo: str) -> None:
    """A click on the picture: choose the point near it, or move the chosen point there."""
    click = st.session_state.get(f"{key}-image")
    if not isinstance(click, Mapping):
        return
    at = (float(click["x"]), float(click["y"]))
    shown = (float(click["width"]), float(click["height"]))
    size = (analysis.image.width, analysis.image.height)
    selected = st.session_state.get(f"{key}-point")
    if isinstance(selected, Landmark):
        _move(key, photo, selected, to_photo(at, shown, size))
        return
    found = nearest(analysis.detection.subject.xy, size, at, shown)
    if found is None:
        st.session_state[f"{key}-note"] = (
            "No point there: click one of the dots on the body first, then where it belongs."
        )
    st.session_state[f"{key}-point"] = found


def _typed(key: str, photo: str, landmark: Landmark) -> None:
    to = (
        float(st.session_state[f"{key}-x-{landmark.name}"]),
        float(st.session_state[f"{key}-y-{landmark.name}"]),
    )
    _move(key, photo, landmark, to)


def _undo(key: str, photo: str) -> None:
    store_moves(photo, {})
    st.session_state[f"{key}-point"] = None
    st.session_state[f"{key}-note"] = "Every point is back where the pose model put it."


# --- the editor ----------------------------------------------------------------------------------


def _typed_position(analysis: Analysis, key: str, photo: str, landmark: Landmark) -> None:
    """The keyboard's way: type where the chosen point belongs, in the photo's pixels."""
    x, y = (float(v) for v in analysis.detection.subject.xy[landmark])
    width, height = analysis.image.width, analysis.image.height
    st.caption(
        f"Or type where the {plain_name(landmark)} belongs, in pixels of the photo "
        f"({width} wide, {height} high), counted from its top-left corner:"
    )
    across, down = st.columns(2)
    for column, label, axis, value, size in (
        (across, "Across", "x", x, width),
        (down, "Down", "y", y, height),
    ):
        column.number_input(
            label,
            min_value=0.0,
            max_value=size - 1.0,
            value=min(max(value, 0.0), size - 1.0),
            step=1.0,
            format="%.0f",
            key=f"{key}-{axis}-{landmark.name}",
        )
    st.button(
        f"Move the {plain_name(landmark)} there",
        key=f"{key}-move",
        on_click=_typed,
        args=(key, photo, landmark),
    )


def _status(key: str, selected: Landmark | None, moves: Moves) -> None:
    note = st.session_state.pop(f"{key}-note", None)
    if note:
        st.info(note, icon=":material/info:")
    if selected is not None:
        st.markdown(
            f":material/my_location: **{plain_name(selected).capitalize()}** is chosen (ringed "
            "on the photo): now click where it belongs."
        )
    else:
        st.markdown("Click a dot on the photo to choose it (left and right are the person's own).")
    if moves:
        st.success(
            f"Corrected by you: {_listed(list(moves))}. Every measure, finding and exercise "
            "uses your positions (the downloaded report records them as yours).",
            icon=":material/edit_location_alt:",
        )


def correction_editor(analysis: PhotoResult, data: bytes, key: str) -> None:
    """Let the user move a misplaced point on this photo (``data``: its bytes, whose hash keys
    the moves); ``key`` is unique on the page (it prefixes the widgets' keys). Nothing is shown
    for a photo that could not be analysed."""
    if not isinstance(analysis, Analysis):
        return
    photo = moves_key(data)
    moves = stored_moves(photo)
    point_key = f"{key}-point"
    chosen = st.session_state.get(point_key)
    selected = chosen if isinstance(chosen, Landmark) else None
    st.subheader("Correct a point")
    st.caption(
        "Is a dot not where that part of the body is? Click the dot, then click where it "
        "belongs: every measure, finding and exercise is worked out again."
    )
    _status(key, selected, moves)  # above the picture: on a phone it is seen before clicking
    left, right = st.columns([3, 2])
    with left:
        described = (
            f"{analysis.name} with the points found (circled: those you can move)"
            + (f"; ringed: the {plain_name(selected)}" if selected else "")
            + (f"; in squares: moved by you ({_listed(list(moves))})" if moves else "")
            + "."
        )
        clickable_picture(
            editor_picture(analysis, selected, list(moves)),
            key=f"{key}-image",
            on_click=partial(_clicked, analysis, key, photo),
            alt=described,
        )
        st.caption(described)
    with right:
        st.selectbox(
            "Or choose the point by name",
            MOVABLE,
            index=None,
            format_func=plain_name,
            placeholder="Choose a point",
            key=point_key,
        )
        if selected is not None:
            _typed_position(analysis, key, photo, selected)
        st.button(
            "Undo all corrections",
            key=f"{key}-undo",
            disabled=not moves,
            on_click=_undo,
            args=(key, photo),
            icon=":material/undo:",
        )
