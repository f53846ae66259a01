"""The significance report of a stored comparison (what ``nasbound stats RUNS_DIR`` prints).

``runs_frame`` reads stored runs (``solvers.store.RunStore(root).iter_runs()``) into the
runs frame of ``analysis.comparison``:

* a *measurement* is a numeric entry of the run's summary (``StoredRun.summary``) or, when
  asked by name and absent there, the last value of that trace column; with no names
  given, every numeric summary entry that all runs have, that is not the same in all of
  them (machine-speed entries such as ``seconds_per_generation`` are left out) and whose
  direction is declared (``analysis.metrics``, or the caller's ``maximize``/``minimize``):
  the others are named in a note, never compared in a guessed direction;
* a run whose value is not finite (it diverged) is kept, at its metric's worst (+-inf):
  rank tests rank it last, means are over the finite runs and say how many were left out
  (no silent survivorship);
* ``group_by`` says what is compared: ``"solver"`` (methods are solvers, blocks are
  problems), ``"problem"`` (the reverse), or a config field name such as ``pop_size``
  (methods are its values, blocks everything else). A label carries the config fields
  that vary between runs of the same solver (or problem): ``nsga2[pop_size=20]``.

``significance_report`` then runs, for one measurement:

* per block, every pair of methods: the exact Mann-Whitney U test (or, with ``paired=True``,
  the exact Wilcoxon signed-rank test on the seeds the two share: runs are matched by
  seed, never by position), A12 = P(A better than B) by the metric's direction with its
  score interval, and the p-values corrected together (Holm or BH) -- across every metric
  of a store report (``store_report``: one family). A test whose smallest attainable p
  exceeds alpha is reported as unable to reject; a winner and an effect-size label are
  named only where the corrected test rejects ("n.s." otherwise); under Holm, a family
  whose smallest attainable adjusted p (m times the smallest attainable p) exceeds alpha
  is said to be unable to reject;
* per block and method: n, diverged runs, the mean of the finite runs with its t interval
  kept in the metric's range (``analysis.effect_sizes.mean_interval``, the interval the NAS
  comparison shows; none at n = 1, no bootstrap at these sizes), the median of all runs;
* across blocks (Demsar 2006): with k >= 3 methods and N >= 2 blocks the Friedman test on
  the per-block medians (decided by its permutation p), and only if it rejects Nemenyi's
  post-hoc test and the critical difference; with k = 2 the exact signed-rank test on the
  per-block medians (flagged when it cannot reject, a winner named only when it does).

``SignificanceReport.to_text`` and ``to_latex`` (pandas Styler, booktabs rules) render it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.comparison import (
    CriticalDifference,
    FriedmanTest,
    PosthocTest,
    TwoSampleTest,
    adjust_p_values,
    block_matrix,
    critical_difference,
    friedman_test,
    mann_whitney_u,
    nemenyi_posthoc,
    validate_runs,
    wilcoxon_signed_rank,
)
from analysis.effect_sizes import a12_better, magnitude, mean_interval
from analysis.metrics import Metric, directions
from analysis.metrics import metric as lookup_metric
from theory.errors import InvalidParameterError

__all__ = ["MethodSummary", "PairwiseComparison", "SignificanceReport", "StatsReport",
           "runs_frame", "significance_report", "store_report"]

#: summary entries that measure the machine, not the method (cf. solvers.trace)
_VOLATILE = ("seconds_per_generation", "wall_seconds")


def _is_number(value: Any) -> bool:
    """A numeric summary entry: NaN and +-inf count (a diverged run still has the entry)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value_key(value: Any) -> float | str:
    """A hashable key of a value that treats every NaN alike (NaN != NaN)."""
    number = float(value)
    return "nan" if math.isnan(number) else number


def _varying(descs: Sequence[dict[str, Any]], name_key: str) -> dict[str, set[str]]:
    """Per name, the config fields whose values differ between descs of that name."""
    values: dict[str, dict[str, set[str]]] = {}
    for d in descs:
        fields = values.setdefault(str(d[name_key]), {})
        for k, v in d.items():
            fields.setdefault(k, set()).add(repr(v))
    keys = {k for d in descs for k in d}
    return {name: {k for k in keys if k != name_key and len(f.get(k, set())) > 1}
            for name, f in values.items()}


