"""Significance tests comparing methods, on the one shape of run data used throughout analysis/.

The shape of run data
---------------------
A *runs frame* is a long-format :class:`pandas.DataFrame` with exactly these columns
(``RUN_COLUMNS``), one row per (method, problem, seed, measurement):

========== ======== ============================================================
column     dtype    meaning
========== ======== ============================================================
method     str      the thing being compared (a solver, or a solver variant)
problem    str      the block: a problem instance (benchmark, size, ...)
seed       int      the independent repetition
measurement str     the name of the quantity (``generations``, ``final_f``, ...)
value      float    its value: finite, or +-inf for a run that diverged (no finite
                    result), ranked at its metric's worst (``Metric.worst``)
========== ======== ============================================================

(method, problem, seed, measurement) is unique. ``validate_runs`` checks this;
``to_cube`` turns one measurement into the ndarray ``values[method, problem, seed]`` (NaN
where a run is missing) and ``from_cube`` goes back. ``block_matrix`` aggregates over seeds
to the (problem x method) matrix the rank tests of Demsar (2006) take, and ``sample``
picks the 1-D sample of one method on one problem.

Tests (all pure, all returning frozen records)
-----------------------------------------------
* ``wilcoxon_signed_rank`` (paired) and ``mann_whitney_u`` (unpaired), via scipy.stats,
  with R's statistics (V = sum of positive ranks, W = U of x) and the Hodges-Lehmann
  location estimate;
* ``adjust_p_values``: Holm (1979) or Benjamini-Hochberg (1995), via statsmodels;
* ``friedman_test`` on a (block x method) matrix (scipy, tie-corrected like R's
  ``friedman.test``), with the Iman-Davenport F; ``friedman_from_ranks`` gives Demsar's
  uncorrected chi^2_F and F_F from average ranks alone;
* ``nemenyi_posthoc`` and ``conover_posthoc`` (scikit-posthocs), and
  ``critical_difference`` (average ranks, Nemenyi CD = q_alpha sqrt(k(k+1)/(6N)) and the
  cliques of a CD diagram; drawn by ``analysis.plots.plot_critical_difference``).

Rank 1 is the best method: ``lower_is_better`` says which way the measurement points; it
has no default (read it from ``analysis.metrics``). Two-sample tests are exact (given the
ties) at the project's sample sizes, and report the smallest p-value they can reach
(``min_attainable_p``): a test that cannot reach its level is not evidence of anything.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scikit_posthocs as sp
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.validation import sample_vector
from theory.errors import InvalidParameterError

__all__ = ["EXACT_MAX_N", "NEMENYI_Q", "RUN_COLUMNS", "Correction", "CriticalDifference",
           "FriedmanTest", "PosthocTest", "RunCube", "TwoSampleTest", "adjust_p_values",
           "block_matrix", "conover_posthoc", "critical_difference", "friedman_from_ranks",
           "friedman_test", "from_cube", "hodges_lehmann", "mann_whitney_u",
           "min_attainable_p", "nemenyi_posthoc", "nemenyi_q", "sample", "to_cube",
           "validate_runs", "wilcoxon_signed_rank"]

RUN_COLUMNS = ("method", "problem", "seed", "measurement", "value")
Alternative = Literal["two-sided", "greater", "less"]
_ALTERNATIVES = ("two-sided", "greater", "less")

#: Critical values q_alpha of the Nemenyi test for k = 2..10 methods: Demsar (2006),
#: "Statistical Comparisons of Classifiers over Multiple Data Sets", JMLR 7:1-30, Table 5(a)
#: (studentized range statistic divided by sqrt(2), infinite degrees of freedom).
NEMENYI_Q: dict[float, tuple[float, ...]] = {
    0.05: (1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164),
    0.10: (1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920),
}


# -- the shape --------------------------------------------------------------------------
def validate_runs(frame: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of a runs frame (see the module docstring), columns in order."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError("runs data is a pandas DataFrame", type(frame).__name__)
    missing = [c for c in RUN_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidParameterError(f"a runs frame has the columns {list(RUN_COLUMNS)}",
                                    f"missing {missing}")
    out = frame.loc[:, list(RUN_COLUMNS)].copy()
    if len(out) == 0:
        raise InvalidParameterError("a runs frame has at least one row", "0 rows")
    for name in ("method", "problem", "measurement"):
        out[name] = out[name].astype(str)
    try:
        out["value"] = pd.to_numeric(out["value"]).astype(float)
        out["seed"] = pd.to_numeric(out["seed"]).astype(int)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError("seed is an integer and value a number", str(exc)) from None
    if np.any(np.isnan(out["value"].to_numpy())):
        bad = out.loc[np.isnan(out["value"].to_numpy())].iloc[0]
        raise InvalidParameterError("every value is a number (+-inf for a diverged run, "
                                    "never NaN)", f"NaN for {dict(bad.drop('value'))}")
    keys = list(RUN_COLUMNS[:4])
    duplicated = out.duplicated(keys)
    if duplicated.any():
        row = out.loc[duplicated].iloc[0]
        raise InvalidParameterError("(method, problem, seed, measurement) is unique",
                                    f"a repeated row {dict(row[keys])}")
    return out.reset_index(drop=True)


def _one_measurement(frame: pd.DataFrame, measurement: str | None) -> pd.DataFrame:
    names = sorted(frame["measurement"].unique())
    if measurement is None:
        if len(names) != 1:
            raise InvalidParameterError("name the measurement when the frame holds several",
                                        f"measurements {names}")
        measurement = names[0]
    if measurement not in names:
        raise InvalidParameterError(f"measurement is one of {names}", repr(measurement))
    return frame.loc[frame["measurement"] == measurement]


@dataclass(frozen=True)
class RunCube:
    """One measurement as ``values[method, problem, seed]`` (NaN where a run is missing)."""

    measurement: str
    methods: tuple[str, ...]
    problems: tuple[str, ...]
    seeds: tuple[int, ...]
    values: np.ndarray


def to_cube(frame: pd.DataFrame, measurement: str | None = None) -> RunCube:
    """The (method x problem x seed) ndarray of one measurement of a runs frame."""
    data = _one_measurement(validate_runs(frame), measurement)
    methods = tuple(sorted(data["method"].unique()))
    problems = tuple(sorted(data["problem"].unique()))
    seeds = tuple(int(s) for s in sorted(data["seed"].unique()))
    values = np.full((len(methods), len(problems), len(seeds)), np.nan)
    mi = pd.Index(methods).get_indexer(pd.Index(data["method"]))
    pi = pd.Index(problems).get_indexer(pd.Index(data["problem"]))
    si = pd.Index(seeds).get_indexer(pd.Index(data["seed"]))
    values[mi, pi, si] = data["value"].to_numpy()
    return RunCube(str(data["measurement"].iloc[0]), methods, problems, seeds, values)


def from_cube(cube: RunCube) -> pd.DataFrame:
    """The runs frame of a cube (NaN entries, i.e. missing runs, are left out)."""
    m, p, s = np.meshgrid(np.arange(len(cube.methods)), np.arange(len(cube.problems)),
                          np.arange(len(cube.seeds)), indexing="ij")
    keep = ~np.isnan(cube.values)
    frame = pd.DataFrame({
        "method": np.asarray(cube.methods, dtype=object)[m[keep]],
        "problem": np.asarray(cube.problems, dtype=object)[p[keep]],
        "seed": np.asarray(cube.seeds, dtype=int)[s[keep]],
        "measurement": cube.measurement,
        "value": cube.values[keep],
    })
    return validate_runs(frame)


def sample(frame: pd.DataFrame, method: str, problem: str,
           measurement: str | None = None) -> pd.Series:
    """The values of one method on one problem, indexed by seed (sorted)."""
    data = _one_measurement(validate_runs(frame), measurement)
    rows = data.loc[(data["method"] == method) & (data["problem"] == problem)]
    if len(rows) == 0:
        raise InvalidParameterError("the (method, problem) pair has runs",
                                    f"method={method!r}, problem={problem!r}")
    return rows.set_index("seed")["value"].sort_index()


def block_matrix(frame: pd.DataFrame, measurement: str | None = None,
                 aggregate: Literal["median", "mean"] = "median",
                 blocks: Literal["problem", "problem-seed"] = "problem") -> pd.DataFrame:
    """The (block x method) matrix of the rank tests.

    ``blocks="problem"``: one row per problem, the ``aggregate`` over its seeds (Demsar's
    one value per data set). ``blocks="problem-seed"``: one row per (problem, seed), for
    designs where seed s of every method shares its randomness (common random numbers).
    Blocks missing a method are dropped.
    """
    if aggregate not in ("median", "mean"):
        raise InvalidParameterError("aggregate is 'median' or 'mean'", repr(aggregate))
    data = _one_measurement(validate_runs(frame), measurement)
    if blocks == "problem":
        table = data.pivot_table(index="problem", columns="method", values="value",
                                 aggfunc=aggregate)
    elif blocks == "problem-seed":
        table = data.pivot_table(index=["problem", "seed"], columns="method", values="value")
    else:
        raise InvalidParameterError("blocks is 'problem' or 'problem-seed'", repr(blocks))
    return table.dropna(axis=0, how="any")


# -- two samples --------------------------------------------------------------------------
def _alternative(alternative: str) -> None:
    if alternative not in _ALTERNATIVES:
        raise InvalidParameterError(f"alternative is one of {_ALTERNATIVES}", repr(alternative))


#: exact null distributions are computed (by counting, see ``_rank_sum_null``) up to this
#: many observations in all; beyond it the tie-corrected normal approximation is accurate
EXACT_MAX_N = 60


def _doubled_ranks(values: np.ndarray) -> np.ndarray:
    """Twice the mid-ranks: integers, so that sums of ranks can index an array."""
    return np.rint(2.0 * stats.rankdata(values)).astype(np.int64)


def _two_sided(p_less: float, p_greater: float, alternative: str) -> float:
    if alternative == "less":
        return min(1.0, p_less)
    if alternative == "greater":
        return min(1.0, p_greater)
    return min(1.0, 2.0 * min(p_less, p_greater))  # R's and scipy's exact two-sided p


def _rank_sum_null(ranks: np.ndarray, n: int) -> np.ndarray:
    """counts[t] = #{subsets of size n of the (doubled) ranks with sum t}: the exact null
    distribution of the rank sum of x given the tied values (every split of the pooled
    sample into n and m values is equally likely under H0), by dynamic programming over
    the observations (the counting behind R's exactRankTests/coin "exact" rank tests)."""
    total = int(ranks.sum())
    counts = np.zeros((n + 1, total + 1))
    counts[0, 0] = 1.0
    for r in ranks:
        counts[1:, r:] += counts[:-1, :total + 1 - r].copy()
    return counts[n]


def _signed_rank_null(ranks: np.ndarray) -> np.ndarray:
    """counts[t] = #{sign vectors whose positive (doubled) ranks sum to t}: the exact null
    distribution of V given the tied |d| (each of the 2^n sign vectors equally likely)."""
    total = int(ranks.sum())
    counts = np.zeros(total + 1)
    counts[0] = 1.0
    for r in ranks:
        counts[r:] += counts[:total + 1 - r].copy()
    return counts


def _tail_p(counts: np.ndarray, observed: int, alternative: str) -> float:
    """p of the statistic's doubled value ``observed`` under the null ``counts``
    (``greater``: large values of the statistic are evidence)."""
    total = counts.sum()
    p_greater = float(counts[observed:].sum() / total)
    p_less = float(counts[:observed + 1].sum() / total)
    return _two_sided(p_less, p_greater, alternative)


def min_attainable_p(test: Literal["Mann-Whitney U", "Wilcoxon signed-rank"], n_x: int,
                     n_y: int | None = None, alternative: Alternative = "two-sided") -> float:
    """The smallest p-value the exact test can return at these sample sizes (untied data).

    Mann-Whitney U: the most extreme of the C(n + m, n) equally likely splits, 1/C(n + m, n)
    one-sided and twice that two-sided (2/C(4, 2) = 1/3 for two seeds per method); Wilcoxon
    signed-rank: 1/2^n one-sided, 2/2^n two-sided (fewer than 6 pairs cannot reach 0.05
    two-sided). Ties only make the extreme less extreme, so with ties the bound is not
    reached. A test whose ``min_attainable_p`` exceeds its level cannot reject, whatever
    the data: it has no power and is reported as such (STYLE.md pattern 14).
    """
    _alternative(alternative)
    if test == "Mann-Whitney U":
        if n_y is None or n_x < 1 or n_y < 1:
            raise InvalidParameterError("n_x >= 1 and n_y >= 1", f"n_x={n_x}, n_y={n_y}")
        extreme = 1.0 / math.comb(n_x + n_y, n_x)
    elif test == "Wilcoxon signed-rank":
        if n_x < 1:
            raise InvalidParameterError("n >= 1 pairs", f"n={n_x}")
        extreme = 0.5 ** n_x
    else:
        raise InvalidParameterError("test is 'Mann-Whitney U' or 'Wilcoxon signed-rank'",
                                    repr(test))
    return min(1.0, 2.0 * extreme if alternative == "two-sided" else extreme)


@dataclass(frozen=True)
class TwoSampleTest:
    """A two-sample rank test; ``statistic`` follows R (V for signed-rank, W for rank-sum).

    ``estimate`` is the Hodges-Lehmann location estimate of x - y (paired: the median of
    the Walsh averages of the differences; unpaired: the median of all x_i - y_j).
    ``method`` says how the p-value was computed ("exact", "exact permutation" -- the
    enumerated null distribution of the statistic given the tied values -- or
    "asymptotic"); ``min_p`` is the smallest p-value the exact test can reach at these
    sizes (:func:`min_attainable_p`).
    """

    test: str
    n_x: int
    n_y: int
    statistic: float
    p_value: float
    alternative: str
    estimate: float
    method: str = "asymptotic"
    min_p: float = 0.0

    def can_reject(self, alpha: float) -> bool:
        """Whether any data of these sizes could give p <= alpha."""
        return self.min_p <= alpha


def hodges_lehmann(x: ArrayLike, y: ArrayLike | None = None) -> float:
    """Hodges-Lehmann estimate: one sample (or paired differences) or the shift x - y."""
    xs = sample_vector(x, "x", 1, diverged=True)
    if y is None:
        i, j = np.triu_indices(len(xs))
        with np.errstate(invalid="ignore"):  # inf - inf of two diverged runs: NaN
            return float(np.median((xs[i] + xs[j]) / 2.0))
    ys = sample_vector(y, "y", 1, diverged=True)
    with np.errstate(invalid="ignore"):
        return float(np.median(np.subtract.outer(xs, ys)))


def _has_ties(values: np.ndarray) -> bool:
    return len(np.unique(values)) < len(values)


def wilcoxon_signed_rank(x: ArrayLike, y: ArrayLike | None = None,
                         alternative: Alternative = "two-sided",
                         zero_method: Literal["wilcox", "pratt", "zsplit"] = "wilcox",
                         method: Literal["auto", "exact", "asymptotic"] = "auto"
                         ) -> TwoSampleTest:
    """Wilcoxon signed-rank test of the paired differences x - y (or of x) about 0.

    ``statistic`` is R's V, the sum of the ranks of |d| over positive d (zeros dropped for
    "wilcox", split for "zsplit"). ``method="auto"``: with at most ``EXACT_MAX_N`` pairs the
    p-value is exact -- the permutation distribution of V over all 2^n sign vectors given
    the tied |d|, counted by dynamic programming over the doubled mid-ranks
    (:func:`_signed_rank_null`; equal to enumerating every sign vector, as
    ``scipy.stats.PermutationMethod`` does, and to scipy's exact distribution without
    ties) -- otherwise the normal approximation with tie correction. (scipy's own default
    falls back to the normal approximation at the first tie.)
    """
    _alternative(alternative)
    xs = sample_vector(x, "x", 1, diverged=True)
    if y is None:
        d = xs
    else:
        ys = sample_vector(y, "y", 1, diverged=True)
        if len(xs) != len(ys):
            raise InvalidParameterError("paired samples have equal length",
                                        f"len(x)={len(xs)}, len(y)={len(ys)}")
        d = xs - ys
    if zero_method not in ("wilcox", "pratt", "zsplit"):
        raise InvalidParameterError("zero_method is 'wilcox', 'pratt' or 'zsplit'",
                                    repr(zero_method))
    if method not in ("auto", "exact", "asymptotic"):
        raise InvalidParameterError("method is 'auto', 'exact' or 'asymptotic'", repr(method))
    if np.all(d == 0):
        raise InvalidParameterError("some paired difference is non-zero", "all differences 0")
    kept = d[d != 0] if zero_method == "wilcox" else d
    ranks = stats.rankdata(np.abs(kept))
    v = float(ranks[kept > 0].sum())
    if zero_method == "zsplit":
        v += float(ranks[kept == 0].sum()) / 2.0
    if method == "asymptotic" or (method == "auto" and len(kept) > EXACT_MAX_N):
        how = "asymptotic"
        p = float(stats.wilcoxon(d, alternative=alternative, zero_method=zero_method,
                                 method="approx").pvalue)
    else:
        how = "exact"
        doubled = _doubled_ranks(np.abs(kept))
        positive = int(doubled[kept > 0].sum())
        if zero_method != "wilcox":  # zeros keep their ranks; their signs are fixed
            # (zsplit counts half of them in V: a constant shift of V under H0)
            null = _signed_rank_null(doubled[kept != 0])
            p = _tail_p(null, positive, alternative)
        else:
            p = _tail_p(_signed_rank_null(doubled), positive, alternative)
    return TwoSampleTest("Wilcoxon signed-rank", len(xs), len(d), v, p, alternative,
                         hodges_lehmann(d), how,
                         min_attainable_p("Wilcoxon signed-rank", int(np.sum(kept != 0)),
                                          alternative=alternative))


def mann_whitney_u(x: ArrayLike, y: ArrayLike, alternative: Alternative = "two-sided",
                   method: Literal["auto", "exact", "asymptotic"] = "auto") -> TwoSampleTest:
    """Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples (scipy).

    ``statistic`` is U of x = #{x_i > y_j} + #{x_i = y_j}/2, which is R's W.
    ``method="auto"``: with a pooled sample of at most ``EXACT_MAX_N`` values the p-value is
    exact -- the permutation distribution of the rank sum over all C(n + m, n) splits given
    the tied values, counted by dynamic programming (:func:`_rank_sum_null`; equal to
    enumerating every split, as ``scipy.stats.PermutationMethod`` does, and to scipy's
    exact distribution without ties) -- otherwise the tie-corrected normal approximation.
    ``[1, 1, 2, 9]`` vs ``[9, 9, 9, 9]``: exact p = 10/70 = 0.143 (scipy's default, the
    normal approximation, says 0.067).
    """
    _alternative(alternative)
    xs = sample_vector(x, "x", 1, diverged=True)
    ys = sample_vector(y, "y", 1, diverged=True)
    if method not in ("auto", "exact", "asymptotic"):
        raise InvalidParameterError("method is 'auto', 'exact' or 'asymptotic'", repr(method))
    pooled = np.concatenate([xs, ys])
    statistic = float(stats.mannwhitneyu(xs, ys, method="asymptotic").statistic)
    if len(np.unique(pooled)) == 1:  # one value throughout: U = nm/2, p = 1
        how, p = "exact", 1.0
    elif method == "asymptotic" or (method == "auto" and len(pooled) > EXACT_MAX_N):
        how = "asymptotic"
        p = float(stats.mannwhitneyu(xs, ys, alternative=alternative,
                                     method="asymptotic").pvalue)
    else:
        how = "exact"
        doubled = _doubled_ranks(pooled)
        p = _tail_p(_rank_sum_null(doubled, len(xs)), int(doubled[:len(xs)].sum()),
                    alternative)
    return TwoSampleTest("Mann-Whitney U", len(xs), len(ys), statistic, p, alternative,
                         hodges_lehmann(xs, ys), how,
                         min_attainable_p("Mann-Whitney U", len(xs), len(ys), alternative))


# -- multiple comparisons ---------------------------------------------------------------
@dataclass(frozen=True)
class Correction:
    method: str
    alpha: float
    p_values: tuple[float, ...]
    adjusted: tuple[float, ...]
    reject: tuple[bool, ...]


_CORRECTIONS = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "bonferroni": "bonferroni"}


