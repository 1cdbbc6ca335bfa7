"""The one-euro filter: hand-checked steps, time (not frames), gaps, restarts and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posecheck.live.filters import (
    OneEuroFilter,
    OneEuroParams,
    OneEuroVectorFilter,
    smoothing_factor,
)

params_strategy = st.builds(
    OneEuroParams,
    min_cutoff=st.floats(0.01, 20),
    beta=st.floats(0, 10),
    d_cutoff=st.floats(0.01, 20),
)
#: Uneven frame gaps, 1 ms to 0.5 s.
gaps_strategy = st.lists(st.floats(1, 500), min_size=1, max_size=60)


def _times(gaps: list[float], start: float = 0.0) -> list[float]:
    return [float(t) for t in np.cumsum([start, *gaps])]


def test_first_sample_passes_through() -> None:
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.1))
    assert smoother(7.5, 1000.0) == 7.5
    assert smoother.value == 7.5


def test_one_step_matches_the_formula() -> None:
    # beta 0: a plain low-pass at min_cutoff, weight 1 / (1 + tau / dt)
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=1.0, beta=0.0))
    smoother(0.0, 0.0)
    tau = 1.0 / (2.0 * math.pi)
    weight = 1.0 / (1.0 + tau / 0.1)
    assert smoother(1.0, 100.0) == pytest.approx(weight)


def test_smoothing_factor() -> None:
    tau = 1.0 / (2.0 * math.pi * 2.0)
    assert smoothing_factor(2.0, tau) == pytest.approx(0.5)
    assert 0 < smoothing_factor(1.0, 0.001) < smoothing_factor(1.0, 0.1) < 1.0


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(params_strategy, st.floats(-1e4, 1e4), gaps_strategy, st.floats(-1e6, 1e6))
def test_constant_input_gives_that_constant(
    params: OneEuroParams, constant: float, gaps: list[float], start: float
) -> None:
    smoother = OneEuroFilter(params)
    for t_ms in _times(gaps, start):
        assert smoother(constant, t_ms) == constant


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@given(
    params_strategy,
    st.lists(st.floats(-100, 100), min_size=2, max_size=60),
    st.floats(1, 300),
)
def test_output_stays_within_the_inputs(
    params: OneEuroParams, values: list[float], gap: float
) -> None:
    smoother = OneEuroFilter(params)
    for index, value in enumerate(values):
        output = smoother(value, index * gap)
        assert output is not None
        seen = values[: index + 1]
        assert min(seen) - 1e-9 <= output <= max(seen) + 1e-9


def test_time_not_frame_count_sets_the_smoothing() -> None:
    # A step seen at 60 fps, at 20 fps and at uneven gaps: after half a second all three filters
    # have covered the same share of it (a per-frame weight would give 60 fps three times the
    # steps of 20 fps and very different outputs).
    params = OneEuroParams(min_cutoff=1.0, beta=0.0)
    rng = np.random.default_rng(3)
    uneven = np.cumsum(rng.uniform(5, 90, size=200))
    schedules = {
        "60 fps": np.arange(0, 501, 1000 / 60),
        "20 fps": np.arange(0, 501, 50.0),
        "uneven": np.concatenate([[0.0], uneven[uneven < 500], [500.0]]),
    }
    outputs = {}
    for name, times in schedules.items():
        smoother = OneEuroFilter(params)
        smoother(0.0, -1.0)
        output = None
        for t_ms in times:
            output = smoother(1.0, float(t_ms))
        outputs[name] = output
    continuous = 1 - math.exp(-0.501 * 2 * math.pi)  # an ideal first-order low-pass at 1 Hz
    for name, output in outputs.items():
        assert output == pytest.approx(continuous, abs=0.03), name


def test_missing_samples_leave_the_estimate_alone() -> None:
    # Missing frames (None, NaN, inf) give None and the filter continues as if they never came.
    params = OneEuroParams(min_cutoff=0.5, beta=0.3)
    rng = np.random.default_rng(4)
    times = np.cumsum(rng.uniform(10, 60, size=120))
    values = np.sin(times / 300.0) + rng.normal(0, 0.05, size=times.size)
    missing = rng.random(times.size) < 0.3
    missing[0] = False
    with_gaps, without = OneEuroFilter(params), OneEuroFilter(params)
    for index, (t_ms, value) in enumerate(zip(times, values, strict=True)):
        if missing[index]:
            bad = (None, math.nan, math.inf)[index % 3]
            assert with_gaps(bad, float(t_ms)) is None
            continue
        assert with_gaps(float(value), float(t_ms)) == without(float(value), float(t_ms))


def test_timestamp_restart_resets() -> None:
    params = OneEuroParams(min_cutoff=0.5, beta=0.1)
    smoother, fresh = OneEuroFilter(params), OneEuroFilter(params)
    for t_ms in range(0, 2000, 33):
        smoother(10.0, float(t_ms))
    # the camera restarts: time goes back to 0 and the first sample passes through
    assert smoother(-3.0, 0.0) == -3.0
    fresh(-3.0, 0.0)
    for t_ms in range(33, 1000, 33):
        value = math.cos(t_ms / 100.0)
        assert smoother(value, float(t_ms)) == fresh(value, float(t_ms))


def test_equal_timestamp_resets() -> None:
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.1))
    smoother(0.0, 100.0)
    assert smoother(1.0, 200.0) != 1.0
    assert smoother(5.0, 200.0) == 5.0


def test_missing_sample_with_an_earlier_time_still_counts_as_a_restart() -> None:
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.1))
    smoother(0.0, 5000.0)
    assert smoother(None, 0.0) is None  # new stream, first frame unreadable
    assert smoother(9.0, 6000.0) == 9.0  # later than the old stream, but a first sample


def test_reset() -> None:
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.1))
    smoother(0.0, 0.0)
    smoother.reset()
    assert smoother.value is None
    assert smoother(4.0, 10.0) == 4.0


def test_smooths_jitter_of_a_still_signal() -> None:
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1.0, size=300)
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.5, beta=0.0))
    outputs = [smoother(float(v), i * 33.3) for i, v in enumerate(noise)]
    settled = np.array(outputs[30:], dtype=float)
    assert settled.std() < 0.3 * noise.std()


def test_beta_cuts_lag_on_fast_movement() -> None:
    def lag(beta: float) -> float:
        smoother = OneEuroFilter(OneEuroParams(min_cutoff=0.5, beta=beta))
        output = None
        for t_ms in range(0, 1001, 33):
            output = smoother(t_ms / 10.0, float(t_ms))  # a ramp of 100 units per second
        assert output is not None
        return 99.0 - output

    assert lag(0.1) < 0.5 * lag(0.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_cutoff": 0.0},
        {"min_cutoff": -1.0},
        {"beta": -0.1},
        {"d_cutoff": 0.0},
        {"min_cutoff": math.nan},
        {"beta": math.inf},
    ],
)
def test_params_are_checked(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="OneEuroParams"):
        OneEuroParams(**kwargs)


def test_time_must_be_finite() -> None:
    with pytest.raises(ValueError, match="t_ms"):
        OneEuroFilter()(1.0, math.nan)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(gaps_strategy, st.lists(st.floats(-50, 50), min_size=60, max_size=60))
def test_vector_filter_without_beta_is_one_filter_per_component(
    gaps: list[float], values: list[float]
) -> None:
    params = OneEuroParams(min_cutoff=1.5, beta=0.0)
    vector = OneEuroVectorFilter(params)
    xs, ys = OneEuroFilter(params), OneEuroFilter(params)
    for index, t_ms in enumerate(_times(gaps)):
        x, y = values[index], values[-1 - index]
        assert vector((x, y), t_ms) == (xs(x, t_ms), ys(y, t_ms))


def test_vector_filter_constant_missing_and_restart() -> None:
    vector = OneEuroVectorFilter(OneEuroParams(min_cutoff=0.2, beta=0.5))
    for t_ms in range(0, 500, 40):
        assert vector((1.0, -2.0, 3.0), float(t_ms)) == (1.0, -2.0, 3.0)
    assert vector((1.0, math.nan, 3.0), 600.0) is None
    assert vector(None, 640.0) is None
    assert vector((5.0, 5.0, 5.0), 0.0) == (5.0, 5.0, 5.0)  # restart: passes through
    with pytest.raises(ValueError, match="3 components"):
        vector((1.0, 2.0), 50.0)
    with pytest.raises(ValueError, match="at least one component"):
        OneEuroVectorFilter()((), 0.0)