def _label(desc: dict[str, Any], name_key: str, varying: dict[str, set[str]],
           drop: str | None = None) -> str:
    name = str(desc[name_key])
    shown = sorted(k for k in varying.get(name, set()) if k != drop and k in desc)
    return name + (f"[{', '.join(f'{k}={desc[k]}' for k in shown)}]" if shown else "")


def _select_metrics(runs: Sequence[Any], metrics: Sequence[str] | None,
                    maximize: Collection[str], minimize: Collection[str]
                    ) -> tuple[dict[str, Metric], list[str]]:
    if metrics is not None:
        return {name: lookup_metric(name, maximize, minimize) for name in metrics}, []
    common = set.intersection(*({k for k, v in r.summary.items() if _is_number(v)}
                                for r in runs))
    varying = sorted(k for k in common - set(_VOLATILE)
                     if len({_value_key(r.summary[k]) for r in runs}) > 1)
    if not varying:
        raise InvalidParameterError("the runs share a numeric summary entry that varies",
                                    f"summary keys {sorted(runs[0].summary)}")
    known, unknown = directions(varying, maximize, minimize)
    notes = []
    if unknown:
        notes.append(f"not compared, direction unknown: {', '.join(unknown)} (include "
                     "them with --maximize NAME or --minimize NAME)")
    if not known:
        raise InvalidParameterError(
            "some varying summary entry has a declared direction (analysis.metrics), or is "
            "named in --maximize/--minimize", f"entries without one: {unknown}")
    return known, notes


def _runs_frame(runs: Iterable[Any], group_by: str = "solver",
                metrics: Sequence[str] | None = None, maximize: Collection[str] = (),
                minimize: Collection[str] = ()
                ) -> tuple[pd.DataFrame, dict[str, Metric], list[str]]:
    runs = list(runs)
    if not runs:
        raise InvalidParameterError("there is at least one stored run", "no runs")
    chosen, notes = _select_metrics(runs, metrics, maximize, minimize)
    solvers = [{"solver": r.spec.solver, **r.spec.solver_config} for r in runs]
    problems = [{"problem": r.spec.problem, **r.spec.problem_config} for r in runs]
    solver_vary = _varying(solvers, "solver")
    problem_vary = _varying(problems, "problem")
    rows = []
    for run, s_desc, p_desc in zip(runs, solvers, problems, strict=True):
        if group_by == "solver":
            method = _label(s_desc, "solver", solver_vary)
            block = _label(p_desc, "problem", problem_vary)
        elif group_by == "problem":
            method = _label(p_desc, "problem", problem_vary)
            block = _label(s_desc, "solver", solver_vary)
        else:
            where = s_desc if group_by in run.spec.solver_config else p_desc
            if group_by not in where or group_by in ("solver", "problem"):
                raise InvalidParameterError(
                    "group_by is 'solver', 'problem' or a config field of every run",
                    f"group_by={group_by!r}, run fields "
                    f"{sorted({*run.spec.solver_config, *run.spec.problem_config})}")
            method = f"{group_by}={where[group_by]}"
            block = (f"{_label(s_desc, 'solver', solver_vary, drop=group_by)} / "
                     f"{_label(p_desc, 'problem', problem_vary, drop=group_by)}")
        for name, declared in chosen.items():
            raw = run.summary.get(name)
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                value = float(raw)
            elif raw is None and name in run.trace.columns:
                value = float(run.trace[name].iloc[-1])
            else:
                raise InvalidParameterError(
                    "a metric is a numeric summary entry or a trace column of every run",
                    f"{name!r} missing in run {run.spec.key[:12]} ({run.spec.solver} on "
                    f"{run.spec.problem}); summary has {sorted(run.summary)}")
            if not math.isfinite(value):  # diverged: kept, ranked at the metric's worst
                value = declared.worst
            rows.append((method, block, int(run.spec.seed), name, value))
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    duplicated = frame.duplicated(["method", "problem", "seed", "measurement"])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise InvalidParameterError(
            "each (method, block, seed) is one run: group_by must separate the runs",
            f"two runs of {row['method']!r} on {row['problem']!r} with seed {row['seed']}")
    return validate_runs(frame), chosen, notes