def adjust_p_values(p_values: ArrayLike, method: Literal["holm", "bh", "bonferroni"] = "holm",
                    alpha: float = 0.05) -> Correction:
    """Adjusted p-values (statsmodels ``multipletests``): Holm's step-down family-wise
    correction or Benjamini-Hochberg's false-discovery-rate step-up correction."""
    if method not in _CORRECTIONS:
        raise InvalidParameterError("method is 'holm', 'bh' or 'bonferroni'", repr(method))
    if not 0 < alpha < 1:
        raise InvalidParameterError("0 < alpha < 1", f"alpha={alpha}")
    p = np.asarray(p_values, dtype=float).ravel()
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise InvalidParameterError("every p-value lies in [0, 1]", f"{p.tolist()}")
    if len(p) == 0:
        return Correction(method, alpha, (), (), ())
    reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=_CORRECTIONS[method])
    return Correction(method, alpha, tuple(p.tolist()), tuple(float(a) for a in adjusted),
                      tuple(bool(r) for r in reject))


# -- several methods over blocks ---------------------------------------------------------
def _matrix(values: ArrayLike | pd.DataFrame, methods: Sequence[str] | None
            ) -> tuple[np.ndarray, tuple[str, ...]]:
    if isinstance(values, pd.DataFrame):
        names = tuple(str(c) for c in values.columns) if methods is None else tuple(methods)
        matrix = values.to_numpy(dtype=float)
    else:
        matrix = np.asarray(values, dtype=float)
        names = (tuple(methods) if methods is not None
                 else tuple(f"m{i}" for i in range(matrix.shape[-1] if matrix.ndim else 0)))
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise InvalidParameterError("a (block x method) matrix with >= 2 blocks and >= 2 "
                                    "methods", f"shape {matrix.shape}")
    if np.any(np.isnan(matrix)):
        raise InvalidParameterError("every entry of the block matrix is a number (+-inf "
                                    "for a diverged run)", "a NaN entry")
    if len(names) != matrix.shape[1] or len(set(names)) != len(names):
        raise InvalidParameterError("one distinct name per method column",
                                    f"{len(names)} names for {matrix.shape[1]} columns")
    return matrix, names


