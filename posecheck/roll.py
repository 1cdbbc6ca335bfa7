"""Camera roll from the scene: how far true verticals appear turned on screen.

A phone held slightly crooked turns the whole scene, so every measure against the true horizontal
or vertical (shoulder tilt, pelvic tilt, ...) is off by the roll. Walls, door frames, window edges
and furniture are built plumb; their straight edges tell us where true vertical is.

Method
------
1. A grey copy with the long side at most ``WORKING_LONG_SIDE`` px; OpenCV's line segment
   detector (LSD, which blurs and subsamples by ``LSD_SCALE`` itself) finds straight segments.
   Builds without LSD fall back to Canny + probabilistic Hough (coarser: segment ends snap to
   edge pixels).
2. Person and floor: each segment is cut to its part outside the person box grown by
   ``PERSON_MARGIN`` (limbs are not scene verticals; cutting, rather than dropping, keeps the part
   of a door frame that shows above their head) and above the box's bottom. Below the feet there
   is only floor nearer the camera than the person (anything standing farther away meets the
   floor higher in the picture), and floor lines running away from the camera look nearly
   vertical there.
3. Segments at least ``MIN_LENGTH_FRACTION`` of the long side and within ``max_abs_degrees`` of
   image-vertical are kept, weighted by length, with the weight of any small patch of the image
   capped (``_patch_weights``): a radiator's fins or window blinds are one witness, not dozens.
4. A vertical vanishing point is fitted, robustly. With the camera pitched (tilted down toward
   the feet, or up), true verticals are not parallel on screen: they converge toward a point
   straight below (or above) the image centre, so an edge near the left or right side leans by
   several degrees even with no roll, and a weighted median of the leans, or weighting edges
   near the centre line, is biased toward whichever side has more edges. So we model it: the
   vanishing point is at ``centre + u / k``, ``u = (-sin roll, cos roll)`` the rolled "down"
   direction and ``k`` an inverse distance (0 = parallel verticals; with the focal length taken
   as the long side, ``k ~ tan(pitch)``). The roll is the direction from the image centre to the
   vanishing point whatever the pitch, and the model is smooth through ``k = 0``. Hypotheses come
   from every segment alone (``k = 0``) and every pair of the heaviest (their crossing); each is
   scored by the weighted, truncated-quadratic support (``INLIER_DEGREES``) of the segments it
   was not built from; the ``REFINE_CANDIDATES`` best distinct ones are refined by iteratively
   reweighted Gauss-Newton on the angular residuals (Tukey weights, a weak prior pulling ``k``
   to 0), and the best refined fit wins. ``|k|`` is capped at ``MAX_INVERSE_DISTANCE`` (pitch
   about 35°): receding floor lines also look near-vertical but converge on the horizon, on the
   other side of the centre at ``|k| ~ 1/tan(pitch)``.
5. Confidence grows with the number and total (capped) length of agreeing segments and falls
   with their spread, the standard error of the roll, the strength of a group of edges that
   agrees on another roll, and how nearly another (roll, pitch) explains the same edges: with
   edges on one side of the picture only, roll and pitch trade off and the answer is unsure.
   Too few or too short edges, a rival group at least ``RIVAL_RATIO`` as strong, or a confidence
   under ``MIN_CONFIDENCE`` give ``degrees=None`` with the reason.

Near-horizontal lines (floor, skirting, window sills) are not used: perspective turns them by
tens of degrees whenever they are not square to the camera.

Measured (tests/test_roll.py): synthetic rooms rolled -12..12°, flat-on or pitched 10-25°, within
0.1°. Real photos turned by ±2 and ±4° (the change of the estimate against the turn, 24 photos,
no person box): confidence >= 0.5, within 0.21°; 0.3-0.5, within 0.48°; 0.1-0.3, up to 1.2°.
Against each photo's own roll (the median of its confident estimates on copies turned by -8..8°,
with the model's body box, as the app finds it: ``python -m posecheck.dev roll-check``,
tests/test_rollcheck.py): >= 0.3, 0.41° RMS; 0.1-0.3, 1.27° RMS.
About 15-30 ms for a 1600 x 900 image on 2 cores, most of it LSD.

Nothing runs on import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from posecheck.types import CameraRoll, Landmark, Pose

FloatArray = npt.NDArray[np.float64]

#: The long side of the grey working copy, px.
WORKING_LONG_SIDE = 640
#: LSD's own subsampling (default 0.8): it blurs and scales by this before detecting, so it works
#: on about 384 px; 10-25 ms on 2 cores, depending on how busy the scene is.
LSD_SCALE = 0.6
#: Shortest segment used, as a fraction of the image's long side (26 px at 640).
MIN_LENGTH_FRACTION = 0.04
#: The person box is grown by this fraction of its width and height on every side.
PERSON_MARGIN = 0.1
#: A segment agrees with a hypothesis when its lean is within this many degrees of the predicted.
INLIER_DEGREES = 1.0
#: Cap on |k| (inverse distance of the vertical vanishing point, in long sides): pitch ~35°.
MAX_INVERSE_DISTANCE = 0.7
#: Prior standard deviation of k (pitch about 15°). It only decides where the edges cannot.
PRIOR_INVERSE_DISTANCE = 0.27
#: Patches for capping crowds of parallel edges, and the edge length a patch may count for, both
#: as fractions of the long side.
PATCH_FRACTION = 0.1
PATCH_CAP = 0.15
#: Only the longest this many segments seed pair hypotheses (all of them are scored).
MAX_SEEDS = 40
#: The fewest agreeing segments, and their least total length (fraction of the long side).
MIN_INLIERS = 3
MIN_TOTAL_LENGTH_FRACTION = 0.3
#: A rival group of disagreeing edges at least this strong, relative to the winner, is a tie.
RIVAL_RATIO = 0.6
#: A rival must disagree with the winner by at least this many degrees of roll.
RIVAL_DEGREES = 2.0
RIVAL_RADIANS = math.radians(RIVAL_DEGREES)
#: Another refined fit, rolled well away, explaining the edges up to this fraction as well as the
#: winner costs no confidence; from there to equally well, confidence falls to 0.
AMBIGUITY_FREE = 0.7
#: How many distinct hypotheses are refined before choosing.
REFINE_CANDIDATES = 4

#: Below this confidence no roll is claimed (on the real photos tried, estimates this weak moved
#: by 1-3° when the photo was turned).
MIN_CONFIDENCE = 0.1

_NONE_ADVICE = "retake with a door frame or wall corner in view, or hold the phone level"


@dataclass(frozen=True)
class _Segments:
    """Candidate vertical segments on the working copy.

    ``points``: (N, 2) midpoints relative to the image centre, in long sides; ``directions``:
    (N, 2) unit vectors pointing down the screen (y > 0); ``lengths``: (N,) px on the working copy;
    ``weights``: (N,) the lengths, capped per patch of the image (see ``_patch_weights``).
    """

    points: FloatArray
    directions: FloatArray
    lengths: FloatArray
    weights: FloatArray

    def __len__(self) -> int:
        return int(self.lengths.shape[0])


@dataclass(frozen=True)
class _Fit:
    roll: float  # radians, + clockwise on screen
    inverse_distance: float  # k
    residuals: FloatArray  # (N,) radians
    inliers: npt.NDArray[np.bool_]
    standard_error: float  # radians, of the roll
    score: float  # weighted support (see _support)


@dataclass(frozen=True, eq=False)
class SceneEdges:
    """Straight line segments found in a picture, before any person is excluded.

    ``segments`` is (N, 4) x0, y0, x1, y1 in the grey working copy's pixels; ``scale`` maps the
    picture's pixels onto it; ``shape`` is the working copy's (height, width); ``size`` the
    picture's (width, height). Finding them is most of the cost of a roll estimate, and needs no
    person box, so it can run while the pose model runs.
    """

    segments: FloatArray
    scale: float
    shape: tuple[int, int]
    size: tuple[int, int]


def scene_edges(rgb: np.ndarray, grey: np.ndarray | None = None) -> SceneEdges:
    """The straight edges of a picture ((H, W, 3) uint8 RGB); see ``roll_from_edges``.

    ``grey`` is the picture's grey levels (OpenCV's RGB to grey), if already made."""
    _check_inputs(rgb, None, 15.0)
    if grey is not None and grey.shape != rgb.shape[:2]:
        raise ValueError(f"scene_edges: grey is {grey.shape}, the picture {rgb.shape[:2]}")
    grey, scale = _working_grey(rgb, grey)
    segments = _detect_segments(grey) if min(grey.shape) >= 32 else np.zeros((0, 4))
    return SceneEdges(segments, scale, (grey.shape[0], grey.shape[1]), (rgb.shape[1], rgb.shape[0]))


_ARMS = frozenset(range(Landmark.LEFT_ELBOW, Landmark.RIGHT_THUMB + 1))


def body_box(pose: Pose, scale: float = 1.0) -> tuple[float, float, float, float]:
    """The box around a person's head, trunk and legs, (x0, y0, x1, y1), in the pose's pixels
    times ``scale``: the ``person_box`` inside which the scene's edges are not sought.

    Arms are left out: held out to the sides (a T-pose) they would hide most of the background.
    """
    points = pose.xy[[lm for lm in Landmark if lm not in _ARMS]] * scale
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def estimate_roll(
    rgb: np.ndarray,
    *,
    person_box: tuple[float, float, float, float] | None = None,
    max_abs_degrees: float = 15.0,
) -> CameraRoll:
    """Estimate the camera roll from straight vertical edges of the scene (see module docstring).

    Args:
        rgb: (H, W, 3) uint8 RGB image (a working copy, long side up to about 1600 px).
        person_box: (x0, y0, x1, y1) around the person in the same pixels, or None. Edges inside
            it (grown by 10 % each side) are ignored.
        max_abs_degrees: the largest roll considered; edges leaning more than this from
            image-vertical are ignored.

    Returns:
        CameraRoll with ``degrees`` = how far true verticals appear turned clockwise on screen
        (undo by rotating points by ``-degrees``), or None with the reason.

    Raises:
        ValueError: ``rgb`` is not an (H, W, 3) uint8 array, ``person_box`` is malformed, or
            ``max_abs_degrees`` is not in (0, 45].
    """
    _check_inputs(rgb, person_box, max_abs_degrees)
    return roll_from_edges(scene_edges(rgb), person_box=person_box, max_abs_degrees=max_abs_degrees)


def roll_from_edges(
    edges: SceneEdges,
    *,
    person_box: tuple[float, float, float, float] | None = None,
    max_abs_degrees: float = 15.0,
) -> CameraRoll:
    """``estimate_roll`` from edges already found (``scene_edges``); same arguments and result."""
    width, height = edges.size
    if min(edges.shape) < 32:
        return _none(f"the image is too small to find edges in ({width}x{height} px)")
    long_side = float(max(edges.shape))
    box = None if person_box is None else tuple(v * edges.scale for v in person_box)
    segments = _vertical_segments(
        edges.segments,
        edges.shape,
        box,
        math.radians(max_abs_degrees),
        MIN_LENGTH_FRACTION * long_side,
    )
    if len(segments) < MIN_INLIERS:
        return _none(
            f"too few straight vertical edges in the background ({len(segments)} found); "
            + _NONE_ADVICE
        )
    outcome = _fit_vanishing_point(segments, math.radians(max_abs_degrees))
    return _judge(segments, outcome, long_side, max_abs_degrees)


def _check_inputs(
    rgb: np.ndarray,
    person_box: tuple[float, float, float, float] | None,
    max_abs_degrees: float,
) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(
            f"estimate_roll: expected an (H, W, 3) uint8 RGB image, got shape {rgb.shape} "
            f"dtype {rgb.dtype}"
        )
    if person_box is not None:
        x0, y0, x1, y1 = person_box
        if not all(math.isfinite(v) for v in person_box) or x1 <= x0 or y1 <= y0:
            raise ValueError(
                f"estimate_roll: expected person_box (x0, y0, x1, y1) with x0 < x1 and y0 < y1, "
                f"got {person_box}"
            )
    if not 0.0 < max_abs_degrees <= 45.0:
        raise ValueError(
            f"estimate_roll: expected max_abs_degrees in (0, 45], got {max_abs_degrees}"
        )


def _none(reason: str) -> CameraRoll:
    return CameraRoll(degrees=None, confidence=0.0, method="none", reason=reason)


def _working_grey(rgb: np.ndarray, grey: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """A grey copy with the long side at most WORKING_LONG_SIDE, and its scale from ``rgb``."""
    if grey is None:
        grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    scale = min(1.0, WORKING_LONG_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
        scale = grey.shape[1] / width
    return grey, scale


def _detect_segments(grey: np.ndarray) -> FloatArray:
    """(N, 4) segments x0, y0, x1, y1 in working pixels."""
    found: np.ndarray | None
    if hasattr(cv2, "createLineSegmentDetector"):
        detector = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE, LSD_SCALE)
        found = detector.detect(grey)[0]
    else:  # builds without LSD
        edges = cv2.Canny(cv2.GaussianBlur(grey, (5, 5), 1.2), 40, 120)
        long_side = max(grey.shape)
        found = cv2.HoughLinesP(
            edges,
            1,
            math.pi / 720,
            threshold=round(0.03 * long_side),
            minLineLength=MIN_LENGTH_FRACTION * long_side,
            maxLineGap=2,
        )
    if found is None:
        return np.zeros((0, 4))
    return np.asarray(found, dtype=np.float64).reshape(-1, 4)


def _clip_outside_box(segments: FloatArray, box: tuple[float, ...] | None) -> FloatArray:
    """Each segment cut to its longer part outside the person box grown by PERSON_MARGIN.

    Liang-Barsky: the segment is inside the box for t in [t_in, t_out]; the parts outside are
    [0, t_in] and [t_out, 1].
    """
    if box is None or len(segments) == 0:
        return segments
    x0, y0, x1, y1 = box
    margin_x = PERSON_MARGIN * (x1 - x0) + 2.0
    margin_y = PERSON_MARGIN * (y1 - y0) + 2.0
    lo = np.array([x0 - margin_x, y0 - margin_y])
    hi = np.array([x1 + margin_x, y1 + margin_y])
    start = segments[:, :2]
    delta = segments[:, 2:] - start
    with np.errstate(divide="ignore", invalid="ignore"):
        t_lo = (lo - start) / delta
        t_hi = (hi - start) / delta
    t_near = np.where(np.isnan(t_lo), -np.inf, np.minimum(t_lo, t_hi))
    t_far = np.where(np.isnan(t_hi), np.inf, np.maximum(t_lo, t_hi))
    # A zero delta along an axis: inside that slab for all t, or never.
    flat = delta == 0
    inside_slab = (start >= lo) & (start <= hi)
    t_near = np.where(flat, np.where(inside_slab, -np.inf, np.inf), t_near)
    t_far = np.where(flat, np.where(inside_slab, np.inf, -np.inf), t_far)
    t_in = np.clip(t_near.max(axis=1), 0.0, 1.0)
    t_out = np.clip(t_far.min(axis=1), 0.0, 1.0)
    crosses = t_in < t_out
    keep_head = t_in >= 1.0 - t_out  # the part before entering is the longer
    new_start = np.where((crosses & ~keep_head)[:, None], start + t_out[:, None] * delta, start)
    new_end = np.where(
        (crosses & keep_head)[:, None], start + t_in[:, None] * delta, segments[:, 2:]
    )
    return np.hstack([new_start, new_end])


def _clip_above(segments: FloatArray, floor_y: float) -> FloatArray:
    """Each segment cut to its part above the row ``floor_y`` (smaller y); empty if none is."""
    start = segments[:, :2]
    end = segments[:, 2:]
    dy = end[:, 1] - start[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(dy != 0, (floor_y - start[:, 1]) / dy, 0.0)
    at_floor = start + t[:, None] * (end - start)
    start_below = (start[:, 1] > floor_y)[:, None]
    end_below = (end[:, 1] > floor_y)[:, None]
    new_start = np.where(start_below, np.where(end_below, start, at_floor), start)
    new_end = np.where(end_below, np.where(start_below, start, at_floor), end)
    return np.hstack([new_start, new_end])


def _vertical_segments(
    raw: FloatArray,
    shape: tuple[int, ...],
    box: tuple[float, ...] | None,
    max_lean: float,
    min_length: float,
) -> _Segments:
    """Segments outside the person box and above their feet, near-vertical and long enough.

    Below the person's feet there is only floor nearer the camera than they are (anything standing
    farther away meets the floor higher in the picture), and lines on that floor running away
    from the camera look nearly vertical: so with a person box, only what is above its bottom
    counts.
    """
    clipped = _clip_outside_box(raw, box)
    if box is not None:
        clipped = _clip_above(clipped, box[3])
    delta = clipped[:, 2:] - clipped[:, :2]
    lengths = np.hypot(delta[:, 0], delta[:, 1])
    # Orient every segment downward so its lean is atan2(-dx, dy) in (-90°, 90°].
    delta = np.where((delta[:, 1] < 0)[:, None], -delta, delta)
    lean = np.arctan2(-delta[:, 0], delta[:, 1])
    keep = (lengths >= min_length) & (np.abs(lean) <= max_lean + math.radians(1.0))
    height, width = shape[:2]
    long_side = float(max(height, width))
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])
    midpoints = (clipped[keep, :2] + clipped[keep, 2:]) / 2.0
    return _Segments(
        points=(midpoints - centre) / long_side,
        directions=delta[keep] / lengths[keep, None],
        lengths=lengths[keep],
        weights=_patch_weights(midpoints, lengths[keep], long_side),
    )


def _patch_weights(midpoints: FloatArray, lengths: FloatArray, long_side: float) -> FloatArray:
    """Lengths, scaled down where many segments crowd one patch of the image.

    A radiator's fins, window blinds or a bookcase give dozens of parallel edges that share one
    error (the object may not be plumb, the lens may bend that corner): they are one witness, not
    dozens. Each patch (PATCH_FRACTION of the long side square) counts for at most PATCH_CAP
    long sides of edge, or its longest segment if that is longer.
    """
    if len(lengths) == 0:
        return lengths
    cells = np.floor(midpoints / (PATCH_FRACTION * long_side)).astype(np.int64)
    # one number per patch (row-major from the lowest cell): numpy's unique rows cost 3 times more
    cells -= cells.min(axis=0)
    key = cells[:, 0] * (int(cells[:, 1].max()) + 1) + cells[:, 1]
    _, patch, counts = np.unique(key, return_inverse=True, return_counts=True)
    totals = np.bincount(patch, weights=lengths)
    longest = np.zeros(len(counts))
    np.maximum.at(longest, patch, lengths)
    allowed = np.maximum(PATCH_CAP * long_side, longest)
    scale = np.minimum(1.0, allowed / totals)
    weights: FloatArray = lengths * scale[patch]
    return weights


def _residuals(segments: _Segments, roll: FloatArray, k: FloatArray) -> FloatArray:
    """Angular residuals, radians, of every segment under every hypothesis: (H, N).

    The vertical through a midpoint p points along q = u - k p (toward the vanishing point u / k),
    u = (-sin roll, cos roll); the residual is the segment's lean minus q's, folded to ±90°
    (lines have no direction).
    """
    qx = -np.sin(roll)[:, None] - k[:, None] * segments.points[None, :, 0]
    qy = np.cos(roll)[:, None] - k[:, None] * segments.points[None, :, 1]
    dx = segments.directions[None, :, 0]
    dy = segments.directions[None, :, 1]
    residual: FloatArray = np.arctan((qx * dy - qy * dx) / (qx * dx + qy * dy))
    return residual


@dataclass(frozen=True)
class _Hypotheses:
    """Candidate vanishing points: ``rolls`` (H,) radians, ``ks`` (H,), and ``seeds`` (H, 2),
    the segments each was built from (-1 where a single segment made it)."""

    rolls: FloatArray
    ks: FloatArray
    seeds: npt.NDArray[np.int64]


def _hypotheses(segments: _Segments, max_roll: float) -> _Hypotheses:
    """(roll, k) from each single segment (k = 0) and each pair of the heaviest (their crossing)."""
    count = len(segments)
    order = np.argsort(-segments.weights)[:MAX_SEEDS]
    d = segments.directions
    single_roll = np.arctan2(-d[:, 0], d[:, 1])
    normals = np.stack([d[order, 1], -d[order, 0]], axis=1)
    offsets = (normals * segments.points[order]).sum(axis=1)
    lines = np.column_stack([normals, -offsets])  # n.x - c = 0, homogeneous (a, b, c)
    first, second = np.triu_indices(len(order), k=1)
    crossing = np.cross(lines[first], lines[second])  # (X, Y, W): u ~ (X, Y), k ~ W
    crossing *= np.where(crossing[:, 1] < 0, -1.0, 1.0)[:, None]
    norm = np.hypot(crossing[:, 0], crossing[:, 1])
    valid = norm > 1e-12
    rolls = np.concatenate([single_roll, np.arctan2(-crossing[valid, 0], crossing[valid, 1])])
    ks = np.concatenate([np.zeros(count), crossing[valid, 2] / norm[valid]])
    seeds = np.concatenate(
        [
            np.column_stack([np.arange(count), np.full(count, -1)]),
            np.column_stack([order[first[valid]], order[second[valid]]]),
        ]
    ).astype(np.int64)
    usable = (np.abs(rolls) <= max_roll + math.radians(1.0)) & (np.abs(ks) <= MAX_INVERSE_DISTANCE)
    return _Hypotheses(rolls[usable], ks[usable], seeds[usable])


def _support(residuals: FloatArray, seeds: npt.NDArray[np.int64] | None = None) -> FloatArray:
    """Truncated-quadratic support of each segment for each hypothesis: (H, N), 0-1.

    A hypothesis built from a segment fits it exactly by construction, so its seeds lend it no
    support: every hypothesis is judged on the segments it did not see.
    """
    tau = math.radians(INLIER_DEGREES)
    support: FloatArray = np.clip(1.0 - (residuals / tau) ** 2, 0.0, None)
    if seeds is not None:
        rows = np.arange(len(seeds))
        for column in range(seeds.shape[1]):
            used = seeds[:, column] >= 0
            support[rows[used], seeds[used, column]] = 0.0
    return support


@dataclass(frozen=True)
class _Outcome:
    """The winning fit; ``rival``: the support of the strongest group of edges the winner leaves
    unexplained that agrees on another roll, over the winner's; ``ambiguity``: the support of the
    best other refined fit rolled well away, counting shared edges, over the winner's."""

    fit: _Fit
    rival: float
    ambiguity: float