def runs_frame(runs: Iterable[Any], group_by: str = "solver",
               metrics: Sequence[str] | None = None, maximize: Collection[str] = (),
               minimize: Collection[str] = ()) -> pd.DataFrame:
    """The runs frame of stored runs (objects with ``spec``, ``summary``, ``trace``): see
    the module docstring for which metrics it holds and how diverged runs appear."""
    return _runs_frame(runs, group_by, metrics, maximize, minimize)[0]


@dataclass(frozen=True)
class MethodSummary:
    """One method on one block: ``n`` runs of which ``diverged`` had no finite value; the
    mean and its interval over the finite runs, the median over all runs (diverged ones at
    the metric's worst, as the rank tests see them)."""

    problem: str
    method: str
    n: int
    diverged: int
    mean: float
    mean_ci_low: float
    mean_ci_high: float
    median: float
    interval: str  # how the interval was made ("t", "t, clipped to [0, 100]", ...)


@dataclass(frozen=True)
class PairwiseComparison:
    problem: str
    method_a: str
    method_b: str
    test: TwoSampleTest
    p_adjusted: float
    a12: float  # P(A better than B) + P(tie)/2, by the metric's direction
    a12_ci_low: float
    a12_ci_high: float
    magnitude: str  # the effect label where the test rejects, else "n.s."
    better: str  # the method the test shows better; "" where it does not reject
    significant: bool = False
    can_reject: bool = True  # False: the smallest attainable p exceeds alpha
    seeds: tuple[int, ...] = ()  # paired: the shared seeds the test used

    @property
    def cannot_reject(self) -> str:
        """'cannot reject (n = 2 vs 2: smallest p 0.333)': what is shown instead of a p."""
        t = self.test
        sizes = (f"{t.n_x} pairs" if t.test == "Wilcoxon signed-rank"
                 else f"n = {t.n_x} vs {t.n_y}")
        return f"cannot reject ({sizes}: smallest p {t.min_p:.3g})"


_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