def _ranks(matrix: np.ndarray, lower_is_better: bool) -> np.ndarray:
    return stats.rankdata(matrix if lower_is_better else -matrix, axis=1)


#: resamples of the Monte-Carlo permutation p-value of the Friedman test, when the
#: (k!)^(N-1) distinct within-block arrangements are too many to enumerate
FRIEDMAN_RESAMPLES = 9999
_FRIEDMAN_ENUMERATE = 50_000


@dataclass(frozen=True)
class FriedmanTest:
    """Friedman's rank test over N blocks and k methods (rank 1 = best).

    ``statistic``/``p_value``: tie-corrected chi^2 with k - 1 df (R's ``friedman.test``);
    ``iman_davenport``/``iman_davenport_p``: F_F = (N-1) chi^2 / (N(k-1) - chi^2) with
    (k-1, (k-1)(N-1)) df, Iman & Davenport (1980), which Demsar (2006) recommends; F_F is
    undefined at perfect agreement (chi^2 = N(k-1)): then inf with a NaN p-value.
    ``p_exact``: the permutation p-value (methods' values permuted within each block, the
    null of the test): enumerated when the (k!)^(N-1) arrangements are few (``"exact"``),
    perfect agreement without ties exactly (k!)^(1-N), else a seeded Monte-Carlo estimate
    (B resamples, p = (1 + #{T_b >= T}) / (1 + B), Phipson & Smyth 2010, never 0). The
    decision :meth:`rejects` uses ``p_exact``: at the project's few blocks the chi^2
    approximation is not to be trusted.
    """

    methods: tuple[str, ...]
    n_blocks: int
    average_ranks: tuple[float, ...]
    statistic: float
    p_value: float
    iman_davenport: float
    iman_davenport_p: float
    p_exact: float = math.nan
    p_exact_method: str = ""

    def rejects(self, alpha: float) -> bool:
        p = self.p_exact if math.isfinite(self.p_exact) else self.p_value
        return p <= alpha


