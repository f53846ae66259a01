"""Reference-value tests of analysis/ comparison, effect sizes, profiles, runtime, scaling,
plots, the significance report and ``nasbound stats`` (the source is cited in each test;
where a reference is computed here by an independent method, the test says so)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from analysis.comparison import (
    NEMENYI_Q,
    adjust_p_values,
    block_matrix,
    conover_posthoc,
    critical_difference,
    friedman_from_ranks,
    friedman_test,
    from_cube,
    hodges_lehmann,
    mann_whitney_u,
    nemenyi_posthoc,
    nemenyi_q,
    sample,
    to_cube,
    validate_runs,
    wilcoxon_signed_rank,
)
from analysis.effect_sizes import (
    A12_THRESHOLDS,
    bootstrap_ci,
    cliffs_delta,
    iqm,
    magnitude,
    vargha_delaney_a12,
)
from analysis.plots import (
    plot_aggregate_intervals,
    plot_anytime,
    plot_critical_difference,
    plot_dolan_more,
    plot_performance_profile,
    plot_runtime_ecdf,
    plot_scaling,
)
from analysis.profiles import (
    aggregate_estimates,
    aggregate_iqm,
    aggregate_mean,
    aggregate_median,
    dolan_more_profile,
    optimality_gap,
    performance_profile,
    probability_of_improvement,
    score_matrices,
)
from analysis.runtime import (
    anytime_curves,
    ert_table,
    expected_running_time,
    fixed_target_runtimes,
    runtime_ecdf,
)
from analysis.scaling import (
    RANK_ARE,
    achieved_power,
    cohens_d,
    compare_scaling,
    seeds_needed,
    simulated_rank_power,
)
from analysis.stats import mean_test
from theory.errors import InvalidParameterError

matplotlib.use("Agg")

# R, ?wilcox.test: Hollander & Wolfe (1973, p. 29, 36) depression scale factors of nine
# patients at the first (x) and second (y) visit.
DEPRESSION_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
# R, ?wilcox.test: Hollander & Wolfe (1973, p. 69) permeability constants of the human
# chorioamnion at term (x) and between 12 and 26 weeks gestational age (y).
PERMEABILITY_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
PERMEABILITY_Y = [1.15, 0.88, 0.90, 0.74, 1.21]

# Demsar (2006), JMLR 7:1-30, Table 6: AUC of C4.5 with and without the curtailed
# m-parameter / cf tuning on 14 UCI data sets (rows), printed to 3 decimals. In the
# 'voting' row the printed 0.975 / 0.975 of C4.5+cf and C4.5+m+cf are not a tie in the
# paper's ranks: its published average ranks (3.143, 2.000, 2.893, 1.964) need C4.5+cf
# ranked above C4.5+m+cf there, so that entry is written 0.97501.
DEMSAR_METHODS = ("C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf")
DEMSAR_AUC = np.array([
    [0.763, 0.768, 0.771, 0.798], [0.599, 0.591, 0.590, 0.569], [0.954, 0.971, 0.968, 0.967],
    [0.628, 0.661, 0.654, 0.657], [0.882, 0.888, 0.886, 0.898], [0.936, 0.931, 0.916, 0.931],
    [0.661, 0.668, 0.609, 0.685], [0.583, 0.583, 0.563, 0.625], [0.775, 0.838, 0.866, 0.875],
    [1.000, 1.000, 1.000, 1.000], [0.940, 0.962, 0.965, 0.962], [0.619, 0.666, 0.614, 0.669],
    [0.972, 0.981, 0.97501, 0.975], [0.957, 0.978, 0.946, 0.970]])


# -- the shape -----------------------------------------------------------------------------
def _frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(m, p, s, "cost", float(shift + rng.normal()))
            for m, shift in (("a", 0.0), ("b", 1.0), ("c", 3.0))
            for p in ("p1", "p2", "p3", "p4") for s in range(8)]
    return pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])


def test_cube_round_trip_and_block_matrix() -> None:
    frame = _frame()
    cube = to_cube(frame)
    assert cube.values.shape == (3, 4, 8)
    assert cube.methods == ("a", "b", "c") and cube.seeds == tuple(range(8))
    back = from_cube(cube)
    merged = back.merge(validate_runs(frame), on=["method", "problem", "seed", "measurement"])
    assert len(merged) == len(frame)
    assert np.array_equal(merged["value_x"], merged["value_y"])
    blocks = block_matrix(frame)
    assert blocks.shape == (4, 3)
    assert blocks.loc["p2", "b"] == pytest.approx(np.median(cube.values[1, 1]))
    assert block_matrix(frame, blocks="problem-seed").shape == (32, 3)
    assert list(sample(frame, "c", "p3").index) == list(range(8))


def test_validate_runs_names_the_broken_rule() -> None:
    frame = _frame()
    with pytest.raises(InvalidParameterError, match="unique"):
        validate_runs(pd.concat([frame, frame.iloc[:1]]))
    bad = frame.copy()
    bad.loc[3, "value"] = np.nan
    with pytest.raises(InvalidParameterError, match="never NaN"):
        validate_runs(bad)
    diverged = frame.copy()
    diverged.loc[3, "value"] = np.inf  # a diverged run at its metric's worst: kept
    assert np.isinf(validate_runs(diverged)["value"]).sum() == 1
    with pytest.raises(InvalidParameterError, match="columns"):
        validate_runs(frame.drop(columns=["seed"]))


# -- two-sample tests ------------------------------------------------------------------------
def test_wilcoxon_signed_rank_matches_r_example() -> None:
    """R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater") on the
    depression data gives V = 40, p-value = 0.01953 (two-sided: p = 0.03906)."""
    greater = wilcoxon_signed_rank(DEPRESSION_X, DEPRESSION_Y, alternative="greater")
    assert greater.statistic == 40
    assert greater.p_value == pytest.approx(0.01953, abs=5e-6)
    two = wilcoxon_signed_rank(DEPRESSION_X, DEPRESSION_Y)
    assert two.statistic == 40
    assert two.p_value == pytest.approx(0.03906, abs=5e-6)
    # the Hodges-Lehmann estimate is the median of the Walsh averages, by brute force
    d = np.subtract(DEPRESSION_X, DEPRESSION_Y)
    walsh = [(d[i] + d[j]) / 2 for i in range(9) for j in range(i, 9)]
    assert two.estimate == pytest.approx(np.median(walsh))


def test_wilcoxon_on_demsar_example_with_split_zeros() -> None:
    """Demsar (2006), Sec. 3.1.3 and Table 2: C4.5+m against C4.5, zero differences split
    evenly, gives R+ = 93 and R- = 12; with N = 14 the critical T at 0.05 is 21, so the
    difference is significant."""
    m, c45 = DEMSAR_AUC[:, 1].round(3), DEMSAR_AUC[:, 0].round(3)
    result = wilcoxon_signed_rank(np.round(m - c45, 3), zero_method="zsplit")
    assert result.statistic == pytest.approx(93.0)
    assert result.p_value < 0.05
    n = 14
    assert n * (n + 1) / 2 - result.statistic == pytest.approx(12.0)


def test_mann_whitney_matches_r_example_and_permutation() -> None:
    """R ?wilcox.test: wilcox.test(x, y, alternative = "g") on the permeability data gives
    W = 35, p-value = 0.1272. Checked again by the exact permutation distribution of W
    over all C(15, 5) = 3003 splits (computed here, an independent method)."""
    result = mann_whitney_u(PERMEABILITY_X, PERMEABILITY_Y, alternative="greater")
    assert result.statistic == 35
    assert result.p_value == pytest.approx(0.1272, abs=5e-5)
    pooled = np.array(PERMEABILITY_X + PERMEABILITY_Y)
    ranks = stats.rankdata(pooled)
    n_x = len(PERMEABILITY_X)
    observed = ranks[:n_x].sum() - n_x * (n_x + 1) / 2
    ws = [ranks[list(c)].sum() - n_x * (n_x + 1) / 2
          for c in itertools.combinations(range(len(pooled)), n_x)]
    assert observed == 35
    assert result.p_value == pytest.approx(np.mean(np.array(ws) >= observed), abs=1e-12)
    shifts = np.subtract.outer(PERMEABILITY_X, PERMEABILITY_Y)
    assert result.estimate == pytest.approx(np.median(shifts))
    assert hodges_lehmann(PERMEABILITY_X, PERMEABILITY_Y) == result.estimate


def test_benjamini_hochberg_and_holm_on_the_published_example() -> None:
    """Benjamini & Hochberg (1995), JRSS B 57:289-300, Sec. 4: 15 p-values of the
    myocardial-infarction study (Neuhaus et al. 1992). At q = 0.05 BH rejects the four
    smallest; the Bonferroni-type procedures (Holm among them) reject three. Adjusted BH
    values by their definition (R's p.adjust "BH"): min over j >= i of p_(j) m / j."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    bh = adjust_p_values(p, "bh", 0.05)
    assert sum(bh.reject) == 4 and all(bh.reject[:4])
    assert sum(adjust_p_values(p, "holm", 0.05).reject) == 3
    by_hand = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0298 * 15 / 7, 0.0298 * 15 / 7,
               0.0645, 0.0765, 0.486, 0.4262 * 15 / 11, 0.5719 * 15 / 12, 0.6528 * 15 / 13,
               0.7590 * 15 / 14, 1.0]
    assert bh.adjusted == pytest.approx(by_hand)
    holm = adjust_p_values([0.01, 0.04, 0.03, 0.02, 0.05], "holm")
    assert holm.adjusted == pytest.approx([0.05, 0.09, 0.09, 0.08, 0.09])  # by hand