@dataclass(frozen=True)
class SignificanceReport:
    """Everything ``significance_report`` computed for one measurement.

    ``family_size`` pairwise tests (of ``family_metrics`` metrics) were corrected together;
    ``family_min_p`` is the smallest attainable p among them (Holm's smallest adjusted p is
    at least ``family_size * family_min_p``)."""

    measurement: str
    direction: str
    low: float
    high: float
    alpha: float
    correction: str
    paired: bool
    methods: tuple[str, ...]
    problems: tuple[str, ...]
    summaries: tuple[MethodSummary, ...]
    pairwise: tuple[PairwiseComparison, ...]
    friedman: FriedmanTest | None = None
    nemenyi: PosthocTest | None = None
    critical_difference: CriticalDifference | None = None
    across_blocks: TwoSampleTest | None = None
    notes: tuple[str, ...] = field(default=())
    family_size: int = 0
    label: str = ""
    family_metrics: int = 1
    family_min_p: float = math.nan
    across_better: str = ""  # the method the across-blocks test shows better, if any

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "minimize"

    @property
    def phrase(self) -> str:
        return "lower is better" if self.lower_is_better else "higher is better"

    # -- tables ---------------------------------------------------------------------
    def summary_frame(self) -> pd.DataFrame:
        level = f"{100 * (1 - self.alpha):g}%"
        finite = " (finite runs)" if any(s.diverged for s in self.summaries) else ""
        rows = []
        for s in self.summaries:
            if s.n == s.diverged:
                interval = "no finite run"
            elif s.interval.startswith("none"):
                interval = s.interval  # "none (n = 1)"
            else:
                interval = f"[{s.mean_ci_low:.4g}, {s.mean_ci_high:.4g}]"
                if s.interval == "constant":
                    interval += " (no spread)"
                elif s.interval != "t":
                    interval += f" ({s.interval.removeprefix('t, ')})"
            rows.append({"problem": s.problem, "method": s.method, "n": s.n,
                         "diverged": s.diverged, f"mean{finite}": s.mean,
                         f"{level} CI of mean (t)": interval,
                         "median (all runs)" if finite else "median": s.median})
        return pd.DataFrame(rows)

    def pairwise_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.pairwise:
            if c.can_reject:
                p_text, adj_text = f"{c.test.p_value:.4g}", f"{c.p_adjusted:.4g}"
                effect, better = c.magnitude, c.better or "n.s."
            else:
                p_text, adj_text, effect, better = c.cannot_reject, "--", "--", "--"
            rows.append({
                "problem": c.problem, "A": c.method_a, "B": c.method_b,
                "test": f"{c.test.test} ({c.test.method})", "p": p_text, "p adj.": adj_text,
                "P(A better)": c.a12, "CI": f"[{c.a12_ci_low:.3f}, {c.a12_ci_high:.3f}]",
                "effect": effect, f"better ({self.phrase})": better})
        return pd.DataFrame(rows)

    def family_line(self) -> str:
        """What the correction family is, and whether any of its tests could reject."""
        scope = ("this metric" if self.family_metrics == 1
                 else f"all {self.family_metrics} metrics of the report")
        line = (f"{_CORRECTION_NAMES.get(self.correction, self.correction)} correction over "
                f"one family: the {self.family_size} pairwise tests of {scope}")
        bound = self.family_size * self.family_min_p
        if self.correction == "holm" and self.family_size and bound > self.alpha:
            line += (f"; its smallest adjusted p is at least {self.family_size} x "
                     f"{self.family_min_p:.3g} = {min(1.0, bound):.3g} > {self.alpha} "
                     "whatever the data: no pairwise test of the family can reject")
        return line

    def _omnibus_lines(self) -> list[str]:
        lines = []
        if self.friedman is not None:
            f = self.friedman
            ranks = ", ".join(f"{m} {r:.2f}" for m, r in
                              zip(f.methods, f.average_ranks, strict=True))
            idp = ("F undefined at perfect agreement" if math.isnan(f.iman_davenport_p)
                   else f"F = {f.iman_davenport:.4g}, p = {f.iman_davenport_p:.4g}")
            verdict = "rejects" if f.rejects(self.alpha) else "does not reject"
            lines.append(f"Friedman over {f.n_blocks} blocks: chi2 = {f.statistic:.4g} "
                         f"(chi2 p = {f.p_value:.4g}), permutation p = {f.p_exact:.4g} "
                         f"[{f.p_exact_method}]: {verdict} at alpha = {self.alpha}; "
                         f"Iman-Davenport {idp}; average ranks (1 = best, "
                         f"{self.phrase}): {ranks}")
        if self.critical_difference is not None:
            cd = self.critical_difference
            groups = "; ".join("{" + ", ".join(c) + "}" for c in cd.cliques) or "none"
            lines.append(f"Nemenyi critical difference (alpha = {cd.alpha}, {self.phrase}, "
                         f"best first: {', '.join(cd.methods)}): CD = {cd.cd:.4g}; not "
                         f"significantly different: {groups}")
        if self.across_blocks is not None:
            t = self.across_blocks
            if not t.can_reject(self.alpha):
                result = (f"cannot reject ({t.n_x} blocks: smallest p {t.min_p:.3g} > "
                          f"{self.alpha})")
            else:
                winner = (f"better ({self.phrase}): {self.across_better}"
                          if self.across_better else "n.s.")
                result = f"V = {t.statistic:.4g}, p = {t.p_value:.4g} ({t.method}): {winner}"
            lines.append(f"{t.test} over {t.n_x} blocks ({self.methods[0]} - "
                         f"{self.methods[1]}, block medians): {result}")
        return lines + list(self.notes)

    def heading(self) -> str:
        return (f"== {self.label or self.measurement}; alpha = {self.alpha}, "
                f"{_CORRECTION_NAMES.get(self.correction, self.correction)} correction over "
                f"{self.family_size} pairwise tests ==")

    def to_text(self) -> str:
        with pd.option_context("display.width", 240, "display.max_columns", 20,
                               "display.float_format", "{:.4g}".format):
            parts = [self.heading(), self.summary_frame().to_string(index=False)]
            if self.pairwise:
                parts.append(self.pairwise_frame().to_string(index=False))
        parts.append(self.family_line())
        parts.extend(self._omnibus_lines())
        return "\n".join(parts)

    def to_latex(self) -> str:
        """Two booktabs tabulars (summaries, pairwise tests) and the omnibus results, after
        a comment and a caption line that say the metric's direction."""
        parts = [f"% significance report: {self.label or self.measurement}",
                 _escape(self.heading().strip("= ")) + r"\par", _latex(self.summary_frame())]
        if self.pairwise:
            parts.append(_latex(self.pairwise_frame()))
        parts.append(_escape(self.family_line()) + r"\par")
        parts.extend(_escape(line) + r"\par" for line in self._omnibus_lines())
        return "\n".join(parts) + "\n"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["phrase"] = self.phrase
        data["range"] = [v if math.isfinite(v) else None for v in (self.low, self.high)]
        data["family"] = self.family_line()
        if self.nemenyi is not None:
            data["nemenyi"]["p_values"] = self.nemenyi.p_values.tolist()
        for entry, c in zip(data["pairwise"], self.pairwise, strict=True):
            entry["result"] = (c.cannot_reject if not c.can_reject
                               else c.better or "n.s.")
        return data


