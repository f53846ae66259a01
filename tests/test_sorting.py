"""Non-dominated sorting and crowding distance (solvers.algorithms.sorting).

Two implementations are checked against each other (STYLE.md pattern 9): the production
ranks from moocore and the literal transcription of Deb et al. (2002); the vectorised
crowding distance against a per-front loop written here from Deb et al. (2002),
Sec. III-B. Integer-valued matrices make ties and duplicate rows frequent.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

from solvers.algorithms.sorting import (
    crowding_distance,
    deb_fast_non_dominated_sort,
    pareto_ranks,
)
from theory.formulation import dominance_matrix, non_dominated_mask


@st.composite
def integer_matrices(draw: st.DrawFn, max_points: int = 25,
                     max_objectives: int = 4) -> NDArray[np.float64]:
    """Objective matrices with values in 0..4: many ties and duplicate rows."""
    n_points = draw(st.integers(1, max_points))
    n_obj = draw(st.integers(1, max_objectives))
    return draw(arrays(np.int64, (n_points, n_obj), elements=st.integers(0, 4)))


@st.composite
def float_matrices(draw: st.DrawFn, max_points: int = 25) -> NDArray[np.float64]:
    n_points = draw(st.integers(1, max_points))
    n_obj = draw(st.integers(2, 3))
    values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    return draw(arrays(np.float64, (n_points, n_obj), elements=values))


def reference_crowding(f: NDArray[np.float64], ranks: NDArray[np.int64]) -> NDArray[np.float64]:
    """Deb et al. (2002), Sec. III-B, one front and one objective at a time.

    Within a front, points are sorted by the objective (ties by index); the two ends get
    infinity, every interior point adds (next - previous) / (max - min), nothing when the
    front is flat in that objective.
    """
    n_points, n_obj = f.shape
    distance = [0.0] * n_points
    for rank in sorted(set(ranks.tolist())):
        members = [i for i in range(n_points) if ranks[i] == rank]
        for j in range(n_obj):
            order = sorted(members, key=lambda i, j=j: (f[i, j], i))
            low, high = f[order[0], j], f[order[-1], j]
            distance[order[0]] = float("inf")
            distance[order[-1]] = float("inf")
            for pos in range(1, len(order) - 1):
                if high > low:
                    gap = f[order[pos + 1], j] - f[order[pos - 1], j]
                    distance[order[pos]] += gap / (high - low)
    return np.array(distance)


@given(integer_matrices())
def test_moocore_ranks_equal_deb_ranks(f: NDArray[np.float64]) -> None:
    deb = deb_fast_non_dominated_sort(f)
    np.testing.assert_array_equal(pareto_ranks(f), deb.ranks(len(f)))


@given(integer_matrices())
def test_deb_fronts_are_fronts(f: NDArray[np.float64]) -> None:
    deb = deb_fast_non_dominated_sort(f)
    ranks = deb.ranks(len(f))
    assert sorted(i for front in deb.fronts for i in front) == list(range(len(f)))
    assert all(deb.fronts), "no empty front"
    np.testing.assert_array_equal(ranks == 0, non_dominated_mask(f))
    d = dominance_matrix(f)
    for k, front in enumerate(deb.fronts):
        later = [i for i in range(len(f)) if ranks[i] >= k]
        for q in front:
            assert not d[later, q].any(), "a front member is dominated by a later point"
            if k > 0:
                assert d[deb.fronts[k - 1], q].any(), "not dominated by the previous front"


@given(integer_matrices())
def test_deb_sort_counts_its_work(f: NDArray[np.float64]) -> None:
    n, m = f.shape
    deb = deb_fast_non_dominated_sort(f)
    assert deb.pair_comparisons == n * (n - 1)
    assert deb.objective_comparisons == m * n * (n - 1)
    # every dominance relation p -> q is consumed once while the fronts are peeled
    assert deb.domination_updates == int(dominance_matrix(f).sum())


def test_deb_sort_of_nothing() -> None:
    deb = deb_fast_non_dominated_sort(np.zeros((0, 2)))
    assert deb.fronts == []
    assert deb.pair_comparisons == deb.objective_comparisons == deb.domination_updates == 0


@given(integer_matrices())
def test_crowding_matches_the_reference_with_both_rankings(f: NDArray[np.float64]) -> None:
    moocore_ranks = pareto_ranks(f)
    deb_ranks = deb_fast_non_dominated_sort(f).ranks(len(f))
    expected = reference_crowding(f.astype(float), deb_ranks)
    got = crowding_distance(f, moocore_ranks)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(crowding_distance(f, deb_ranks), got)
    assert np.all(got >= 0)


@given(float_matrices())
def test_crowding_matches_the_reference_on_floats(f: NDArray[np.float64]) -> None:
    ranks = pareto_ranks(f)
    np.testing.assert_allclose(crowding_distance(f, ranks), reference_crowding(f, ranks),
                               rtol=1e-9, atol=1e-12)


@st.composite
def tie_free_matrices_and_permutations(draw: st.DrawFn) -> tuple[NDArray[np.float64],
                                                                  list[int]]:
    """A float matrix with distinct values in every column, and a row permutation."""
    n_points = draw(st.integers(1, 20))
    values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    columns = [draw(st.lists(values, min_size=n_points, max_size=n_points, unique=True))
               for _ in range(draw(st.integers(2, 3)))]
    return np.array(columns).T, draw(st.permutations(range(n_points)))


@given(tie_free_matrices_and_permutations())
def test_crowding_is_permutation_equivariant_without_ties(
        case: tuple[NDArray[np.float64], list[int]]) -> None:
    # with ties the index order decides which duplicate is an end; without ties it must not
    f, perm = case
    ranks = pareto_ranks(f)
    np.testing.assert_array_equal(pareto_ranks(f[perm]), ranks[perm])
    np.testing.assert_allclose(crowding_distance(f[perm], ranks[perm]),
                               crowding_distance(f, ranks)[perm], rtol=1e-12)


def test_crowding_small_example() -> None:
    f = np.array([[0.0, 4.0], [1.0, 2.0], [2.0, 1.0], [4.0, 0.0], [5.0, 5.0]])
    ranks = pareto_ranks(f)
    np.testing.assert_array_equal(ranks, [0, 0, 0, 0, 1])
    # interior points: (2 - 0)/4 + (4 - 1)/4 = 1.25 and (4 - 1)/4 + (2 - 0)/4 = 1.25
    np.testing.assert_allclose(crowding_distance(f, ranks), [np.inf, 1.25, 1.25, np.inf, np.inf])


def test_crowding_flat_front_contributes_nothing() -> None:
    f = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    ranks = pareto_ranks(f)
    np.testing.assert_array_equal(ranks, [0, 0, 0, 0])
    np.testing.assert_array_equal(crowding_distance(f, ranks), [np.inf, 0.0, 0.0, np.inf])


def test_crowding_is_quiet_when_fronts_are_far_apart() -> None:
    # the last point of a front with a tiny span sits next to a far point of the next front;
    # the quotient computed for it (and then replaced by inf) must not warn
    f = np.array([[0.0, 1.0], [1e-310, 0.0], [1e300, 1e300]])
    ranks = pareto_ranks(f)
    np.testing.assert_array_equal(ranks, [0, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        distance = crowding_distance(f, ranks)
    np.testing.assert_array_equal(distance, [np.inf, np.inf, np.inf])


def test_ranks_are_scale_invariant_and_one_objective_is_a_sort() -> None:
    f = np.array([[3.0], [1.0], [1.0], [2.0]])
    np.testing.assert_array_equal(pareto_ranks(f), [2, 0, 0, 1])
    g = np.random.default_rng(0).integers(0, 5, (40, 3)).astype(float)
    np.testing.assert_array_equal(pareto_ranks(10.0 * g - 3.0), pareto_ranks(g))


@pytest.mark.parametrize("n", [1, 2, 10, 50])
def test_deb_counts_on_an_antichain(n: int) -> None:
    f = np.stack([np.arange(n), -np.arange(n)], axis=1)
    deb = deb_fast_non_dominated_sort(f)
    assert deb.fronts == [list(range(n))]
    assert deb.pair_comparisons == n * (n - 1)
    assert deb.objective_comparisons == 2 * n * (n - 1)
    assert deb.domination_updates == 0