def _fit_vanishing_point(segments: _Segments, max_roll: float) -> _Outcome:
    """The best vanishing point, refined, and how strong its disagreeing rivals are.

    The few best-supported, mutually distinct hypotheses are each refined; the refined fit with
    the most support wins (choosing among refined local optima rather than raw hypotheses keeps
    the choice from flipping on small changes to the image). Rivals are fits rolled at least
    RIVAL_DEGREES away from the winner. A rival group (contradiction) is a hypothesis or refined
    fit judged only on the edges the winner leaves unexplained (at least MIN_INLIERS of them).
    An ambiguous alternative is another refined fit explaining much the same edges with another
    roll and pitch: when the edges all stand on one side of the picture, roll and pitch trade
    off along a ridge and the winner is only marginally better.
    """
    candidates = _hypotheses(segments, max_roll)
    if len(candidates.rolls) == 0:  # nothing in range: start from parallel, unrolled verticals
        candidates = _Hypotheses(np.zeros(1), np.zeros(1), np.full((1, 2), -1, dtype=np.int64))
    residuals = _residuals(segments, candidates.rolls, candidates.ks)
    support = _support(residuals, candidates.seeds)
    scores = support @ segments.weights
    best = _distinct_best(candidates, scores)
    fits = _refine(segments, candidates.rolls[best], candidates.ks[best])
    fits.sort(key=lambda fit: -fit.score)
    fit = fits[0]
    if fit.score <= 0:
        return _Outcome(fit, 0.0, 0.0)
    outside = ~fit.inliers
    others = [other for other in fits[1:] if abs(other.roll - fit.roll) > RIVAL_RADIANS]
    ambiguity = max((other.score for other in others), default=0.0) / fit.score
    away = np.abs(candidates.rolls - fit.roll) > RIVAL_RADIANS
    rival_support = np.vstack(
        [support[away][:, outside]] + [_support(other.residuals[None, outside]) for other in others]
    )
    rival = 0.0
    enough = (rival_support > 0).sum(axis=1) >= MIN_INLIERS
    if enough.any():
        rival = max(rival, float((rival_support[enough] @ segments.weights[outside]).max()))
    return _Outcome(fit, rival / fit.score, ambiguity)