def _iman_davenport(chi2: float, n: int, k: int) -> tuple[float, float]:
    denominator = n * (k - 1) - chi2
    if denominator <= 1e-12 * max(1.0, n * (k - 1)):
        return math.inf, math.nan  # perfect agreement: F_F undefined (the p is p_exact's)
    f = (n - 1) * chi2 / denominator
    return float(f), float(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))


def _friedman_permutation_p(ranks: np.ndarray, seed: int, n_resamples: int
                            ) -> tuple[float, str]:
    """The permutation p of sum_j R_j^2 (R_j the rank sums; within a block the ties are
    fixed, so this orders arrangements as the tie-corrected chi^2 does)."""
    n, k = ranks.shape
    observed = float(np.sum(ranks.sum(axis=0) ** 2))
    tol = 1e-9 * max(1.0, observed)
    untied = all(len(set(row)) == k for row in ranks.tolist())
    maximal = untied and all(row == ranks[0].tolist() for row in ranks.tolist())
    if maximal:  # every block ranks the methods alike: k! of the (k!)^N arrangements
        return float(math.factorial(k)) ** (1 - n), "exact (perfect agreement)"
    arrangements = math.factorial(k) ** (n - 1)
    if arrangements <= _FRIEDMAN_ENUMERATE:
        orders = np.array(list(itertools.permutations(range(k))))
        rest = np.array(list(itertools.product(range(len(orders)), repeat=n - 1)))
        # block 0 fixed (permuting every block alike leaves sum R_j^2 unchanged)
        permuted = ranks[1:][np.arange(n - 1)[None, :, None], orders[rest]]
        sums = ranks[0][None, :] + permuted.sum(axis=1)
        values = np.sum(sums**2, axis=1)
        return float(np.mean(values >= observed - tol)), "exact"
    rng = np.random.default_rng(seed)
    hits = 0
    for start in range(0, n_resamples, 1000):
        size = min(1000, n_resamples - start)
        keys = rng.random((size, n, k)).argsort(axis=2)
        permuted = np.take_along_axis(np.broadcast_to(ranks, (size, n, k)), keys, axis=2)
        hits += int(np.sum(np.sum(permuted.sum(axis=1) ** 2, axis=1) >= observed - tol))
    return (1 + hits) / (1 + n_resamples), f"Monte Carlo ({n_resamples} resamples)"