def _number(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return value


def _escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}"}
    return "".join(table.get(ch, ch) for ch in text)


def _latex(frame: pd.DataFrame) -> str:
    shown = frame.map(_number)
    styler = shown.style.hide(axis="index").format(escape="latex") \
        .format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, column_format="l" * len(shown.columns))


def _differences(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x - y, with 0 where the two are equal: two runs that both diverged (both at the
    metric's worst, +-inf) tie instead of giving inf - inf = NaN."""
    with np.errstate(invalid="ignore"):
        return np.where(x == y, 0.0, x - y)


def _signed_rank_test(d: np.ndarray) -> TwoSampleTest:
    """The exact signed-rank test of paired differences; all zero: p = 1, cannot reject."""
    if np.all(d == 0):
        return TwoSampleTest("Wilcoxon signed-rank", len(d), len(d), 0.0, 1.0, "two-sided",
                             0.0, "exact", 1.0)
    with np.errstate(invalid="ignore"):  # Walsh averages of +inf and -inf: NaN estimate
        return wilcoxon_signed_rank(d)


def _pair_test(a: pd.Series, b: pd.Series, paired: bool, name_a: str, name_b: str
               ) -> tuple[TwoSampleTest, pd.Series, pd.Series, str | None]:
    """The test of one pair, and the samples it used (paired: the seeds both have)."""
    if not paired:
        with np.errstate(invalid="ignore"):  # inf - inf in the Hodges-Lehmann estimate
            return mann_whitney_u(a, b), a, b, None
    shared = sorted(set(a.index) & set(b.index))
    only_a = sorted(int(s) for s in set(a.index) - set(b.index))
    only_b = sorted(int(s) for s in set(b.index) - set(a.index))
    if not shared:
        with np.errstate(invalid="ignore"):
            return (mann_whitney_u(a, b), a, b,
                    f"no shared seed (seeds {only_a} vs {only_b}): unpaired Mann-Whitney U")
    note = None
    if only_a or only_b:
        note = (f"paired on the shared seeds {[int(s) for s in shared]}; left out: seeds "
                f"{only_a} of {name_a}, seeds {only_b} of {name_b}")
    xa, xb = a.loc[shared], b.loc[shared]
    return _signed_rank_test(_differences(xa.to_numpy(), xb.to_numpy())), xa, xb, note


def _decide(c: PairwiseComparison, p_adjusted: float, alpha: float) -> PairwiseComparison:
    """A winner and an effect label only where the corrected test rejects."""
    significant = c.can_reject and p_adjusted <= alpha and c.a12 != 0.5
    return replace(c, p_adjusted=float(p_adjusted), significant=significant,
                   magnitude=magnitude("A12", c.a12) if significant else "n.s.",
                   better=(c.method_a if c.a12 > 0.5 else c.method_b) if significant else "")


def _friedman_floor(n_blocks: int, k: int) -> float:
    """The smallest permutation p of the Friedman test: (k!)^(1-N) (perfect agreement)."""
    return float(math.factorial(k)) ** (1 - n_blocks)


def significance_report(frame: pd.DataFrame, measurement: str | None = None,
                        metric: Metric | None = None, alpha: float = 0.05,
                        correction: Literal["holm", "bh"] = "holm", paired: bool = False,
                        seed: int = 0, maximize: Collection[str] = (),
                        minimize: Collection[str] = ()) -> SignificanceReport:
    """The report of one measurement of a runs frame (see the module docstring), its
    pairwise p-values corrected as one family.

    The direction comes from ``metric`` or, when not given, from ``analysis.metrics``
    (with the caller's ``maximize``/``minimize`` names); a measurement neither declares is
    refused. A non-finite value is a diverged run, ranked at the metric's worst."""
    data = validate_runs(frame)
    names = sorted(data["measurement"].unique())
    if measurement is None:
        if len(names) != 1:
            raise InvalidParameterError("name the measurement when the frame holds several",
                                        f"measurements {names}")
        measurement = names[0]
    if measurement not in names:
        raise InvalidParameterError(f"measurement is one of {names}", repr(measurement))
    if not 0 < alpha < 1:
        raise InvalidParameterError("0 < alpha < 1", f"alpha={alpha}")
    if correction not in _CORRECTION_NAMES:
        raise InvalidParameterError("correction is 'holm' or 'bh'", repr(correction))
    declared = metric if metric is not None else lookup_metric(measurement, maximize,
                                                               minimize)
    data = data.loc[data["measurement"] == measurement].copy()
    data.loc[~np.isfinite(data["value"].to_numpy()), "value"] = declared.worst
    methods = tuple(sorted(data["method"].unique()))
    problems = tuple(sorted(data["problem"].unique()))
    notes: list[str] = []
    summaries = []
    samples: dict[tuple[str, str], pd.Series] = {}
    for (problem, method), group in data.groupby(["problem", "method"], sort=True):
        values = group.set_index("seed")["value"].sort_index()
        samples[(str(problem), str(method))] = values
        finite = values[np.isfinite(values.to_numpy())]
        diverged = len(values) - len(finite)
        if diverged:
            notes.append(f"{problem}, {method}: {diverged} of {len(values)} runs diverged "
                         f"(seeds {[int(s) for s in values.index[~np.isfinite(values)]]}); "
                         "ranked worst in the tests, left out of the mean and its interval")
        median = float(np.median(values.to_numpy()))
        if len(finite):
            est = mean_interval(finite, 1 - alpha, declared)
            summaries.append(MethodSummary(str(problem), str(method), len(values), diverged,
                                           est.point, est.ci_low, est.ci_high, median,
                                           est.method))
        else:
            summaries.append(MethodSummary(str(problem), str(method), len(values), diverged,
                                           math.nan, math.nan, math.nan, median,
                                           "none (no finite run)"))
    uncorrected: list[PairwiseComparison] = []
    for problem in problems:
        present = [m for m in methods if (problem, m) in samples]
        for a, b in itertools.combinations(present, 2):
            test, xa, xb, note = _pair_test(samples[(problem, a)], samples[(problem, b)],
                                            paired, a, b)
            if note:
                notes.append(f"{problem}, {a} vs {b}: {note}")
            effect = a12_better(xa, xb, declared, 1 - alpha)
            used = tuple(int(s) for s in xa.index) if test.test == "Wilcoxon signed-rank" \
                else ()
            uncorrected.append(PairwiseComparison(
                problem, a, b, test, test.p_value, effect.estimate, effect.ci_low,
                effect.ci_high, "n.s.", "", False, test.can_reject(alpha), used))
    adjusted = adjust_p_values([c.test.p_value for c in uncorrected], correction,
                               alpha).adjusted
    pairwise = [_decide(c, p, alpha) for c, p in zip(uncorrected, adjusted, strict=True)]
    unable = [c for c in pairwise if not c.can_reject]
    if unable:
        c = unable[0]
        notes.append(f"{len(unable)} of {len(pairwise)} pairwise tests cannot reject at "
                     f"alpha = {alpha} whatever the data (e.g. {c.problem}, {c.method_a} vs "
                     f"{c.method_b}: {c.cannot_reject.removeprefix('cannot reject ')}): "
                     "more seeds are needed")
    friedman = nemenyi = cd = across = None
    across_better = ""
    blocks = block_matrix(data, measurement)
    n_blocks, k = blocks.shape
    if len(methods) >= 2 and n_blocks < 2:
        notes.append("fewer than 2 blocks with every method: no test across blocks")
    elif k >= 3:
        friedman = friedman_test(blocks, lower_is_better=declared.lower_is_better, seed=seed)
        if friedman.rejects(alpha):
            nemenyi = nemenyi_posthoc(blocks, lower_is_better=declared.lower_is_better)
            cd = critical_difference(blocks, alpha=alpha,
                                     lower_is_better=declared.lower_is_better,
                                     omnibus=friedman)
        else:
            floor = _friedman_floor(n_blocks, k)
            why = (f"; with {n_blocks} blocks of {k} methods its smallest permutation p is "
                   f"(k!)^(1-N) = {floor:.3g} > {alpha}: it cannot reject" if floor > alpha
                   else "")
            notes.append(f"Friedman does not reject (permutation p = {friedman.p_exact:.3g}"
                         f" > {alpha}{why}): no post-hoc test, no critical difference")
    elif k == 2:
        d = _differences(blocks.iloc[:, 0].to_numpy(), blocks.iloc[:, 1].to_numpy())
        if np.all(d == 0):
            notes.append("the two methods have equal medians on every block")
        else:
            across = _signed_rank_test(d)
            if across.can_reject(alpha) and across.p_value <= alpha:
                kept = d[d != 0]  # the sign of the signed-rank sum says which is larger
                signed = float(np.sum(np.sign(kept) * stats.rankdata(np.abs(kept))))
                if signed != 0:
                    first_larger = signed > 0
                    across_better = str(blocks.columns[0]
                                        if first_larger != declared.lower_is_better
                                        else blocks.columns[1])
    min_p = min((c.test.min_p for c in pairwise), default=math.nan)
    return SignificanceReport(measurement, declared.direction, declared.low, declared.high,
                              alpha, correction, paired, methods, problems, tuple(summaries),
                              tuple(pairwise), friedman, nemenyi, cd, across, tuple(notes),
                              len(pairwise), declared.label, 1, min_p, across_better)


@dataclass(frozen=True)
class StatsReport:
    """One significance report per measurement of a stored comparison (their pairwise
    tests corrected as one family), with the notes on what was left out."""

    root: str
    group_by: str
    runs: int
    reports: tuple[SignificanceReport, ...]
    notes: tuple[str, ...] = ()

    def to_text(self) -> str:
        head = f"{self.runs} runs in {self.root}, compared by {self.group_by}"
        return "\n\n".join([head, *self.notes, *(r.to_text() for r in self.reports)])

    def to_latex(self) -> str:
        head = [f"% {line}" for line in self.notes]
        return "\n".join([*head, *(r.to_latex() for r in self.reports)])

    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "group_by": self.group_by, "runs": self.runs,
                "notes": list(self.notes), "reports": [r.to_dict() for r in self.reports]}


def _adjust_together(reports: list[SignificanceReport], correction: str, alpha: float
                     ) -> list[SignificanceReport]:
    """Every pairwise p-value of every report corrected as one family."""
    tests = [(i, j) for i, r in enumerate(reports) for j in range(len(r.pairwise))]
    if not tests:
        return reports
    p = [reports[i].pairwise[j].test.p_value for i, j in tests]
    adjusted = adjust_p_values(p, correction, alpha).adjusted  # type: ignore[arg-type]
    new = {(i, j): _decide(reports[i].pairwise[j], p_adj, alpha)
           for (i, j), p_adj in zip(tests, adjusted, strict=True)}
    min_p = min(reports[i].pairwise[j].test.min_p for i, j in tests)
    return [replace(r, pairwise=tuple(new[(i, j)] for j in range(len(r.pairwise))),
                    family_size=len(tests), family_metrics=len(reports), family_min_p=min_p)
            for i, r in enumerate(reports)]


def store_report(root: str | Path, metrics: Sequence[str] | None = None,
                 group_by: str = "solver", maximize: Collection[str] = (),
                 minimize: Collection[str] = (), alpha: float = 0.05,
                 correction: Literal["holm", "bh"] = "holm", paired: bool = False,
                 seed: int = 0) -> StatsReport:
    """Read every run under ``root`` (a RunStore folder) and report each measurement, its
    direction from ``analysis.metrics`` (or ``maximize``/``minimize``), the pairwise tests
    of all measurements corrected as one family."""
    from solvers.store import RunStore

    folder = Path(root)
    if not folder.is_dir():
        raise InvalidParameterError("RUNS_DIR is a folder of stored runs", f"{str(folder)!r}")
    runs = RunStore(folder).iter_runs()
    if not runs:
        raise InvalidParameterError("RUNS_DIR holds at least one stored run",
                                    f"no runs in {str(folder)!r}")
    frame, chosen, notes = _runs_frame(runs, group_by, metrics, maximize, minimize)
    reports = [significance_report(frame, name, chosen[name], alpha, correction, paired,
                                   seed)
               for name in sorted(frame["measurement"].unique())]
    return StatsReport(str(folder), group_by, len(runs),
                       tuple(_adjust_together(reports, correction, alpha)), tuple(notes))