# -- Friedman, post-hoc tests, critical difference ------------------------------------------
def test_friedman_matches_r_rounding_times() -> None:
    """R ?friedman.test: RoundingTimes (Hollander & Wolfe 1973, p. 140: times of 22 players
    rounding first base by three methods) gives Friedman chi-squared = 11.143, df = 2,
    p-value = 0.003805."""
    times = np.array([
        5.40, 5.50, 5.55, 5.85, 5.70, 5.75, 5.20, 5.60, 5.50, 5.55, 5.50, 5.40, 5.90, 5.85,
        5.70, 5.45, 5.55, 5.60, 5.40, 5.40, 5.35, 5.45, 5.50, 5.35, 5.25, 5.15, 5.00, 5.85,
        5.80, 5.70, 5.25, 5.20, 5.10, 5.65, 5.55, 5.45, 5.60, 5.35, 5.45, 5.05, 5.00, 4.95,
        5.50, 5.50, 5.40, 5.45, 5.55, 5.50, 5.55, 5.55, 5.35, 5.45, 5.50, 5.55, 5.50, 5.45,
        5.25, 5.65, 5.60, 5.40, 5.70, 5.65, 5.55, 6.30, 6.30, 6.25]).reshape(22, 3)
    result = friedman_test(times, ("Round Out", "Narrow Angle", "Wide Angle"),
                           lower_is_better=True)
    assert result.statistic == pytest.approx(11.143, abs=5e-4)
    assert result.p_value == pytest.approx(0.003805, abs=5e-7)