def friedman_test(values: ArrayLike | pd.DataFrame, methods: Sequence[str] | None = None,
                  *, lower_is_better: bool, seed: int = 0,
                  n_resamples: int = FRIEDMAN_RESAMPLES) -> FriedmanTest:
    """Friedman test of a (block x method) matrix (scipy.stats.friedmanchisquare) with
    its permutation p-value; ``lower_is_better`` (the metric's direction, no default)
    orders the average ranks."""
    matrix, names = _matrix(values, methods)
    n, k = matrix.shape
    if k < 3:
        raise InvalidParameterError("the Friedman test compares k >= 3 methods "
                                    "(use wilcoxon_signed_rank for two)", f"k={k}")
    if n_resamples < 100:
        raise InvalidParameterError("n_resamples >= 100", f"n_resamples={n_resamples}")
    ranks = _ranks(matrix, lower_is_better)
    if np.all(ranks == (k + 1) / 2):
        chi2, p = 0.0, 1.0  # every block a full tie: nothing to tell apart
        p_exact, how = 1.0, "exact (every block tied)"
    else:
        result = stats.friedmanchisquare(*matrix.T)
        chi2, p = float(result.statistic), float(result.pvalue)
        p_exact, how = _friedman_permutation_p(ranks, seed, n_resamples)
    f, fp = _iman_davenport(chi2, n, k)
    return FriedmanTest(names, n, tuple(float(r) for r in ranks.mean(axis=0)), chi2, p, f, fp,
                        p_exact, how)


