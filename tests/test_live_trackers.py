"""Trackers on synthetic sequences with known counts and holds: clean, noisy, with missed frames,
uneven frame gaps and timestamp restarts; and properties that hold for any input."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posecheck.live.trackers import (
    CircleCounter,
    CircleParams,
    HoldParams,
    HoldPhase,
    HoldTimer,
    RepCounter,
    RepEvent,
    RepParams,
    RepPhase,
    Rotation,
)

Sample = tuple[float | None, float]


def frame_times(
    duration_ms: float, fps: float = 30.0, *, jitter: float = 0.0, seed: int = 0
) -> np.ndarray:
    """Frame times from 0 to ``duration_ms``; with ``jitter`` each gap is scaled by a random
    factor in [1 - jitter, 1 + 3 * jitter] (uneven gaps, as when frames are dropped)."""
    rng = np.random.default_rng(seed)
    gap = 1000.0 / fps
    count = int(duration_ms / gap) + 1
    gaps = gap * rng.uniform(1 - jitter, 1 + 3 * jitter, size=count)
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    return times[times <= duration_ms]


def reps_signal(times: np.ndarray, period_ms: float, reps: int) -> np.ndarray:
    """``reps`` smooth repetitions from 0 (rest) up to 1 and back, then rest at 0."""
    phase = np.clip(times / period_ms, 0, reps)
    return 0.5 - 0.5 * np.cos(2 * np.pi * phase)


def samples(
    times: np.ndarray,
    values: np.ndarray,
    *,
    noise: float = 0.0,
    missing: float = 0.0,
    seed: int = 1,
) -> list[Sample]:
    """(value or None, t_ms) pairs with Gaussian noise and a share of missed frames."""
    rng = np.random.default_rng(seed)
    noisy = values + rng.normal(0.0, noise, size=values.shape) if noise else values
    dropped = rng.random(times.size) < missing
    return [
        (None if drop else float(v), float(t))
        for v, t, drop in zip(noisy, times, dropped, strict=True)
    ]


def run_reps(counter: RepCounter, stream: Sequence[Sample]) -> int:
    count = 0
    for value, t_ms in stream:
        count = counter.update(value, t_ms).count
    return count


HEEL = RepParams(low=0.3, high=0.7, min_dwell_ms=200.0, max_rep_ms=6000.0)


# --- RepCounter --------------------------------------------------------------------------------


@pytest.mark.parametrize("reps", [1, 5, 12])
@pytest.mark.parametrize("period_ms", [1200.0, 2500.0])
def test_reps_exact_on_clean_signal(reps: int, period_ms: float) -> None:
    times = frame_times(period_ms * (reps + 1))
    counter = RepCounter(HEEL)
    assert run_reps(counter, samples(times, reps_signal(times, period_ms, reps))) == reps
    state = counter.state()
    assert state.phase is RepPhase.REST
    assert state.rejected == 0
    # from leaving the rest zone (rising past 0.3) to re-entering it (falling past 0.3)
    outside_rest = 1 - math.acos(1 - 2 * 0.3) / math.pi
    assert state.last_rep_ms == pytest.approx(period_ms * outside_rest, abs=70)
    assert state.last_peak == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("seed", range(5))
def test_reps_with_noise_missed_frames_and_uneven_gaps(seed: int) -> None:
    reps, period_ms = 10, 1800.0
    times = frame_times(period_ms * (reps + 1), 30, jitter=0.6, seed=seed)
    stream = samples(
        times, reps_signal(times, period_ms, reps), noise=0.07, missing=0.25, seed=seed
    )
    assert abs(run_reps(RepCounter(HEEL), stream) - reps) <= 1


def test_reps_exact_under_moderate_noise() -> None:
    reps, period_ms = 10, 1800.0
    times = frame_times(period_ms * (reps + 1), 30, jitter=0.3, seed=11)
    stream = samples(times, reps_signal(times, period_ms, reps), noise=0.04, missing=0.1, seed=11)
    assert run_reps(RepCounter(HEEL), stream) == reps


def test_hysteresis_is_what_absorbs_the_noise() -> None:
    # The same noisy stream with the thresholds almost together over-counts: the band matters.
    reps, period_ms = 10, 1800.0
    times = frame_times(period_ms * (reps + 1), 30, seed=0)
    stream = samples(times, reps_signal(times, period_ms, reps), noise=0.07, seed=0)
    narrow = RepCounter(RepParams(low=0.49, high=0.51))
    assert run_reps(narrow, stream) > reps + 1
    assert run_reps(RepCounter(RepParams(low=0.3, high=0.7)), stream) == reps


def test_active_low_counts_the_mirrored_movement() -> None:
    reps, period_ms = 6, 1500.0
    times = frame_times(period_ms * (reps + 1))
    values = reps_signal(times, period_ms, reps)
    down = RepCounter(RepParams(low=-0.7, high=-0.3, active_high=False, min_dwell_ms=200))
    assert run_reps(down, samples(times, -values)) == reps


def test_a_spike_shorter_than_the_dwell_does_not_count() -> None:
    counter = RepCounter(HEEL)
    stream: list[Sample] = [(0.0, t) for t in range(0, 1000, 33)]
    stream += [(0.9, 1000.0), (0.9, 1033.0), (0.0, 1066.0)]  # up for 33 ms
    state = None
    for value, t_ms in stream:
        state = counter.update(value, t_ms)
    assert state is not None
    assert (state.count, state.rejected, state.last_event) == (0, 1, RepEvent.TOO_SHORT)


def test_a_rep_slower_than_the_maximum_does_not_count() -> None:
    times = frame_times(20000)
    values = reps_signal(times, 15000.0, 1)  # one 15 s rep against a 6 s maximum
    counter = RepCounter(HEEL)
    assert run_reps(counter, samples(times, values)) == 0
    assert counter.state().last_event is RepEvent.TOO_LONG


def test_starting_in_the_active_phase_waits_for_rest() -> None:
    counter = RepCounter(RepParams(low=0.3, high=0.7))
    assert counter.update(0.9, 0.0).phase is RepPhase.WAITING
    assert counter.update(0.5, 100.0).phase is RepPhase.WAITING
    assert counter.update(0.1, 200.0).phase is RepPhase.REST  # the first descent is no rep
    for t_ms, value in ((300.0, 0.9), (400.0, 0.9), (500.0, 0.1)):
        state = counter.update(value, t_ms)
    assert state.count == 1


def test_dwell_and_peak_while_active() -> None:
    counter = RepCounter(RepParams(low=0.3, high=0.7))
    counter.update(0.0, 0.0)
    counter.update(0.8, 100.0)
    state = counter.update(0.95, 350.0)
    assert state.phase is RepPhase.ACTIVE
    assert state.dwell_ms == 250.0
    assert state.peak == 0.95


def test_short_gap_keeps_the_rep_long_gap_drops_it() -> None:
    def one_rep_with_gap(gap_ms: float) -> tuple[int, RepEvent]:
        counter = RepCounter(RepParams(low=0.3, high=0.7, max_gap_ms=500.0))
        counter.update(0.0, 0.0)
        counter.update(0.9, 100.0)
        counter.update(0.9, 300.0)
        t_ms = 300.0
        while t_ms < 300.0 + gap_ms:
            t_ms += 33.0
            counter.update(None, t_ms)
        state = counter.update(0.0, t_ms + 33.0)
        return state.count, state.last_event

    assert one_rep_with_gap(300.0) == (1, RepEvent.COUNTED)
    assert one_rep_with_gap(900.0) == (0, RepEvent.GAP)


def test_long_gap_shows_while_it_lasts() -> None:
    counter = RepCounter(RepParams(low=0.3, high=0.7, max_gap_ms=500.0))
    counter.update(0.0, 0.0)
    counter.update(0.9, 100.0)
    state = counter.update(None, 700.0)
    assert state.phase is RepPhase.WAITING
    assert state.last_event is RepEvent.GAP
    assert state.missing_ms == 600.0


@pytest.mark.parametrize("restart_at", [0.0, 5.0])
def test_restart_keeps_the_count_and_drops_the_partial_rep(restart_at: float) -> None:
    period_ms = 1500.0
    times = frame_times(period_ms * 3.5)  # 3 reps, then half-way up a fourth
    values = reps_signal(times, period_ms, 4)
    counter = RepCounter(HEEL)
    assert run_reps(counter, samples(times, values)) == 3
    assert counter.state().phase is RepPhase.ACTIVE
    # The camera restarts at 0 (or the clock repeats a time): the partial rep is dropped,
    # the count stays, and counting goes on in the new stream.
    state = counter.update(float(values[-1]), restart_at)
    assert (state.count, state.restarts, state.last_event) == (3, 1, RepEvent.RESTART)
    assert state.phase is RepPhase.WAITING
    after = samples(times + restart_at + 10.0, reps_signal(times, period_ms, 2))
    assert run_reps(counter, after) == 5


def test_equal_timestamp_is_a_restart() -> None:
    counter = RepCounter(RepParams(low=0.3, high=0.7))
    counter.update(0.0, 100.0)
    assert counter.update(0.0, 100.0).restarts == 1


def test_reset_clears_counts() -> None:
    times = frame_times(4000)
    counter = RepCounter(HEEL)
    assert run_reps(counter, samples(times, reps_signal(times, 1500.0, 2))) == 2
    counter.reset()
    state = counter.state()
    assert (state.count, state.rejected, state.restarts, state.phase) == (
        0,
        0,
        0,
        RepPhase.WAITING,
    )


def test_rep_params_are_checked() -> None:
    with pytest.raises(ValueError, match="low < high"):
        RepParams(low=1.0, high=1.0)
    with pytest.raises(ValueError, match="max_gap_ms"):
        RepParams(low=0.0, high=1.0, max_gap_ms=0.0)
    with pytest.raises(ValueError, match="min_dwell_ms"):
        RepParams(low=0.0, high=1.0, min_dwell_ms=-1.0)


# Arbitrary streams: values (some missing) at times that mostly increase, sometimes jump back.
stream_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.just(math.nan), st.floats(-2, 2)),
        st.one_of(st.floats(1, 400), st.floats(-3000, 0)),
    ),
    max_size=150,
)


def _timed(steps: list[tuple[float | None, float]]) -> Iterator[Sample]:
    t_ms = 0.0
    for value, step in steps:
        t_ms = max(t_ms + step, 0.0)
        yield value, t_ms


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(stream_strategy, st.floats(-1, 0.9), st.floats(0.05, 1), st.floats(0, 500))
def test_rep_counts_never_decrease(
    steps: list[tuple[float | None, float]], low: float, width: float, dwell: float
) -> None:
    counter = RepCounter(RepParams(low=low, high=low + width, min_dwell_ms=dwell))
    previous = counter.state()
    for value, t_ms in _timed(steps):
        state = counter.update(value, t_ms)
        assert state.count >= previous.count
        assert state.rejected >= previous.rejected
        assert state.restarts >= previous.restarts
        assert state.dwell_ms >= 0.0
        previous = state


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(stream_strategy, st.floats(-1, 0.9), st.floats(0.05, 1))
def test_direction_flag_mirrors_the_signal(
    steps: list[tuple[float | None, float]], low: float, width: float
) -> None:
    up = RepCounter(RepParams(low=low, high=low + width, min_dwell_ms=100))
    down = RepCounter(RepParams(low=-(low + width), high=-low, active_high=False, min_dwell_ms=100))
    for value, t_ms in _timed(steps):
        mirrored = None if value is None else -value
        state, mirrored_state = up.update(value, t_ms), down.update(mirrored, t_ms)
        assert state == replace(
            mirrored_state,
            peak=_negated(mirrored_state.peak),
            last_peak=_negated(mirrored_state.last_peak),
        )


def _negated(value: float | None) -> float | None:
    return None if value is None else -value


# --- HoldTimer ---------------------------------------------------------------------------------


def holds_signal(times: np.ndarray, holds_ms: Sequence[float], rest_ms: float) -> np.ndarray:
    """1.0 during each hold, 0.0 during the rests before and between them."""
    values = np.zeros_like(times)
    start = rest_ms
    for length in holds_ms:
        values[(times >= start) & (times <= start + length)] = 1.0
        start += length + rest_ms
    return values


def run_holds(timer: HoldTimer, stream: Sequence[Sample]) -> None:
    for value, t_ms in stream:
        timer.update(value, t_ms)


def test_three_holds_of_twenty_seconds() -> None:
    times = frame_times(80000)
    values = holds_signal(times, [21000, 21000, 21000], 4000)
    timer = HoldTimer(HoldParams(low=0.5, target_ms=20000))
    run_holds(timer, samples(times, values))
    state = timer.state()
    assert state.completed == 3
    assert state.best_ms == pytest.approx(21000, abs=70)  # to within two frames
    assert state.total_ms == pytest.approx(63000, abs=200)
    assert state.phase is HoldPhase.IDLE


def test_a_hold_short_of_the_target_is_not_completed() -> None:
    times = frame_times(52000)
    timer = HoldTimer(HoldParams(low=0.5, target_ms=20000))
    run_holds(timer, samples(times, holds_signal(times, [19000, 25000], 2000)))
    state = timer.state()
    assert state.completed == 1
    assert state.last_hold_ms == pytest.approx(25000, abs=70)  # to within two frames


def test_completion_counts_the_moment_the_target_is_reached_and_once() -> None:
    timer = HoldTimer(HoldParams(low=0.5, target_ms=1000))
    timer.update(1.0, 0.0)
    assert timer.update(1.0, 999.0).completed == 0
    assert timer.update(1.0, 1000.0).completed == 1
    assert timer.update(1.0, 5000.0).completed == 1  # one long hold is one hold
    assert timer.state().phase is HoldPhase.HOLDING


@pytest.mark.parametrize("seed", range(3))
def test_flickers_within_the_grace_period_do_not_reset_the_hold(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times = frame_times(30000, 30, jitter=0.5, seed=seed)
    values = np.where(times >= 1000, 1.0 + rng.normal(0, 0.05, times.size), 0.0)
    # brief slips out of range, 30-150 ms every 2-4 s
    slip_starts = np.cumsum(rng.uniform(2000, 4000, size=20)) + 1000
    for start in slip_starts:
        values[(times >= start) & (times < start + rng.uniform(30, 150))] = 0.0
    timer = HoldTimer(HoldParams(low=0.5, high=1.5, grace_ms=500, target_ms=20000))
    run_holds(timer, samples(times, values, missing=0.2, seed=seed))
    state = timer.state()
    assert state.completed == 1
    assert state.hold_ms == pytest.approx(29000, abs=300)
    assert state.best_ms == 0.0  # the hold is still going on


def test_out_of_range_beyond_the_grace_period_ends_the_hold() -> None:
    timer = HoldTimer(HoldParams(low=0.5, grace_ms=500))
    for t_ms in range(0, 2001, 100):
        timer.update(1.0, float(t_ms))
    assert timer.update(0.0, 2100.0).phase is HoldPhase.GRACE
    assert timer.update(0.0, 2400.0).hold_ms == 2000.0  # still alive, length to the last in-range
    state = timer.update(0.0, 2600.0)
    assert state.phase is HoldPhase.IDLE
    assert state.last_hold_ms == 2000.0
    assert timer.update(1.0, 2700.0).hold_ms == 0.0  # a new hold starts


def test_missing_frames_bridge_a_hold_up_to_max_gap() -> None:
    def hold_after_gap(gap_ms: float) -> float:
        timer = HoldTimer(HoldParams(low=0.5, grace_ms=300, max_gap_ms=1000))
        timer.update(1.0, 0.0)
        timer.update(1.0, 1000.0)
        for t_ms in np.arange(1033.0, 1000.0 + gap_ms, 33.0):
            timer.update(None, float(t_ms))
        return timer.update(1.0, 1000.0 + gap_ms).hold_ms

    assert hold_after_gap(800.0) == 1800.0
    assert hold_after_gap(1500.0) == 0.0  # the hold ended; a new one starts here


def test_missing_frames_after_leaving_the_range_use_the_grace_period() -> None:
    timer = HoldTimer(HoldParams(low=0.5, grace_ms=300, max_gap_ms=1000))
    timer.update(1.0, 0.0)
    timer.update(1.0, 1000.0)
    timer.update(0.0, 1100.0)
    assert timer.update(None, 1250.0).phase is HoldPhase.GRACE
    state = timer.update(None, 1400.0)
    assert state.phase is HoldPhase.IDLE
    assert state.best_ms == 1000.0


def test_band_and_threshold_conditions() -> None:
    band = HoldParams(low=160.0, high=185.0)
    assert band.holds(170.0) and band.holds(160.0) and not band.holds(150.0)
    assert not band.holds(190.0)
    above = HoldParams(low=0.2)
    assert above.holds(5.0) and not above.holds(0.1)
    below = HoldParams(high=0.02)
    assert below.holds(-1.0) and not below.holds(0.03)


def test_restart_keeps_completed_and_drops_the_partial_hold() -> None:
    timer = HoldTimer(HoldParams(low=0.5, target_ms=1000))
    for t_ms in range(0, 1501, 50):
        timer.update(1.0, float(t_ms))
    for t_ms in range(1550, 2501, 50):  # out of range for longer than the grace period
        timer.update(0.0, float(t_ms))
    for t_ms in range(2600, 3301, 50):  # a second hold, 700 ms so far
        timer.update(1.0, float(t_ms))
    state = timer.update(1.0, 0.0)  # camera restart
    assert state.restarts == 1
    assert state.completed == 1
    assert state.best_ms == 1500.0  # the 700 ms partial hold is not recorded
    assert state.total_ms == 1500.0
    assert state.hold_ms == 0.0  # a new hold starts with the restart's first sample
    assert timer.update(1.0, 1000.0).completed == 2


def test_hold_reset_and_params() -> None:
    timer = HoldTimer(HoldParams(low=0.5, target_ms=100))
    timer.update(1.0, 0.0)
    timer.update(1.0, 200.0)
    timer.reset()
    assert timer.state().completed == 0 and timer.state().phase is HoldPhase.IDLE
    with pytest.raises(ValueError, match="at least one"):
        HoldParams()
    with pytest.raises(ValueError, match="low <= high"):
        HoldParams(low=2.0, high=1.0)
    with pytest.raises(ValueError, match="target_ms"):
        HoldParams(low=1.0, target_ms=0.0)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(stream_strategy, st.floats(-1, 1), st.floats(0, 1000), st.floats(1, 3000))
def test_hold_counts_never_decrease(
    steps: list[tuple[float | None, float]], low: float, grace: float, target: float
) -> None:
    timer = HoldTimer(HoldParams(low=low, grace_ms=grace, target_ms=target))
    previous = timer.state()
    for value, t_ms in _timed(steps):
        state = timer.update(value, t_ms)
        assert state.completed >= previous.completed
        assert state.best_ms >= previous.best_ms
        assert state.total_ms >= previous.total_ms
        assert state.hold_ms >= 0.0
        if state.phase is HoldPhase.IDLE:
            assert state.hold_ms == 0.0
        previous = state


# --- CircleCounter -----------------------------------------------------------------------------


def circle_points(
    times: np.ndarray,
    period_ms: float,
    *,
    centre: tuple[float, float] = (0.0, 0.0),
    radius: float = 1.0,
    start_deg: float = 0.0,
    clockwise: bool = True,
) -> np.ndarray:
    """(N, 2) points going round ``centre``, clockwise on screen (image y down) by default."""
    sign = 1.0 if clockwise else -1.0
    theta = np.radians(start_deg) + sign * 2 * np.pi * times / period_ms
    return np.column_stack([centre[0] + radius * np.cos(theta), centre[1] + radius * np.sin(theta)])


def run_circles(
    counter: CircleCounter,
    times: np.ndarray,
    points: np.ndarray,
    *,
    missing: float = 0.0,
    seed: int = 0,
) -> None:
    rng = np.random.default_rng(seed)
    for t_ms, point in zip(times, points, strict=True):
        seen = None if rng.random() < missing else (float(point[0]), float(point[1]))
        counter.update(seen, float(t_ms))


@pytest.mark.parametrize("circles", [1, 3, 10])
@pytest.mark.parametrize("clockwise", [True, False])
def test_circles_exact_on_a_clean_circle(circles: int, clockwise: bool) -> None:
    period_ms = 2000.0
    times = frame_times(period_ms * (circles + 0.25))
    counter = CircleCounter()
    run_circles(counter, times, circle_points(times, period_ms, clockwise=clockwise))
    state = counter.state()
    assert state.count == circles
    assert (state.clockwise, state.anticlockwise) == ((circles, 0) if clockwise else (0, circles))
    assert state.direction is (Rotation.CLOCKWISE if clockwise else Rotation.ANTICLOCKWISE)
    assert state.fraction == pytest.approx(0.25, abs=0.02)
    assert state.last_circle_ms == pytest.approx(period_ms, abs=40)
    assert state.radius == pytest.approx(1.0)


def test_adaptive_centre_follows_a_circle_about_its_own_centre() -> None:
    # The foot tip circles about its resting point, not about the ankle at (0, 0). While the
    # centre settles (the first window) the first circle comes about a quarter turn late, so
    # the clip runs half a turn past the last full circle.
    period_ms, circles = 2500.0, 6
    times = frame_times(period_ms * (circles + 0.5))
    points = circle_points(times, period_ms, centre=(0.1, 0.45), radius=0.12)
    fixed = CircleCounter(CircleParams(min_radius=0.02))
    run_circles(fixed, times, points)
    assert fixed.state().count == 0  # about (0, 0) the point never goes round
    adaptive = CircleCounter(CircleParams(centre_window_ms=period_ms, min_radius=0.02))
    run_circles(adaptive, times, points)
    assert adaptive.state().clockwise == circles


@pytest.mark.parametrize("seed", range(5))
def test_circles_with_noise_missed_frames_and_uneven_gaps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    period_ms, circles = 2000.0, 8
    times = frame_times(period_ms * (circles + 0.25), 30, jitter=0.6, seed=seed)
    points = circle_points(times, period_ms, centre=(0.1, 0.45), radius=0.12)
    points += rng.normal(0, 0.02, size=points.shape)
    counter = CircleCounter(CircleParams(centre_window_ms=period_ms, min_radius=0.03))
    run_circles(counter, times, points, missing=0.25, seed=seed)
    assert abs(counter.state().clockwise - circles) <= 1
    assert counter.state().anticlockwise == 0


def test_jitter_about_the_centre_counts_nothing() -> None:
    rng = np.random.default_rng(8)
    times = frame_times(30000)
    jitter = rng.normal(0, 0.01, size=(times.size, 2))
    counter = CircleCounter(CircleParams(min_radius=0.05))
    run_circles(counter, times, jitter)
    assert counter.state().count == 0
    adaptive = CircleCounter(CircleParams(centre_window_ms=2000, min_radius=0.05))
    run_circles(adaptive, times, jitter + 0.5)
    assert adaptive.state().count == 0


def test_back_and_forth_counts_nothing() -> None:
    times = frame_times(20000)
    swing = np.radians(150) * np.sin(2 * np.pi * times / 1500)  # 300° arcs, to and fro
    counter = CircleCounter()
    for t_ms, theta in zip(times, swing, strict=True):
        counter.update((math.cos(theta), math.sin(theta)), float(t_ms))
    assert counter.state().count == 0


def test_reversal_starts_a_circle_the_other_way() -> None:
    counter = CircleCounter()
    t_ms = 0.0
    for angle in [*range(0, 541, 10), *range(530, 540 - 810 - 1, -10)]:
        t_ms += 33.0
        counter.update_angle(float(angle), t_ms)
    state = counter.state()
    assert (state.clockwise, state.anticlockwise) == (1, 2)
    assert state.direction is Rotation.ANTICLOCKWISE
    assert state.fraction == pytest.approx(0.25, abs=0.01)  # 810° from the turning point at 540°


def test_long_gap_drops_the_partial_circle() -> None:
    def three_quarters_gap_half(gap_ms: float) -> int:
        counter = CircleCounter(CircleParams(max_gap_ms=500))
        t_ms = 0.0
        for angle in range(0, 271, 10):
            t_ms += 30.0
            counter.update_angle(float(angle), t_ms)
        t_ms += gap_ms
        for angle in range(280, 451, 10):
            counter.update_angle(float(angle), t_ms)
            t_ms += 30.0
        return counter.state().count

    assert three_quarters_gap_half(200.0) == 1
    assert three_quarters_gap_half(1000.0) == 0


def test_circle_restart_keeps_counts_and_drops_the_partial() -> None:
    period_ms = 2000.0
    times = frame_times(period_ms * 2.75)
    counter = CircleCounter()
    run_circles(counter, times, circle_points(times, period_ms))
    assert counter.state().count == 2
    run_circles(counter, times, circle_points(times, period_ms))  # restarts at t = 0
    state = counter.state()
    assert state.restarts == 1
    assert state.count == 4  # not 5: the first stream's 0.75 circle was dropped


def test_too_big_a_step_between_samples_is_not_counted() -> None:
    counter = CircleCounter(CircleParams(max_step_deg=150))
    for index, angle in enumerate(range(0, 360 * 3, 170)):
        counter.update_angle(float(angle), index * 100.0)
    assert counter.state().count == 0


def test_circle_params_are_checked() -> None:
    with pytest.raises(ValueError, match="reversal_deg"):
        CircleParams(reversal_deg=0)
    with pytest.raises(ValueError, match="centre_window_ms"):
        CircleParams(centre_window_ms=0)
    with pytest.raises(ValueError, match="centre"):
        CircleParams(centre=(math.nan, 0.0))
    with pytest.raises(ValueError, match="point"):
        CircleCounter().update((1.0, 2.0, 3.0), 0.0)


circle_case = st.tuples(
    st.floats(800, 4000),  # period, ms
    st.floats(0.05, 200),  # radius
    st.floats(-1000, 1000),  # centre x
    st.floats(-1000, 1000),  # centre y
    st.floats(0, 360),  # start angle
    st.floats(1.3, 4.7),  # circles
    st.sampled_from([15.0, 30.0, 60.0]),  # fps
)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(circle_case)
def test_mirrored_input_flips_the_direction(
    case: tuple[float, float, float, float, float, float, float],
) -> None:
    period_ms, radius, cx, cy, start_deg, circles, fps = case
    times = frame_times(period_ms * circles, fps)
    points = circle_points(times, period_ms, centre=(cx, cy), radius=radius, start_deg=start_deg)
    mirrored = points * np.array([-1.0, 1.0])
    original = CircleCounter(CircleParams(centre=(cx, cy)))
    flipped = CircleCounter(CircleParams(centre=(-cx, cy)))
    run_circles(original, times, points)
    run_circles(flipped, times, mirrored)
    a, b = original.state(), flipped.state()
    turns = times[-1] / period_ms  # the last frame may come before the planned end
    assert a.direction is Rotation.CLOCKWISE
    assert b.direction is Rotation.ANTICLOCKWISE
    assert a.anticlockwise == b.clockwise == 0
    if abs(turns - round(turns)) > 0.01:  # exactly on a whole circle, rounding decides
        assert a.clockwise == b.anticlockwise == math.floor(turns)
        assert a.fraction == pytest.approx(b.fraction)


point_stream = st.lists(
    st.tuples(
        st.one_of(st.none(), st.tuples(st.floats(-5, 5), st.floats(-5, 5))),
        st.one_of(st.floats(1, 400), st.floats(-3000, 0)),
    ),
    max_size=150,
)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(point_stream, st.booleans())
def test_circle_counts_never_decrease(
    steps: list[tuple[tuple[float, float] | None, float]], adaptive: bool
) -> None:
    params = CircleParams(centre_window_ms=1500 if adaptive else None, min_radius=0.1)
    counter = CircleCounter(params)
    previous = counter.state()
    t_ms = 0.0
    for point, step in steps:
        t_ms = max(t_ms + step, 0.0)
        state = counter.update(point, t_ms)
        assert state.clockwise >= previous.clockwise
        assert state.anticlockwise >= previous.anticlockwise
        assert 0.0 <= state.fraction < 1.0
        previous = state
