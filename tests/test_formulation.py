"""Pareto dominance and fronts (theory.formulation), checked as properties and by brute force.

Objective values are drawn from a small integer range so that ties and duplicate rows,
where dominance definitions usually go wrong, are frequent.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from theory.errors import InvalidParameterError
from theory.formulation import (
    as_objective_matrix,
    dominance_matrix,
    dominates,
    non_dominated_mask,
    pareto_front,
)


@st.composite
def objective_matrices(draw: st.DrawFn, max_points: int = 12,
                       max_objectives: int = 4) -> np.ndarray:
    """(n_points, n_objectives) integer-valued matrices with many ties and duplicates."""
    n_points = draw(st.integers(0, max_points))
    n_obj = draw(st.integers(1, max_objectives))
    return draw(arrays(np.float64, (n_points, n_obj), elements=st.integers(0, 3)))


def vectors(length: int) -> st.SearchStrategy[np.ndarray]:
    return arrays(np.float64, (length,), elements=st.integers(-2, 2))


def _dominates_by_definition(a: np.ndarray, b: np.ndarray) -> bool:
    """a <= b in every objective and a < b in at least one (written out, no numpy tricks)."""
    no_worse = all(x <= y for x, y in zip(a, b, strict=True))
    better = any(x < y for x, y in zip(a, b, strict=True))
    return no_worse and better


@given(st.integers(1, 4).flatmap(lambda m: st.tuples(vectors(m), vectors(m), vectors(m))))
def test_dominance_is_a_strict_partial_order(abc: tuple[np.ndarray, ...]) -> None:
    a, b, c = abc
    assert not dominates(a, a)  # irreflexive
    assert not (dominates(a, b) and dominates(b, a))  # antisymmetric
    if dominates(a, b) and dominates(b, c):  # transitive
        assert dominates(a, c)
    assert dominates(a, b) == _dominates_by_definition(a, b)


@given(st.integers(1, 4).flatmap(lambda m: st.tuples(vectors(m), vectors(m))))
def test_dominance_is_invariant_under_shift_and_positive_scaling(ab: tuple[np.ndarray, ...]
                                                                 ) -> None:
    a, b = ab
    assert dominates(a, b) == dominates(3.0 * a - 7.0, 3.0 * b - 7.0)
    # reversing the objective order is the same problem written another way
    assert dominates(a, b) == dominates(a[::-1], b[::-1])


@given(objective_matrices())
def test_dominance_matrix_matches_pairwise_definition(f: np.ndarray) -> None:
    d = dominance_matrix(f)
    assert d.shape == (len(f), len(f))
    for i, j in itertools.product(range(len(f)), repeat=2):
        assert d[i, j] == _dominates_by_definition(f[i], f[j])
    if len(f):
        assert not np.any(np.diag(d))
        assert not np.any(d & d.T)


@given(objective_matrices())
def test_non_dominated_mask_matches_brute_force(f: np.ndarray) -> None:
    mask = non_dominated_mask(f)
    assert mask.shape == (len(f),)
    for j in range(len(f)):
        dominated = any(_dominates_by_definition(f[i], f[j]) for i in range(len(f)))
        assert mask[j] == (not dominated)
    if len(f):
        assert mask.any(), "a finite non-empty set has a non-dominated point"
        # duplicates share their verdict
        for i, j in itertools.combinations(range(len(f)), 2):
            if np.array_equal(f[i], f[j]):
                assert mask[i] == mask[j]


@given(objective_matrices())
def test_pareto_front_is_the_distinct_sorted_non_dominated_rows(f: np.ndarray) -> None:
    front = pareto_front(f)
    expected = sorted({tuple(row) for row in f
                       if not any(_dominates_by_definition(g, row) for g in f)})
    assert [tuple(row) for row in front] == expected
    assert front.shape[1] == f.shape[1]
    # metamorphic: permuting the rows or adding dominated copies does not change the front
    rng = np.random.default_rng(0)
    assert np.array_equal(pareto_front(f[rng.permutation(len(f))]), front)
    if len(f):
        assert np.array_equal(pareto_front(np.vstack([f, f + 1.0])), front)


def test_pareto_front_small_example() -> None:
    f = np.array([[1, 3], [2, 2], [3, 1], [2, 3], [1, 3], [3, 3]])
    np.testing.assert_array_equal(non_dominated_mask(f),
                                  [True, True, True, False, True, False])
    np.testing.assert_array_equal(pareto_front(f), [[1, 3], [2, 2], [3, 1]])


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        ([1.0, 2.0], "2-D matrix"),
        ([[[1.0]]], "2-D matrix"),
        (np.zeros((3, 0)), "n_objectives >= 1"),
        ([[1.0, np.nan]], "finite"),
        ([[1.0, np.inf]], "finite"),
    ],
    ids=["1-D", "3-D", "no-objectives", "nan", "inf"],
)
def test_bad_objective_matrices_are_rejected(bad: object, rule: str) -> None:
    for function in (as_objective_matrix, dominance_matrix, non_dominated_mask, pareto_front):
        with pytest.raises(InvalidParameterError, match=rule):
            function(bad)


def test_bad_matrix_error_names_the_value() -> None:
    with pytest.raises(InvalidParameterError, match="ndim=1"):
        as_objective_matrix([1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="n_objectives=0"):
        as_objective_matrix(np.zeros((3, 0)))


def test_dominates_rejects_vectors_of_different_length() -> None:
    with pytest.raises(InvalidParameterError) as info:
        dominates([1.0, 2.0], [1.0, 2.0, 3.0])
    assert "same length" in str(info.value)
    assert "(2,) vs (3,)" in str(info.value)