def friedman_from_ranks(average_ranks: ArrayLike, n_blocks: int) -> FriedmanTest:
    """Demsar's (2006, Sec. 3.2.2) chi^2_F = 12N/(k(k+1)) [sum R_j^2 - k(k+1)^2/4] from
    the average ranks alone (no tie correction), with F_F and both p-values."""
    ranks = sample_vector(average_ranks, "average_ranks", 3, diverged=True)
    k = len(ranks)
    if n_blocks < 2:
        raise InvalidParameterError("n_blocks >= 2", f"n_blocks={n_blocks}")
    if not math.isclose(float(ranks.sum()), k * (k + 1) / 2, rel_tol=1e-2):
        raise InvalidParameterError("average ranks sum to k(k+1)/2",
                                    f"sum={ranks.sum():.4g} for k={k}")
    chi2 = 12 * n_blocks / (k * (k + 1)) * (float(np.sum(ranks**2)) - k * (k + 1) ** 2 / 4)
    f, fp = _iman_davenport(chi2, n_blocks, k)
    return FriedmanTest(tuple(f"m{i}" for i in range(k)), n_blocks, tuple(ranks.tolist()),
                        chi2, float(stats.chi2.sf(chi2, k - 1)), f, fp)


@dataclass(frozen=True)
class PosthocTest:
    """All-pairs post-hoc p-values after a Friedman test (symmetric, diagonal 1)."""

    test: str
    methods: tuple[str, ...]
    p_values: np.ndarray
    p_adjust: str

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.p_values, index=list(self.methods), columns=list(self.methods))

    def p(self, a: str, b: str) -> float:
        return float(self.p_values[self.methods.index(a), self.methods.index(b)])


