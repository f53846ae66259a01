"""Tests of the complexity additions: counted reference implementations against the
production code, the enumerations, the symbolic counting proofs, and the checks' verdicts."""

from __future__ import annotations

import math

import moocore
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from proofs_checks.check import CheckContext
from proofs_checks.families import complexity
from proofs_checks.families.complexity import (
    counted_crowding_distance,
    counted_hypervolume,
    counted_merge_sort,
    counted_ranks,
    enumerate_complete_dag_cells,
    enumerate_darts_cells,
    order_slope_verdict,
)
from proofs_checks.proofs import symbolic_counting
from solvers.algorithms.sorting import crowding_distance, deb_fast_non_dominated_sort
from solvers.lab import Lab
from solvers.store import RunStore
from tests.verdicts import assert_expected_verdict
from theory.bounds.bayesopt import log_sum
from theory.bounds.complexity import DARTS_CELLS, NB201_CELLS, k_nodes, n_nodes, n_ops
from theory.errors import InvalidParameterError

NEW_IDS = {"nds.deb2002.order", "nds.jensen2003.order", "crowding.deb2002.order",
           "hv.beume2009.upper-order", "space.nb201.cell-count",
           "space.nb201.isomorphism-classes", "space.darts.cell-count"}
NEW_CHECKS = [c for c in complexity.COMPLEXITY_CHECKS if c.bound_id in NEW_IDS]
SETTINGS = [(c, s.name) for c in NEW_CHECKS for s in c.settings()]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3).flatmap(lambda m: hnp.arrays(
    np.int64, st.tuples(st.integers(1, 30), st.just(m)), elements=st.integers(0, 4))))
def test_counted_ranks_match_deb(matrix: np.ndarray) -> None:
    ranks, count = counted_ranks(matrix)
    assert np.array_equal(ranks, deb_fast_non_dominated_sort(matrix).ranks(len(matrix)))
    assert count >= 0


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4).flatmap(lambda d: hnp.arrays(
    np.float64, st.tuples(st.integers(1, 25), st.just(d)),
    elements=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0]))))
def test_counted_hypervolume_matches_moocore(points: np.ndarray) -> None:
    reference = [1.1] * points.shape[1]
    value, _ = counted_hypervolume(points, reference)
    assert value == pytest.approx(moocore.hypervolume(points, ref=reference), rel=1e-12,
                                  abs=1e-12)


def test_counted_crowding_matches_production() -> None:
    rng = np.random.default_rng(3)
    points = rng.random((40, 3))
    ours, count = counted_crowding_distance(points)
    theirs = crowding_distance(points, np.zeros(40, dtype=np.int64))
    assert np.allclose(ours, theirs)
    # every primitive: n distances zeroed, then per objective the column and index list
    # (2n), the merge sort (<= 3 n ceil(log2 n) + n: comparisons, slice copies and writes
    # per level, the leaves) and the n distances written
    n, log_n = 40, math.ceil(math.log2(40))
    assert count <= n + 3 * (2 * n + 3 * n * log_n + n + n)


@pytest.mark.parametrize("n", [1, 2, 7, 64, 100])
def test_merge_sort_comparisons_at_most_n_log_n(n: int) -> None:
    counter = complexity._Counter()
    values = list(np.random.default_rng(n).random(n))
    assert counted_merge_sort(values, lambda v: v, counter) == sorted(values)
    log_n = max(1, math.ceil(math.log2(max(n, 1))))
    assert counter.comparisons <= n * log_n
    # all primitives: per level the slice copies and the writes (2n), the comparisons (<= n),
    # and the leaves (n)
    assert counter.count <= 3 * n * log_n + n


@pytest.mark.parametrize("n", [64, 256, 1024])
def test_hypervolume_staircase_counts_every_primitive(n: int) -> None:
    """The 3-D sweep on points of a front: n log n primitives, no hidden O(n) list work
    (a staircase kept in a Python list with its inserts counted would reach n^2 / 4)."""
    points = complexity._front_points(n, 3, np.random.default_rng(n))
    value, count = counted_hypervolume(points, [1.1] * 3)
    assert value == pytest.approx(moocore.hypervolume(points, ref=[1.1] * 3), rel=1e-12)
    assert count <= 60 * n * math.log2(n)