def test_friedman_and_nemenyi_reproduce_demsar_worked_example() -> None:
    """Demsar (2006), Sec. 3.2.2: average ranks 3.143, 2.000, 2.893, 1.964; chi^2_F = 9.28,
    F_F = 3.69 (critical F(3, 39) = 2.85 at 0.05); Nemenyi q_0.05 = 2.569 gives CD = 1.25,
    and no pair is significant; at 0.10, q = 2.291, CD = 1.12: C4.5 is worse than C4.5+m
    and C4.5+m+cf, and C4.5+cf belongs to neither group for sure (Fig. 1)."""
    friedman = friedman_test(DEMSAR_AUC, DEMSAR_METHODS, lower_is_better=False)
    assert friedman.average_ranks == pytest.approx((3.143, 2.000, 2.893, 1.964), abs=5e-4)
    published = friedman_from_ranks([3.143, 2.000, 2.893, 1.964], 14)
    assert published.statistic == pytest.approx(9.28, abs=5e-3)
    assert published.iman_davenport == pytest.approx(3.69, abs=5e-3)
    assert published.iman_davenport > stats.f.ppf(0.95, 3, 39)
    assert stats.f.ppf(0.95, 3, 39) == pytest.approx(2.85, abs=5e-3)
    cd05 = critical_difference(DEMSAR_AUC, DEMSAR_METHODS, 0.05, lower_is_better=False)
    assert cd05.q_alpha == 2.569 and cd05.cd == pytest.approx(1.25, abs=5e-3)
    assert cd05.cliques == (("C4.5+m+cf", "C4.5+m", "C4.5+cf", "C4.5"),)
    cd10 = critical_difference(DEMSAR_AUC, DEMSAR_METHODS, 0.10, lower_is_better=False)
    assert cd10.cd == pytest.approx(1.12, abs=5e-3)
    assert cd10.cliques == (("C4.5+m+cf", "C4.5+m", "C4.5+cf"), ("C4.5+cf", "C4.5"))
    assert cd10.significant("C4.5", "C4.5+m") and cd10.significant("C4.5", "C4.5+m+cf")
    assert not cd10.significant("C4.5", "C4.5+cf")
    nemenyi = nemenyi_posthoc(DEMSAR_AUC, DEMSAR_METHODS, lower_is_better=False)
    for other in ("C4.5+m", "C4.5+m+cf"):
        assert 0.05 < nemenyi.p("C4.5", other) < 0.10
    for a, b in (("C4.5", "C4.5+cf"), ("C4.5+m", "C4.5+cf"), ("C4.5+m", "C4.5+m+cf")):
        assert nemenyi.p(a, b) > 0.10
    same = critical_difference(average_ranks=[3.143, 2.000, 2.893, 1.964], n_blocks=14,
                               methods=DEMSAR_METHODS, alpha=0.10)
    assert same.cliques == cd10.cliques