def _distinct_best(candidates: _Hypotheses, scores: FloatArray) -> list[int]:
    """Indices of the REFINE_CANDIDATES best-scoring hypotheses, no two nearly the same: the best,
    then the best of those not nearly the same as any chosen, and so on."""
    order = np.argsort(-scores)
    rolls, ks = candidates.rolls[order], candidates.ks[order]
    left = np.ones(len(order), dtype=bool)  # not nearly the same as any chosen
    chosen: list[int] = []
    while len(chosen) < REFINE_CANDIDATES and left.any():
        first = int(np.argmax(left))
        chosen.append(int(order[first]))
        left &= (np.abs(rolls - rolls[first]) > math.radians(0.5)) | (np.abs(ks - ks[first]) > 0.05)
    return chosen


def _refine(
    segments: _Segments, rolls: FloatArray, ks: FloatArray, iterations: int = 8
) -> list[_Fit]:
    """Iteratively reweighted Gauss-Newton on (roll, k) from each start, Tukey weights, weak
    prior on k.

    The weights are the segment weights times Tukey's biweight of the residual, rescaled to the
    effective number of segments over the residual variance, so that the 2x2 information matrix
    (plus the prior on k) gives the standard error of the roll. The starts are refined side by
    side, each stopping on its own (a few dozen segments: numpy's call overhead is the cost).
    """
    tukey = 2.0 * math.radians(INLIER_DEGREES)
    prior = 1.0 / PRIOR_INVERSE_DISTANCE**2
    floor = math.radians(0.2) ** 2
    roll, k = np.array(rolls, dtype=np.float64), np.array(ks, dtype=np.float64)
    variance = np.full(len(roll), math.inf)
    active = np.ones(len(roll), dtype=bool)
    for _ in range(iterations):
        residual, d_roll, d_k = _linearise(segments, roll, k)
        biweight = np.maximum(1.0 - (residual / tukey) ** 2, 0.0)
        weights = segments.weights * biweight * biweight
        total = weights.sum(axis=1)
        active &= total > 0
        if not active.any():
            break
        total = np.where(active, total, 1.0)
        squares = (weights * weights).sum(axis=1)
        effective = np.where(squares > 0, total * total / np.where(squares > 0, squares, 1.0), 0.0)
        residual_scale = np.maximum((weights * residual * residual).sum(axis=1) / total, floor)
        w = weights * (effective / total / residual_scale)[:, None]
        w_roll, w_k = w * d_roll, w * d_k
        a = (w_roll * d_roll).sum(axis=1)
        b = (w_roll * d_k).sum(axis=1)
        c = (w_k * d_k).sum(axis=1) + prior
        g_roll = (w_roll * residual).sum(axis=1)
        g_k = (w_k * residual).sum(axis=1) - prior * k
        determinant = a * c - b * b
        active &= determinant > 0
        if not active.any():
            break
        safe = np.where(active, determinant, 1.0)
        step_roll = (c * g_roll - b * g_k) / safe
        step_k = (a * g_k - b * g_roll) / safe
        variance = np.where(active, c / safe, variance)
        roll = np.where(active, roll + step_roll, roll)
        k = np.where(active, np.clip(k + step_k, -MAX_INVERSE_DISTANCE, MAX_INVERSE_DISTANCE), k)
        active &= (np.abs(step_roll) >= 1e-6) | (np.abs(step_k) >= 1e-5)
        if not active.any():
            break
    residual = _linearise(segments, roll, k)[0]
    inliers = np.abs(residual) <= 2.0 * math.radians(INLIER_DEGREES)
    scores = _support(residual) @ segments.weights
    return [
        _Fit(
            float(roll[i]),
            float(k[i]),
            residual[i],
            inliers[i],
            math.sqrt(float(variance[i])),
            float(scores[i]),
        )
        for i in range(len(roll))
    ]