def test_occupancy_tree_against_a_sorted_list() -> None:
    rng = np.random.default_rng(0)
    counter = complexity._Counter()
    tree = complexity._OccupancyTree(37, counter)
    present: set[int] = set()
    for _ in range(400):
        slot = int(rng.integers(0, 37))
        if slot in present:
            tree.delete(slot)
            present.discard(slot)
        else:
            tree.insert(slot)
            present.add(slot)
        probe = int(rng.integers(0, 37))
        above = [s for s in present if s >= probe]
        below = [s for s in present if s < probe]
        assert tree.successor(probe) == (min(above) if above else -1)
        assert tree.predecessor(probe) == (max(below) if below else -1)


def test_enumerations_against_formulas() -> None:
    for nodes in (2, 3, 4):
        for ops in (1, 2, 3):
            assert enumerate_complete_dag_cells(nodes, ops) == NB201_CELLS.expression.subs(
                {n_nodes: nodes, n_ops: ops})
    for k in (1, 2, 3):
        for ops in (1, 2):
            assert enumerate_darts_cells(k, ops) ** 2 == DARTS_CELLS.expression.subs(
                {k_nodes: k, n_ops: ops})
    assert enumerate_darts_cells(1, 1, distinct_inputs=False) == 3  # {0,1}, {0,0}, {1,1}


def test_order_slope_verdict_detects_faster_growth() -> None:
    n = np.array([64.0, 128, 256, 512, 1024])
    assert not order_slope_verdict(n * np.log(n), n * np.log(n) * 3).violated
    assert order_slope_verdict(n, n**2).violated


def test_bad_inputs_raise() -> None:
    with pytest.raises(InvalidParameterError, match="M <= 3"):
        counted_ranks(np.zeros((3, 4)))
    with pytest.raises(InvalidParameterError, match="d <= 4"):
        counted_hypervolume(np.zeros((3, 5)), [1.0] * 5)


# -- symbolic proofs --------------------------------------------------------------------------
@pytest.mark.parametrize("check", symbolic_counting.CHECKS, ids=lambda c: c.__name__)
def test_symbolic_check_proves(check) -> None:
    result = check()
    assert result.proved, result.detail
    assert "FAILED" not in result.detail


@pytest.mark.parametrize(("check", "kwargs"), [
    (symbolic_counting.check_darts_count, {"claimed": DARTS_CELLS.expression / 2}),
    (symbolic_counting.check_nb201_count, {"claimed": n_ops ** (n_nodes * (n_nodes - 1))}),
    (symbolic_counting.check_info_gain_small_t, {"claimed": log_sum}),
    (symbolic_counting.check_hyperband_budget,
     {"claimed": 2 * symbolic_counting.HB_ITERATION_BUDGET.expression}),
    (symbolic_counting.check_sh_budget,
     {"claimed": symbolic_counting.SH_TOTAL_BUDGET.expression / 2}),
    (symbolic_counting.check_hv_lower_bound,
     {"lower": sp.Symbol("n", integer=True, positive=True)}),
])
def test_symbolic_sabotage_fails(check, kwargs) -> None:
    assert not check(**kwargs).proved


def test_all_symbolic_checks_quick() -> None:
    results = symbolic_counting.all_symbolic_checks()
    assert len(results) == len(symbolic_counting.CHECKS)
    assert all(r.proved for r in results)


# -- the checks' verdicts -------------------------------------------------------------------------
@pytest.mark.parametrize(("check", "setting"), SETTINGS,
                         ids=[f"{c.name}:{s}" for c, s in SETTINGS])
def test_check_verdicts(check, setting: str, tmp_path) -> None:
    result = check.run(CheckContext(profile="quick", lab=Lab(RunStore(tmp_path))), setting)
    assert_expected_verdict(check, setting, result)


def test_lower_bound_is_symbolic_only() -> None:
    assert "hv.beume2009.lower-order" in complexity.SYMBOLIC_ONLY
    assert all(c.bound_id != "hv.beume2009.lower-order" for c in complexity.COMPLEXITY_CHECKS)