def test_nemenyi_q_table_agrees_with_studentized_range() -> None:
    """Demsar (2006) Table 5(a) is q_{alpha}(k, inf) / sqrt(2) of the studentized range;
    scipy's quantile reproduces every entry to the table's 3 decimals."""
    for alpha, row in NEMENYI_Q.items():
        for k, q in enumerate(row, start=2):
            exact = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
            assert exact == pytest.approx(q, abs=1.5e-3)
            assert nemenyi_q(k, alpha) == q
    assert nemenyi_q(12, 0.05) == pytest.approx(
        stats.studentized_range.ppf(0.95, 12, np.inf) / math.sqrt(2))


def test_conover_posthoc_agrees_with_conovers_formula() -> None:
    """Conover (1999), Practical Nonparametric Statistics, 3rd ed., Sec. 5.8: methods i, j
    differ when |R_i - R_j| / sqrt(2 (b A - sum R^2) / ((b-1)(k-1))) exceeds the t
    quantile with (b-1)(k-1) df (R rank sums, A sum of squared ranks, b blocks). Reference
    computed here from that formula (an independent implementation)."""
    result = conover_posthoc(DEMSAR_AUC, DEMSAR_METHODS, p_adjust="none")
    ranks = stats.rankdata(DEMSAR_AUC, axis=1)
    b, k = ranks.shape
    rank_sums = ranks.sum(axis=0)
    scale = math.sqrt(2 * (b * np.sum(ranks**2) - np.sum(rank_sums**2)) / ((b - 1) * (k - 1)))
    for i, j in itertools.combinations(range(k), 2):
        t = abs(rank_sums[i] - rank_sums[j]) / scale
        p = 2 * stats.t.sf(t, (b - 1) * (k - 1))
        assert result.p_values[i, j] == pytest.approx(p, rel=1e-9)
    holm = conover_posthoc(DEMSAR_AUC, DEMSAR_METHODS, p_adjust="holm")
    upper = np.triu_indices(k, 1)
    assert holm.p_values[upper] == pytest.approx(
        adjust_p_values(result.p_values[upper], "holm").adjusted)


# -- effect sizes and bootstrap -------------------------------------------------------------
def test_a12_and_cliffs_delta_by_hand() -> None:
    """The example data of R's effsize::cliff.delta / VD.A (treatment vs control). Counted
    by hand: of the 60 pairs 17 have treatment > control, 32 treatment < control, 11 ties:
    delta = (17 - 32) / 60 = -0.25 and A12 = (17 + 11/2) / 60 = 0.375."""
    treatment = [10, 10, 20, 20, 20, 30, 30, 30, 40, 50]
    control = [10, 20, 30, 40, 40, 50]
    a12 = vargha_delaney_a12(treatment, control, n_resamples=1000, seed=3)
    delta = cliffs_delta(treatment, control, n_resamples=1000, seed=3)
    assert a12.estimate == pytest.approx(0.375)
    assert delta.estimate == pytest.approx(-0.25)
    assert a12.magnitude == "small" and delta.magnitude == "small"
    assert a12.ci_low <= 0.375 <= a12.ci_high and delta.ci_low <= -0.25 <= delta.ci_high
    # A12 = U / (n m), Vargha & Delaney (2000), eq. (9)
    u = stats.mannwhitneyu(treatment, control).statistic
    assert a12.estimate == pytest.approx(u / 60)
    again = vargha_delaney_a12(treatment, control, n_resamples=1000, seed=3)
    assert (again.ci_low, again.ci_high) == (a12.ci_low, a12.ci_high)