def _linearise(segments: _Segments, roll: FloatArray, k: FloatArray) -> tuple[FloatArray, ...]:
    """Residuals (observed minus predicted lean, radians) and the predicted lean's derivatives
    with respect to roll and k, each (C, N) for C values of (roll, k) and N segments."""
    px, py = segments.points[:, 0], segments.points[:, 1]
    dx, dy = segments.directions[:, 0], segments.directions[:, 1]
    sin, cos = np.sin(roll)[:, None], np.cos(roll)[:, None]
    qx = -sin - k[:, None] * px
    qy = cos - k[:, None] * py
    residual = np.arctan((qx * dy - qy * dx) / (qx * dx + qy * dy))
    squared = qx * qx + qy * qy
    # lean(q) = atan2(-qx, qy), so d lean = (qx dqy - qy dqx) / |q|^2, with
    # dq/droll = (-cos, -sin) and dq/dk = -(px, py).
    d_roll = (qy * cos - qx * sin) / squared
    d_k = (qy * px - qx * py) / squared
    return residual, d_roll, d_k


def _weighted_rms(values: FloatArray, weights: FloatArray) -> float:
    total = float(weights.sum())
    if total <= 0:
        return math.inf
    return math.sqrt(float((weights * values**2).sum()) / total)


def _judge(
    segments: _Segments, outcome: _Outcome, long_side: float, max_abs_degrees: float
) -> CameraRoll:
    """Turn the fit into a CameraRoll: None when the evidence is thin or contradictory."""
    fit, rival, ambiguity = outcome.fit, outcome.rival, outcome.ambiguity
    count = int(fit.inliers.sum())
    # Lengths capped per patch (see _patch_weights): a crowd of fins counts as one witness.
    inlier_weights = segments.weights[fit.inliers]
    total = float(inlier_weights.sum())
    share = total / float(segments.weights.sum())
    spread = math.degrees(_weighted_rms(fit.residuals[fit.inliers], inlier_weights))
    degrees = math.degrees(fit.roll)
    error = math.degrees(fit.standard_error)
    found = f"{count} of {len(segments)} near-vertical edges"
    if count < MIN_INLIERS:
        return _none(
            f"too few straight vertical edges in the background agree ({found}); " + _NONE_ADVICE
        )
    if total < MIN_TOTAL_LENGTH_FRACTION * long_side:
        return _none(
            f"the straight vertical edges in the background are too short ({found}, "
            f"{total / long_side:.0%} of the image's long side in all); " + _NONE_ADVICE
        )
    if rival >= RIVAL_RATIO:
        return _none(
            "the vertical edges in the background disagree: two groups point different ways "
            f"({found} agree with the stronger, a rival group is {rival:.0%} as strong); "
            + _NONE_ADVICE
        )
    if abs(degrees) > max_abs_degrees:
        return _none(
            f"the vertical edges point to a roll of {degrees:.1f}°, beyond the "
            f"{max_abs_degrees:g}° considered; " + _NONE_ADVICE
        )
    confidence = _confidence(count, total / long_side, spread, error, share, rival, ambiguity)
    if confidence < MIN_CONFIDENCE:
        return _none(
            f"the vertical edges in the background are too weak or too mixed to trust ({found} "
            f"agree on {degrees:+.1f}° within {spread:.1f}°; a disagreeing group is "
            f"{rival:.0%} as strong, another roll and pitch explain them {ambiguity:.0%} as "
            f"well; confidence {confidence:.2f}); " + _NONE_ADVICE
        )
    pitch = math.degrees(math.atan(fit.inverse_distance))
    converge = ""
    if abs(fit.inverse_distance) >= 0.05:
        where = "below" if fit.inverse_distance > 0 else "above"
        converge = f"; they converge {where} the picture (camera pitched about {abs(pitch):.0f}°)"
    reason = (
        f"{found} ({total / long_side:.1f} image long sides of edge in all, {share:.0%} of the "
        f"near-vertical length) agree within {spread:.1f}° (RMS){converge}; "
        f"roll {degrees:+.1f}° ± {error:.1f}°"
    )
    return CameraRoll(
        degrees=degrees,
        confidence=confidence,
        method="vertical edges",
        reason=reason,
        inverse_distance=fit.inverse_distance,
    )