def nemenyi_posthoc(values: ArrayLike | pd.DataFrame, methods: Sequence[str] | None = None,
                    *, lower_is_better: bool) -> PosthocTest:
    """Nemenyi's all-pairs test on Friedman ranks (scikit-posthocs
    ``posthoc_nemenyi_friedman``): studentized range of the average-rank difference
    over sqrt(k(k+1)/(6N)), times sqrt(2), with infinite df. Family-wise by construction."""
    matrix, names = _matrix(values, methods)
    data = matrix if lower_is_better else -matrix
    p = sp.posthoc_nemenyi_friedman(data).to_numpy(dtype=float)
    return PosthocTest("Nemenyi", names, p, "single-step")


def conover_posthoc(values: ArrayLike | pd.DataFrame, methods: Sequence[str] | None = None,
                    p_adjust: Literal["none", "holm", "fdr_bh"] = "holm") -> PosthocTest:
    """Conover's (1999) all-pairs t-test on Friedman ranks (scikit-posthocs
    ``posthoc_conover_friedman``): t = |R_i - R_j| / sqrt(2(N A - sum R^2)/((N-1)(k-1)))
    with rank sums R, A the sum of squared ranks and (N-1)(k-1) df; p-values then adjusted
    (``p_adjust``). Rank direction does not change |R_i - R_j|."""
    if p_adjust not in ("none", "holm", "fdr_bh"):
        raise InvalidParameterError("p_adjust is 'none', 'holm' or 'fdr_bh'", repr(p_adjust))
    matrix, names = _matrix(values, methods)
    p = sp.posthoc_conover_friedman(matrix, p_adjust=None if p_adjust == "none" else p_adjust)
    return PosthocTest("Conover", names, p.to_numpy(dtype=float), p_adjust)