def test_a12_thresholds_match_cohens_d_under_normality() -> None:
    """Vargha & Delaney (2000): for normal populations A = Phi(d / sqrt 2); their small /
    medium / large 0.56 / 0.64 / 0.71 correspond to Cohen's d = 0.2 / 0.5 / 0.8."""
    for d, cut in zip((0.2, 0.5, 0.8), A12_THRESHOLDS, strict=True):
        assert stats.norm.cdf(d / math.sqrt(2)) == pytest.approx(0.5 + cut, abs=5e-3)
    assert magnitude("A12", 0.5) == "negligible"
    assert magnitude("A12", 0.28) == "large"
    assert magnitude("cliffs_delta", 0.2) == "small"
    assert magnitude("cliffs_delta", -0.5) == "large"


def test_bootstrap_mean_interval_agrees_with_t_interval() -> None:
    """For 200 normal values the BCa bootstrap interval of the mean and the t-interval
    (analysis.stats.mean_test, checked against R's t.test) agree to a few percent of
    their width: an independent method as reference."""
    values = np.random.default_rng(11).normal(5.0, 2.0, size=200)
    boot = bootstrap_ci(values, "mean", n_resamples=4000, seed=1)
    t = mean_test(values, 0.0, alternative="two-sided")
    width = t.ci_high - t.ci_low
    assert boot.point == pytest.approx(values.mean())
    assert boot.ci_low == pytest.approx(t.ci_low, abs=0.08 * width)
    assert boot.ci_high == pytest.approx(t.ci_high, abs=0.08 * width)
    assert bootstrap_ci(values, "median", n_resamples=500, seed=1) == bootstrap_ci(
        values, "median", n_resamples=500, seed=1)
    constant = bootstrap_ci([2.0] * 20)
    assert (constant.ci_low, constant.ci_high) == (2.0, 2.0)
    # below 20 values the bootstrap is refused (BCa covers 78 % instead of 95 % at n = 4:
    # tests/test_interval_coverage.py); mean_interval is the small-sample interval
    with pytest.raises(InvalidParameterError, match="n >= 20"):
        bootstrap_ci([1.0, 2.0, 3.0])


def test_iqm_and_rliable_aggregates_match_rliable_tests() -> None:
    """rliable tests/rliable/metrics_test.py (Agarwal et al. 2021): for
    x = [[1,2],[2,2],[1,1],[2,1]] median, mean and IQM are 1.5; for y = [[1,1],[2,2],[3,3]]
    all are 2; probability_of_improvement(x, y) = 1/3."""
    x = np.array([[1, 2], [2, 2], [1, 1], [2, 1]])
    y = np.array([[1, 1], [2, 2], [3, 3]])
    assert (aggregate_median(x), aggregate_mean(x), aggregate_iqm(x)) == (1.5, 1.5, 1.5)
    assert (aggregate_median(y), aggregate_mean(y), aggregate_iqm(y)) == (2.0, 2.0, 2.0)
    assert probability_of_improvement(x, y) == pytest.approx(1 / 3)
    assert iqm([1, 2, 3, 4, 5, 6, 7, 8]) == pytest.approx(4.5)  # mean of 3..6, by hand
    assert optimality_gap([[0.5, 1.5], [1.0, 0.0]]) == pytest.approx(1 - 2.5 / 4)  # by hand


def test_stratified_bootstrap_resamples_within_tasks() -> None:
    """With no spread inside each task the stratified bootstrap has nothing to resample:
    every interval collapses to the point (runs are never mixed across tasks)."""
    flat = np.tile([[1.0, 5.0, 9.0]], (6, 1))
    (estimate,) = aggregate_estimates({"m": flat}, metrics=("mean",), n_resamples=200)
    assert (estimate.point, estimate.ci_low, estimate.ci_high) == (5.0, 5.0, 5.0)
    noisy = np.random.default_rng(2).normal(size=(10, 4))
    first = aggregate_estimates({"m": noisy}, n_resamples=300, seed=5)
    assert first == aggregate_estimates({"m": noisy}, n_resamples=300, seed=5)
    assert all(e.ci_low <= e.point <= e.ci_high for e in first)


