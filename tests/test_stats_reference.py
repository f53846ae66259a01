"""Reference values for the significance statistics of analysis/.

Each statistic is pinned to a computation that does not share its code: brute-force
enumeration of the permutation null (every split, every sign vector, every within-block
arrangement), scipy's own exact distributions and PermutationMethod, statsmodels and
scikit-posthocs. The small cases of issue 15 (ties that sent scipy to the normal
approximation, tests that could never reject, Iman-Davenport at perfect agreement) are
pinned here as exact numbers.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scikit_posthocs as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.comparison import (
    adjust_p_values,
    critical_difference,
    friedman_test,
    mann_whitney_u,
    min_attainable_p,
    nemenyi_posthoc,
    wilcoxon_signed_rank,
)
from analysis.scaling import seeds_needed, simulated_rank_power


# -- brute-force references (no code shared with analysis.comparison) --------------------
def _two_sided(null: np.ndarray, observed: float, alternative: str) -> float:
    tol = 1e-9
    greater = float(np.mean(null >= observed - tol))
    less = float(np.mean(null <= observed + tol))
    if alternative == "greater":
        return greater
    if alternative == "less":
        return less
    return min(1.0, 2.0 * min(greater, less))


def brute_mann_whitney_p(x: list[float], y: list[float], alternative: str) -> float:
    """Every one of the C(n + m, n) splits of the pooled sample, U of x on each."""
    pooled = np.array(x + y, dtype=float)
    n = len(x)

    def u(xs: np.ndarray, ys: np.ndarray) -> float:
        return float(np.sum(xs[:, None] > ys[None, :]) + 0.5 * np.sum(xs[:, None] == ys[None, :]))

    index = np.arange(len(pooled))
    null = []
    for chosen in itertools.combinations(index, n):
        mask = np.zeros(len(pooled), dtype=bool)
        mask[list(chosen)] = True
        null.append(u(pooled[mask], pooled[~mask]))
    return _two_sided(np.array(null), u(np.array(x, float), np.array(y, float)), alternative)


def brute_wilcoxon_p(d: list[float], zero_method: str, alternative: str) -> float:
    """Every one of the 2^n sign vectors of the non-zero differences (zeros keep their sign
    and, for pratt/zsplit, their rank); V = sum of the ranks of the positive ones."""
    diffs = np.array(d, dtype=float)
    kept = diffs[diffs != 0] if zero_method == "wilcox" else diffs
    ranks = stats.rankdata(np.abs(kept))
    moving = kept != 0
    signs_observed = kept > 0
    observed = float(ranks[signs_observed].sum())
    null = []
    for signs in itertools.product((False, True), repeat=int(moving.sum())):
        positive = np.zeros(len(kept), dtype=bool)
        positive[moving] = signs
        null.append(float(ranks[positive].sum()))
    return _two_sided(np.array(null), observed, alternative)


def brute_friedman_p(matrix: np.ndarray, lower_is_better: bool) -> float:
    """Every one of the (k!)^N within-block arrangements of the ranks; the statistic is the
    tie-corrected chi^2 itself (scipy), computed on each arrangement."""
    signed = matrix if lower_is_better else -matrix
    ranks = np.apply_along_axis(stats.rankdata, 1, signed)
    n, k = ranks.shape

    def chi2(r: np.ndarray) -> float:
        return float(stats.friedmanchisquare(*r.T).statistic)

    observed = chi2(ranks)
    orders = list(itertools.permutations(range(k)))
    values = [chi2(np.array([row[list(o)] for row, o in zip(ranks, choice, strict=True)]))
              for choice in itertools.product(orders, repeat=n)]
    return float(np.mean(np.array(values) >= observed - 1e-9))


# -- the cases of issue 15 -----------------------------------------------------------------
def test_tied_mann_whitney_is_the_exact_permutation_p_not_the_normal_approximation() -> None:
    x, y = [1, 1, 2, 9], [9, 9, 9, 9]
    result = mann_whitney_u(x, y)
    assert result.method == "exact"
    assert result.p_value == pytest.approx(10 / 70, abs=1e-12)  # 0.143
    assert brute_mann_whitney_p(x, y, "two-sided") == pytest.approx(10 / 70, abs=1e-12)
    scipy_default = stats.mannwhitneyu(x, y).pvalue  # normal approximation at the first tie
    assert scipy_default == pytest.approx(0.067, abs=5e-4)
    permutation = stats.mannwhitneyu(x, y, method=stats.PermutationMethod(n_resamples=np.inf))
    assert result.p_value == pytest.approx(permutation.pvalue, abs=1e-12)


def test_two_seeds_per_method_cannot_reach_five_percent() -> None:
    assert min_attainable_p("Mann-Whitney U", 2, 2) == pytest.approx(1 / 3)
    assert min_attainable_p("Mann-Whitney U", 2, 1) == pytest.approx(2 / 3)
    best = mann_whitney_u([10.0, 11.0], [1.0, 2.0])  # complete separation
    assert best.p_value == pytest.approx(1 / 3) and not best.can_reject(0.05)
    assert brute_mann_whitney_p([10.0, 11.0], [1.0, 2.0], "two-sided") == pytest.approx(1 / 3)


def test_paired_wilcoxon_needs_six_pairs_for_five_percent() -> None:
    assert min_attainable_p("Wilcoxon signed-rank", 5) == pytest.approx(2 / 32)  # 0.0625
    assert min_attainable_p("Wilcoxon signed-rank", 6) == pytest.approx(2 / 64)
    five = wilcoxon_signed_rank([5.0, 6, 7, 8, 9], [0.0, 0, 0, 0, 0])
    assert five.p_value == pytest.approx(0.0625) and not five.can_reject(0.05)
    six = wilcoxon_signed_rank([5.0, 6, 7, 8, 9, 10], [0.0] * 6)
    assert six.p_value == pytest.approx(1 / 32) and six.can_reject(0.05)
    assert six.p_value == pytest.approx(stats.wilcoxon([5, 6, 7, 8, 9, 10],
                                                       method="exact").pvalue)


def test_seeds_needed_paired_rank_is_a_size_where_the_exact_test_has_power() -> None:
    plan = seeds_needed(2.0, design="paired", test="rank")
    assert plan.n >= 6  # at n = 5 the exact two-sided Wilcoxon cannot reach 0.05
    assert plan.achieved is not None and plan.achieved >= 0.8
    assert min_attainable_p("Wilcoxon signed-rank", plan.n) <= 0.05
    # an independent simulation (other draws) through the package's own exact test, not
    # the scipy call seeds_needed simulates with, agrees on the power at plan.n
    rng = np.random.default_rng(12345)
    d = rng.normal(2.0, 1.0, size=(2000, plan.n))
    independent = float(np.mean([wilcoxon_signed_rank(row).p_value <= 0.05 for row in d]))
    assert independent == pytest.approx(plan.achieved, abs=0.03)
    # and at n = 5 every simulated sample fails: the power there is exactly zero
    assert simulated_rank_power(5, 2.0, design="paired") == 0.0


def test_iman_davenport_is_undefined_at_perfect_agreement_and_p_exact_is_k_factorial() -> None:
    matrix = np.array([[1.0, 2.0, 3.0]] * 6)  # six blocks, all rank the methods alike
    result = friedman_test(matrix, ["a", "b", "c"], lower_is_better=True)
    assert math.isinf(result.iman_davenport) and math.isnan(result.iman_davenport_p)
    assert result.p_exact == pytest.approx(6.0 ** -5)
    assert result.average_ranks == (1.0, 2.0, 3.0)
    assert result.statistic == pytest.approx(stats.friedmanchisquare(*matrix.T).statistic)


# -- exact tests against brute force (property-based) --------------------------------------
small_values = st.integers(0, 4).map(float)  # few distinct values: ties are the rule


@settings(max_examples=60, deadline=None)
@given(x=st.lists(small_values, min_size=1, max_size=5),
       y=st.lists(small_values, min_size=1, max_size=5),
       alternative=st.sampled_from(["two-sided", "greater", "less"]))
def test_mann_whitney_equals_enumeration_of_every_split(x: list[float], y: list[float],
                                                        alternative: str) -> None:
    result = mann_whitney_u(x, y, alternative=alternative)  # type: ignore[arg-type]
    assert result.method == "exact"
    assert result.p_value == pytest.approx(brute_mann_whitney_p(x, y, alternative), abs=1e-9)
    assert result.p_value >= result.min_p - 1e-12  # the attainable bound is a bound
    assert result.statistic == pytest.approx(stats.mannwhitneyu(x, y).statistic)


@settings(max_examples=60, deadline=None)
@given(d=st.lists(st.integers(-3, 3).map(float), min_size=1, max_size=8)
       .filter(lambda v: any(e != 0 for e in v)),
       zero_method=st.sampled_from(["wilcox", "pratt", "zsplit"]),
       alternative=st.sampled_from(["two-sided", "greater", "less"]))
def test_wilcoxon_equals_enumeration_of_every_sign_vector(d: list[float], zero_method: str,
                                                          alternative: str) -> None:
    result = wilcoxon_signed_rank(d, zero_method=zero_method,  # type: ignore[arg-type]
                                  alternative=alternative)  # type: ignore[arg-type]
    reference = brute_wilcoxon_p(d, zero_method, alternative)
    assert result.p_value == pytest.approx(reference, abs=1e-9)
    assert result.p_value >= result.min_p - 1e-12


@settings(max_examples=25, deadline=None)
@given(x=st.lists(st.integers(0, 3).map(float), min_size=2, max_size=5),
       y=st.lists(st.integers(0, 3).map(float), min_size=2, max_size=5))
def test_mann_whitney_agrees_with_scipy_permutation_method(x: list[float],
                                                           y: list[float]) -> None:
    if len(set(x + y)) == 1:
        return  # scipy's permutation of a constant sample: p = 1 (ours, by the same rule)
    ours = mann_whitney_u(x, y).p_value
    theirs = stats.mannwhitneyu(x, y, method=stats.PermutationMethod(n_resamples=np.inf))
    assert ours == pytest.approx(theirs.pvalue, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2).map(float), min_size=3, max_size=3),
                min_size=2, max_size=4),
       st.booleans())
def test_friedman_p_exact_equals_enumeration_of_every_arrangement(rows: list[list[float]],
                                                                  lower: bool) -> None:
    matrix = np.array(rows)
    ranks = np.apply_along_axis(stats.rankdata, 1, matrix)
    if np.all(ranks == 2.0):
        return  # every block a full tie: p = 1 by rule (scipy's chi^2 divides by zero)
    result = friedman_test(matrix, ["a", "b", "c"], lower_is_better=lower)
    assert result.p_exact_method.startswith("exact")
    assert result.p_exact == pytest.approx(brute_friedman_p(matrix, lower), abs=1e-9)
    with np.errstate(all="ignore"):
        chi2 = stats.friedmanchisquare(*matrix.T)
    assert result.statistic == pytest.approx(chi2.statistic)
    assert result.p_value == pytest.approx(chi2.pvalue)


def test_friedman_monte_carlo_p_is_seeded_and_near_the_chi2_when_blocks_are_many() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(30, 5)) + np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    one = friedman_test(matrix, list("abcde"), lower_is_better=True, seed=7)
    two = friedman_test(matrix, list("abcde"), lower_is_better=True, seed=7)
    assert one.p_exact == two.p_exact and one.p_exact_method.startswith("Monte Carlo")
    # at N = 30 the chi^2 approximation is good: the Monte-Carlo p is within its own error
    se = math.sqrt(one.p_value * (1 - one.p_value) / 9999)
    assert abs(one.p_exact - one.p_value) < 4 * se + 0.01


# -- direction: the ranks follow the metric ------------------------------------------------
def test_direction_reverses_ranks_and_nemenyi_is_symmetric_in_it() -> None:
    rng = np.random.default_rng(0)
    accuracy = rng.normal(size=(8, 4)) + np.array([3.0, 2.0, 1.0, 0.0])  # a is best
    up = friedman_test(accuracy, list("abcd"), lower_is_better=False)
    down = friedman_test(accuracy, list("abcd"), lower_is_better=True)
    assert up.average_ranks[0] < up.average_ranks[3]  # rank 1 = best = highest accuracy
    assert np.allclose(np.add(up.average_ranks, down.average_ranks), 5.0)
    assert up.statistic == pytest.approx(down.statistic)
    cd = critical_difference(accuracy, list("abcd"), lower_is_better=False, omnibus=up)
    assert cd.methods[0] == "a"
    ours = nemenyi_posthoc(accuracy, list("abcd"), lower_is_better=False).p_values
    theirs = sp.posthoc_nemenyi_friedman(-accuracy).to_numpy(dtype=float)
    assert np.allclose(ours, theirs)


def test_critical_difference_shows_no_pair_when_friedman_does_not_reject() -> None:
    matrix = np.array([[1.0, 2.0, 3.0], [3.0, 1.0, 2.0], [2.0, 3.0, 1.0], [1.0, 3.0, 2.0]])
    omnibus = friedman_test(matrix, list("abc"), lower_is_better=True)
    assert not omnibus.rejects(0.05)
    cd = critical_difference(matrix, list("abc"), lower_is_better=True, omnibus=omnibus)
    assert not cd.omnibus_rejects and cd.cliques == (tuple(cd.methods),)
    assert not any(cd.significant(a, b) for a, b in itertools.combinations("abc", 2))


# -- corrections: statsmodels --------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(1e-6, 1.0), min_size=1, max_size=12),
       st.sampled_from(["holm", "bh", "bonferroni"]))
def test_corrections_are_statsmodels(p: list[float], method: str) -> None:
    ours = adjust_p_values(p, method=method)  # type: ignore[arg-type]
    name = {"holm": "holm", "bh": "fdr_bh", "bonferroni": "bonferroni"}[method]
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method=name)
    assert np.allclose(ours.adjusted, adjusted)
    assert ours.reject == tuple(bool(r) for r in reject)
