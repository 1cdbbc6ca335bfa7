"""A picture that tells where it was clicked: a small component in the browser
(``pointer/index.html``) that shows the picture at its column's width, keeps its frame exactly
as tall as the picture whatever that width becomes, and sends back each click in the shown
picture's pixels with the shown size."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

from PIL import Image

from posecheck.ui.components import component


def clickable_picture(
    picture: Image.Image,
    *,
    key: str,
    on_click: Callable[[], None],
    alt: str = "",
    cursor: str = "crosshair",
    quality: int = 90,
) -> None:
    """Shows ``picture`` (sent as a JPEG) the column's width; each click calls ``on_click``, and
    ``st.session_state[key]`` then holds ``{x, y, width, height, unix_time}``: where it landed
    and the shown size, in CSS pixels."""
    data = io.BytesIO()
    picture.convert("RGB").save(data, format="JPEG", quality=quality)
    src = "data:image/jpeg;base64," + base64.b64encode(data.getvalue()).decode("ascii")
    component("pointer")(src=src, alt=alt, cursor=cursor, key=key, on_change=on_click, default=None)