def test_performance_profiles_by_hand() -> None:
    """rliable's run-score distribution and Dolan & More (2002) profiles, by hand."""
    scores = {"m": np.array([[0.1, 0.6], [0.4, 0.9]])}
    (run,) = performance_profile(scores, [0.0, 0.5, 1.0], n_resamples=200)
    assert run.fraction.tolist() == [1.0, 0.5, 0.0]
    (mean,) = performance_profile(scores, [0.2, 0.5, 0.8], kind="mean", n_resamples=200)
    assert mean.fraction.tolist() == [1.0, 0.5, 0.0]  # task means 0.25 and 0.75
    costs = np.array([[1.0, 2.0], [4.0, 2.0], [3.0, np.inf]])
    profile = dolan_more_profile(costs, [1.0, 2.0, 4.0], methods=("s1", "s2"))
    # ratios: s1 = (1, 2, 1), s2 = (2, 1, inf)
    assert profile.rho.tolist() == [[2 / 3, 1.0, 1.0], [1 / 3, 2 / 3, 2 / 3]]


def test_score_matrices_from_runs_frame() -> None:
    frame = _frame()
    matrices = score_matrices(frame, higher_is_better=False)
    assert matrices["a"].shape == (8, 4)
    assert matrices["c"][3, 2] == -to_cube(frame).values[2, 2, 3]


# -- runtime analysis -----------------------------------------------------------------------
def _traces() -> pd.DataFrame:
    rows = []
    for seed, values in enumerate([[9, 5, 2, 1], [9, 8, 3, 3], [7, 7, 6, 6]]):
        for i, v in enumerate(values):
            rows.append(("ea", "f", seed, 10 * (i + 1), v))
    return pd.DataFrame(rows, columns=["method", "problem", "seed", "evaluations", "value"])


def test_fixed_target_runtimes_and_ert_by_hand() -> None:
    """Runs hit target 3 at 30, 30 evaluations and never (budget 40); ERT = (30 + 30 + 40)
    / 2 = 50. Target 1: only run 0 at 40: ERT = (40 + 40 + 40) / 1 = 120."""
    rt = fixed_target_runtimes(_traces(), [3.0, 1.0], minimize=True)
    three = rt.loc[rt["target"] == 3.0]
    assert three["runtime"].tolist()[:2] == [30.0, 30.0] and math.isnan(three["runtime"].iloc[2])
    assert three["budget"].tolist() == [40.0, 40.0, 40.0]
    table = ert_table(rt).set_index("target")
    assert table["ert"].loc[3.0] == pytest.approx(50.0)
    assert table["ert"].loc[1.0] == pytest.approx(120.0)


def test_ert_equals_auger_hansen_decomposition() -> None:
    """Auger & Hansen (2005): ERT = E[RT_s] + (1 - p_s)/p_s E[RT_us]. By hand for runtimes
    (100, 200, -, 150, -) with budgets 1000: (100+200+1000+150+1000)/3 = 816.67 = 150 +
    (0.4/0.6) 1000; no success gives an infinite ERT."""
    runtimes = [100, 200, np.nan, 150, np.nan]
    budgets = [1000] * 5
    ert = expected_running_time(runtimes, budgets, n_resamples=500, seed=4)
    assert ert.ert == pytest.approx(2450 / 3)
    assert ert.ert == pytest.approx(150 + (0.4 / 0.6) * 1000)
    assert ert.successes == 3 and ert.success_rate == pytest.approx(0.6)
    assert ert.ci_low <= ert.ert <= ert.ci_high
    assert expected_running_time([np.nan, np.nan], [10, 10]).ert == math.inf


def test_runtime_ecdf_by_hand() -> None:
    rt = fixed_target_runtimes(_traces(), [3.0, 1.0], minimize=True)
    (ecdf,) = runtime_ecdf(rt, [10, 30, 40, 100])
    # six (seed, target) pairs; solved at 30, 30 (target 3) and 40 (target 1)
    assert ecdf.proportion.tolist() == [0.0, 2 / 6, 3 / 6, 3 / 6]