def _confidence(
    count: int,
    total: float,
    spread: float,
    error: float,
    share: float,
    rival: float,
    ambiguity: float,
) -> float:
    """0-1 from the number, total length (in long sides), agreement and precision of the edges,
    how strong a disagreeing group is and how nearly another roll explains them as well."""
    by_count = 1.0 - math.exp(-(count - MIN_INLIERS + 1) / 3.0)
    by_length = 1.0 - math.exp(-total / 1.0)
    by_spread = math.exp(-((spread / 1.5) ** 2))
    by_error = math.exp(-((error / 1.0) ** 2))
    by_share = min(1.0, share / 0.5)
    by_rival = 1.0 - (min(rival, RIVAL_RATIO) / RIVAL_RATIO) ** 2
    by_ambiguity = min(1.0, max(0.0, (1.0 - ambiguity) / (1.0 - AMBIGUITY_FREE)))
    value = (
        by_count
        * by_length
        * by_spread
        * by_error
        * (0.5 + 0.5 * by_share)
        * by_rival
        * by_ambiguity
    )
    return float(min(1.0, max(0.0, value)))


#: A roll estimate is acted on (measures corrected, the camera judged level or not) only from this
#: confidence up: on real photos turned by known angles, estimates at >= 0.3 were within 0.5° of
#: the truth, lower ones up to 1.2° off (tests/test_roll.py). On the 24 shared photos turned by
#: -8..8° (``python -m posecheck.dev roll-check``, tests/test_rollcheck.py), the 97 estimates at
#: >= 0.3 were 0.41° RMS off (p90 0.55°, at most 1.94°).
ROLL_MIN_CONFIDENCE = 0.3


