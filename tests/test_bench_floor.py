"""The benchmark's round-trip floor arithmetic (bench/submit.py): how many database round trips a
bare handler can make and still reach the submit target."""

from __future__ import annotations

import pytest

from bench.submit import floor_points, round_trips_at


def test_linear_cost_is_solved_for_the_target():
    # fixed work 1, each round trip 0.1: ratio = 1 / (1 + 0.1 (n - 1)) -> 0.5 at n = 11
    curve = {n: 1 / (1 + 0.1 * (n - 1)) for n in (1, 6, 12, 18)}
    assert round_trips_at(curve, 0.5) == pytest.approx(11, abs=0.05)


def test_noisy_points_give_the_least_squares_answer():
    curve = {1: 1.02, 6: 0.64, 12: 0.47, 18: 0.35}
    assert 9 < round_trips_at(curve, 0.5) < 12


@pytest.mark.parametrize("curve", [{}, {5: 0.5}, {1: 0.5, 9: 0.6}, {3: 0.4, 0: 0.0}])
def test_no_answer_without_a_falling_line(curve):
    assert round_trips_at(curve, 0.5) is None


def test_points_include_one_and_the_real_count():
    assert floor_points(18) == [1, 6, 12, 18]
    assert floor_points(6) == [1, 6, 12]


def test_rounds_combine_to_the_median_round_and_median_curve():
    from bench.submit import combine_rounds

    def round_(ratio, floor6, errors=0):
        return {"throughput_ratio": ratio, "met": ratio >= 0.5, "submit": {"errors": errors},
                "floor_curve": {"1": 1.0, "6": floor6}}

    combined = combine_rounds([round_(0.2, 0.7), round_(0.6, 0.8), round_(0.55, 0.6)])
    assert combined["throughput_ratio"] == 0.55 and combined["met"]
    assert combined["rounds"] == [0.2, 0.6, 0.55]
    assert combined["floor_curve"] == {"1": 1.0, "6": 0.7}
    failing = combine_rounds([round_(0.6, 0.7), round_(0.6, 0.7, errors=1), round_(0.7, 0.7)])
    assert not failing["met"]  # an error in any round fails the benchmark


def test_the_submit_must_reach_both_the_bare_ratio_and_half_its_floor():
    from bench.submit import combine_rounds

    def round_(ratio, floor):
        return {"throughput_ratio": ratio, "met": True, "submit": {"errors": 0},
                "statements_per_submit": 17, "floor_curve": {"1": 1.0, "17": floor}}

    both = combine_rounds([round_(0.32, 0.6)] * 3)
    assert both["met"] and both["floor_share"] == pytest.approx(0.533, abs=0.001)
    under_floor = combine_rounds([round_(0.32, 0.7)] * 3)  # 0.46 of its floor
    assert not under_floor["met"]
    under_bare = combine_rounds([round_(0.25, 0.45)] * 3)  # half its floor, under 0.3x bare
    assert not under_bare["met"]