def test_anytime_t_band_matches_t_interval() -> None:
    """The t band at a budget is the t-interval of the best-so-far values there
    (analysis.stats.mean_test, itself checked against R's t.test)."""
    (curve,) = anytime_curves(_traces(), [10, 25, 40], minimize=True)
    # best-so-far at 25 evaluations: run0 5, run1 8, run2 7
    t = mean_test([5.0, 8.0, 7.0], 0.0, alternative="two-sided")
    assert curve.center[1] == pytest.approx(20 / 3)
    assert (curve.low[1], curve.high[1]) == pytest.approx((t.ci_low, t.ci_high))
    (boot,) = anytime_curves(_traces(), [10, 25, 40], band="bootstrap", seed=1, minimize=True,
                             n_resamples=500)
    assert np.all(boot.low <= boot.center + 1e-12) and np.all(boot.center <= boot.high + 1e-12)


# -- scaling and power ----------------------------------------------------------------------
def test_compare_scaling_against_theory_order() -> None:
    """Noisy c n ln n data (seeded): consistent with the order n ln n, and the plain
    power-law slope exceeds 1 (the ln n factor), so the order n alone is rejected."""
    rng = np.random.default_rng(7)
    n = np.repeat([16.0, 32.0, 64.0, 128.0, 256.0, 512.0], 5)
    y = 2.0 * n * np.log(n) * np.exp(rng.normal(0, 0.05, size=n.size))
    right = compare_scaling(n, y, exponent=1.0, log_power=1.0)
    assert right.consistent and right.p_two_sided > 0.05
    wrong = compare_scaling(n, y, exponent=1.0)
    assert not wrong.consistent and wrong.p_faster < 1e-6
    assert wrong.excess_slope == pytest.approx(wrong.fit.slope - 1.0)


def test_seeds_needed_matches_cohen_and_gpower() -> None:
    """Cohen (1988), Statistical Power Analysis, Table 2.4.1 (two-sided alpha = 0.05,
    power 0.80): n = 393, 64, 26 per group for d = 0.2, 0.5, 0.8; G*Power 3 (Faul et al.
    2007), paired t-test d = 0.5: total n = 34 (actual power 0.8078)."""
    assert seeds_needed(0.2).n_exact == pytest.approx(393.4, abs=0.1)
    assert seeds_needed(0.5).n == 64
    assert seeds_needed(0.8).n == 26
    paired = seeds_needed(0.5, design="paired")
    assert paired.n == 34
    assert achieved_power(34, 0.5, design="paired") == pytest.approx(0.8078, abs=5e-4)


def test_rank_test_seed_count_uses_are_and_simulation_agrees() -> None:
    """The ARE correction n_rank = n_t pi / 3 = 66.8 (Hodges & Lehmann 1956) is the start;
    the returned n is the first whose seeded simulation of the test reaches 0.80 (here 69,
    within Monte-Carlo error of the ARE count: 2000 runs, sd 0.009). An independent
    simulation (other seed, scipy's asymptotic Mann-Whitney) agrees within 0.03."""
    t = seeds_needed(0.5)
    rank = seeds_needed(0.5, test="rank")
    assert rank.n_exact == pytest.approx(t.n_exact / RANK_ARE)
    assert 67 <= rank.n <= 70 and rank.achieved >= 0.80
    assert simulated_rank_power(rank.n, 0.5, n_sim=2000, seed=0) == rank.achieved
    rng = np.random.default_rng(99)
    x = rng.standard_normal((2000, rank.n)) + 0.5
    y = rng.standard_normal((2000, rank.n))
    independent = np.mean(stats.mannwhitneyu(x, y, axis=1).pvalue <= 0.05)
    assert independent == pytest.approx(0.80, abs=0.03)


def test_cohens_d_by_hand() -> None:
    # means 2 and 4, both variances 1 (samples 1,2,3 and 3,4,5): d = -2 / 1
    assert cohens_d([1, 2, 3], [3, 4, 5]) == pytest.approx(-2.0)
    # paired differences -2, -2, -1: mean -5/3, sd sqrt(1/3)
    assert cohens_d([1, 2, 4], [3, 4, 5], paired=True) == pytest.approx(
        (-5 / 3) / math.sqrt(1 / 3))