@dataclass(frozen=True)
class UsableRoll:
    """A roll estimate sure enough to act on: ``degrees`` as in :class:`CameraRoll`."""

    degrees: float
    confidence: float


def usable_roll(roll: CameraRoll | None) -> UsableRoll | None:
    """The roll to act on, or None when there is no estimate sure enough."""
    if roll is None or roll.degrees is None or roll.confidence < ROLL_MIN_CONFIDENCE:
        return None
    return UsableRoll(roll.degrees, roll.confidence)


def roll_known(roll: CameraRoll | None) -> bool:
    """Whether the estimate is sure enough to act on as it is (:func:`usable_roll`)."""
    return usable_roll(roll) is not None


#: How far a hand-held phone is plausibly rolled when nothing in the photo says (degrees): a
#: reading taken against the horizontal or vertical then carries this much more doubt.
PLAUSIBLE_ROLL_DEGREES = 3.0
#: An estimate under ROLL_MIN_CONFIDENCE (found all the same: at least MIN_CONFIDENCE) is still
#: evidence, this far off (degrees, one SD): on real photos turned by known angles such estimates
#: were up to 1.2° off (tests/test_roll.py), on the 14 of the training renders (train, hard_train)
#: up to 0.86°. Held out, on the test renders (test, hard_test), 24 of 25 were within 1.5° and one
#: was 4.0° off; on the 24 shared photos turned by -8..8° (``python -m posecheck.dev roll-check``),
#: 26 were 1.27° RMS off (median 0.26°, p90 1.23°, at most 4.71° on a photo rolled 19°).
WEAK_ROLL_DEGREES = 1.5