def nemenyi_q(k: int, alpha: float = 0.05) -> float:
    """q_alpha of the Nemenyi test: Demsar's Table 5(a) for k <= 10 and alpha in
    {0.05, 0.10}; otherwise the studentized range quantile (scipy, df = inf) / sqrt(2),
    which reproduces that table to its three decimals."""
    if k < 2:
        raise InvalidParameterError("k >= 2 methods", f"k={k}")
    if not 0 < alpha < 1:
        raise InvalidParameterError("0 < alpha < 1", f"alpha={alpha}")
    if alpha in NEMENYI_Q and k <= 10:
        return NEMENYI_Q[alpha][k - 2]
    return float(stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2))


@dataclass(frozen=True)
class CriticalDifference:
    """The data of a critical-difference diagram (Demsar 2006, Sec. 3.2.2 and Fig. 1).

    ``methods`` sorted best first with their ``average_ranks``; ``cd`` = q_alpha
    sqrt(k(k+1)/(6N)); ``cliques``: maximal runs of methods (in rank order) whose average
    ranks differ by less than ``cd`` (no significant difference inside), each of >= 2.
    The post-hoc test is gated on the omnibus test (Demsar 2006, Sec. 3.2.2): when the
    Friedman test given does not reject (``omnibus_rejects`` False) no pair is significant
    and the one clique holds every method; ``omnibus_p`` is its p-value (NaN: not given).
    """

    methods: tuple[str, ...]
    average_ranks: tuple[float, ...]
    n_blocks: int
    alpha: float
    q_alpha: float
    cd: float
    cliques: tuple[tuple[str, ...], ...]
    omnibus_p: float = math.nan
    omnibus_rejects: bool = True

    def significant(self, a: str, b: str) -> bool:
        if not self.omnibus_rejects:
            return False
        ra = self.average_ranks[self.methods.index(a)]
        rb = self.average_ranks[self.methods.index(b)]
        return abs(ra - rb) > self.cd


def _cliques(ranks: Sequence[float], cd: float) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    k = len(ranks)
    for i in range(k):
        j = i
        while j + 1 < k and ranks[j + 1] - ranks[i] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in spans):
            spans.append((i, j))
    return spans


def critical_difference(values: ArrayLike | pd.DataFrame | None = None,
                        methods: Sequence[str] | None = None, alpha: float = 0.05,
                        lower_is_better: bool | None = None, *,
                        average_ranks: ArrayLike | None = None,
                        n_blocks: int | None = None,
                        omnibus: FriedmanTest | None = None) -> CriticalDifference:
    """Average ranks, Nemenyi CD and cliques of a (block x method) matrix (``lower_is_better``
    required: the metric's direction), or of given ``average_ranks`` over ``n_blocks``
    blocks. With ``omnibus`` (the Friedman test of the same matrix) the cliques are gated
    on it: no rejection, one clique of every method."""
    if average_ranks is not None:
        ranks = sample_vector(average_ranks, "average_ranks", 2, diverged=True)
        if n_blocks is None or n_blocks < 2:
            raise InvalidParameterError("n_blocks >= 2 with average_ranks", f"{n_blocks}")
        names = (tuple(methods) if methods is not None
                 else tuple(f"m{i}" for i in range(len(ranks))))
        if len(names) != len(ranks):
            raise InvalidParameterError("one name per average rank",
                                        f"{len(names)} names, {len(ranks)} ranks")
        n = n_blocks
    elif values is not None:
        if lower_is_better is None:
            raise InvalidParameterError("the direction of the metric is given "
                                        "(lower_is_better=True or False)", "None")
        matrix, names = _matrix(values, methods)
        ranks = _ranks(matrix, lower_is_better).mean(axis=0)
        n = matrix.shape[0]
    else:
        raise InvalidParameterError("give values or average_ranks", "neither")
    k = len(ranks)
    q = nemenyi_q(k, alpha)
    cd = q * math.sqrt(k * (k + 1) / (6.0 * n))
    order = np.argsort(ranks, kind="stable")
    sorted_ranks = [float(ranks[i]) for i in order]
    sorted_names = tuple(names[i] for i in order)
    rejects = True if omnibus is None else omnibus.rejects(alpha)
    if rejects:
        cliques = tuple(tuple(sorted_names[a:b + 1]) for a, b in _cliques(sorted_ranks, cd))
    else:
        cliques = (sorted_names,)
    p = math.nan if omnibus is None else (omnibus.p_exact if math.isfinite(omnibus.p_exact)
                                          else omnibus.p_value)
    return CriticalDifference(sorted_names, tuple(sorted_ranks), n, alpha, q, cd, cliques,
                              p, rejects)