# -- drawing --------------------------------------------------------------------------------
def _axes() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(4, 3))
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def test_plots_draw_the_records() -> None:
    cd = critical_difference(DEMSAR_AUC, DEMSAR_METHODS, 0.10, lower_is_better=False)
    figure, ax = _axes()
    assert plot_critical_difference(cd, ax) is ax
    labels = [t.get_text() for t in ax.texts]
    assert sum(any(m + " (" in lab for lab in labels) for m in DEMSAR_METHODS) == 4
    assert any(lab.startswith("CD = 1.12") for lab in labels)
    thick = [ln for ln in ax.lines if ln.get_linewidth() == 2.5]
    assert len(thick) == len(cd.cliques)
    figure.canvas.draw()
    scores = score_matrices(_frame(), higher_is_better=False)
    _, ax = _axes()
    plot_aggregate_intervals(aggregate_estimates(scores, metrics=("iqm",), n_resamples=200),
                             ax)
    assert len(ax.get_yticklabels()) == 3
    _, ax = _axes()
    plot_performance_profile(performance_profile(scores, np.linspace(-5, 2, 8),
                                                 n_resamples=200), ax)
    assert len(ax.lines) == 3
    _, ax = _axes()
    plot_dolan_more(dolan_more_profile(np.array([[1.0, 2.0], [3.0, 1.0]]), [1, 2, 3]), ax)
    rt = fixed_target_runtimes(_traces(), [3.0], minimize=True)
    _, ax = _axes()
    plot_runtime_ecdf(runtime_ecdf(rt, [10, 20, 40]), ax)
    _, ax = _axes()
    plot_anytime(anytime_curves(_traces(), [10, 20, 40], minimize=True), ax)
    n = np.array([10.0, 20, 40, 80])
    _, ax = _axes()
    plot_scaling(n, n**2, compare_scaling(n, n**2 * (1 + 0.01 * np.arange(4)), 2.0), ax)
    assert len(ax.lines) == 3


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "rule"), [
    (lambda: wilcoxon_signed_rank([1, 2], [1, 2, 3]), "equal length"),
    (lambda: wilcoxon_signed_rank([1, 2], [1, 2]), "non-zero"),
    (lambda: mann_whitney_u([1, 2], [3, np.nan]), "NaN"),
    (lambda: mann_whitney_u([1, 2], [3, 4], alternative="bigger"),  # type: ignore[arg-type]
     "alternative"),
    (lambda: adjust_p_values([0.1, 1.2]), r"\[0, 1\]"),
    (lambda: adjust_p_values([0.1], "sidak"), "holm"),  # type: ignore[arg-type]
    (lambda: friedman_test(np.ones((4, 2)), lower_is_better=True), "k >= 3"),
    (lambda: friedman_test(np.ones((1, 3)), lower_is_better=True), ">= 2 blocks"),
    (lambda: critical_difference(np.ones((4, 3))), "direction"),
    (lambda: nemenyi_q(1), "k >= 2"),
    (lambda: vargha_delaney_a12([1, 2], [3, 4], level=1.5), "level"),
    (lambda: bootstrap_ci(list(range(20)), "mode"), "statistic"),
    (lambda: expected_running_time([5, np.nan], [4, 10]), "runtime <= budget"),
    (lambda: runtime_ecdf(pd.DataFrame({"method": ["a"], "runtime": [1.0]}), [3, 1]),
     "increasing"),
    (lambda: fixed_target_runtimes(_traces().iloc[::-1].assign(seed=0), [1.0],
                                         minimize=True),
     "never decrease"),
    (lambda: seeds_needed(0.0), "non-zero"),
    (lambda: seeds_needed(0.5, power=1.0), "power"),
    (lambda: compare_scaling([1, 2, 3], [1, 2, 3], 1.0, log_power=1.0), "sizes > 1"),
    (lambda: dolan_more_profile(np.array([[np.inf, np.inf]]), [1.0]), "solved"),
    (lambda: performance_profile({"m": np.ones((2, 2))}, [0.5],
                                 kind="area"),  # type: ignore[arg-type]
     "kind"),
    (lambda: critical_difference(), "average_ranks"),
])
def test_bad_input_names_the_rule(call: Callable[[], object], rule: str) -> None:
    with pytest.raises(InvalidParameterError, match=rule):
        call()