@dataclass(frozen=True)
class RollToUndo:
    """What the readings do about the camera's roll: undo ``degrees`` and allow ``doubt`` degrees
    of error about it; ``doubt`` is 0 for a usable estimate."""

    degrees: float
    doubt: float


def vertical_at(roll: CameraRoll | None, point: FloatArray, size: tuple[int, int]) -> float:
    """The roll to undo, in degrees, for a measure taken against the true vertical at ``point``
    (x, y pixels of a picture of ``size`` (width, height)).

    With the camera looking down (or up), true verticals converge on a vanishing point below (or
    above) the picture, so away from its centre line they lean further than the roll: at a
    tenth of the long side off it, about 1.5° for a phone looking down 15°. A usable estimate
    knows how fast they converge (``CameraRoll.inverse_distance``); otherwise this is
    ``roll_to_undo``'s roll.
    """
    undo = roll_to_undo(roll)
    if roll is None or usable_roll(roll) is None or not roll.inverse_distance:
        return undo.degrees
    width, height = size
    long_side = float(max(width, height))
    x = (float(point[0]) - (width - 1) / 2.0) / long_side
    y = (float(point[1]) - (height - 1) / 2.0) / long_side
    angle = math.radians(undo.degrees)
    # the true "down" through (x, y) points at the vanishing point: u - k p (see _residuals)
    down_x = -math.sin(angle) - roll.inverse_distance * x
    down_y = math.cos(angle) - roll.inverse_distance * y
    return math.degrees(math.atan2(-down_x, down_y))


def roll_to_undo(roll: CameraRoll | None) -> RollToUndo:
    """The roll readings taken against the true horizontal or vertical undo, and its doubt.

    A usable estimate is undone as it is. Without one, the roll is taken as 0 give or take the
    plausible roll of a hand-held phone; a weak estimate is combined with that, each weighted by
    the inverse of its variance (with 1.5° and 3°: 0.8 of the estimate, give or take 1.3°).
    """
    usable = usable_roll(roll)
    if usable is not None:
        return RollToUndo(usable.degrees, 0.0)
    if roll is None or roll.degrees is None:
        return RollToUndo(0.0, PLAUSIBLE_ROLL_DEGREES)
    prior, weak = 1.0 / PLAUSIBLE_ROLL_DEGREES**2, 1.0 / WEAK_ROLL_DEGREES**2
    return RollToUndo(roll.degrees * weak / (prior + weak), math.sqrt(1.0 / (prior + weak)))
