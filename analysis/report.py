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
  named only where the corrected test rejects ("n.s." otherwise);
* per block and method: n, diverged runs, mean with its t interval kept in the metric's
  range (``analysis.effect_sizes.mean_interval``), median;
* across blocks (Demsar 2006): with k >= 3 methods and N >= 2 blocks the Friedman test on
  the per-block medians (decided by its permutation p), and only if it rejects Nemenyi's
  post-hoc test and the critical difference; with k = 2 the exact signed-rank test on the
  per-block medians.

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
from analysis.effect_sizes import a12_better, mean_interval
from analysis.metrics import Metric, directions, metric
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
        return {name: metric(name, maximize, minimize) for name in metrics}, []
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


@dataclass(frozen=True)
class SignificanceReport:
    """Everything ``significance_report`` computed for one measurement."""

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

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "minimize"

    # -- tables ---------------------------------------------------------------------
    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "problem": s.problem, "method": s.method, "n": s.n, "diverged": s.diverged,
            "mean": s.mean,
            "mean CI": ("--" if math.isnan(s.mean_ci_low)
                        else f"[{s.mean_ci_low:.4g}, {s.mean_ci_high:.4g}]"),
            "median": s.median} for s in self.summaries])

    def pairwise_frame(self) -> pd.DataFrame:
        phrase = "lower is better" if self.lower_is_better else "higher is better"
        rows = []
        for c in self.pairwise:
            if c.can_reject:
                p_text, adj_text = f"{c.test.p_value:.4g}", f"{c.p_adjusted:.4g}"
            else:
                p_text = f"cannot reject (n = {c.test.n_x} vs {c.test.n_y})"
                adj_text = f"smallest p {c.test.min_p:.3g}"
            rows.append({
                "problem": c.problem, "A": c.method_a, "B": c.method_b,
                "test": f"{c.test.test} ({c.test.method})", "p": p_text, "p adj.": adj_text,
                "P(A better)": c.a12, "CI": f"[{c.a12_ci_low:.3f}, {c.a12_ci_high:.3f}]",
                "effect": c.magnitude, f"better ({phrase})": c.better or "n.s."})
        return pd.DataFrame(rows)

    def _omnibus_lines(self) -> list[str]:
        lines = []
        if self.friedman is not None:
            f = self.friedman
            ranks = ", ".join(f"{m} {r:.2f}" for m, r in
                              zip(f.methods, f.average_ranks, strict=True))
            idp = ("undefined at perfect agreement" if math.isnan(f.iman_davenport_p)
                   else f"F = {f.iman_davenport:.4g}, p = {f.iman_davenport_p:.4g}")
            verdict = "rejects" if f.rejects(self.alpha) else "does not reject"
            lines.append(f"Friedman over {f.n_blocks} blocks: chi2 = {f.statistic:.4g} "
                         f"(chi2 p = {f.p_value:.4g}), permutation p = {f.p_exact:.4g} "
                         f"[{f.p_exact_method}]: {verdict} at alpha = {self.alpha}; "
                         f"Iman-Davenport {idp}; average ranks (1 = best, "
                         f"{'lower' if self.lower_is_better else 'higher'} is better): {ranks}")
        if self.critical_difference is not None:
            cd = self.critical_difference
            groups = "; ".join("{" + ", ".join(c) + "}" for c in cd.cliques) or "none"
            lines.append(f"Nemenyi critical difference (alpha = {cd.alpha}): "
                         f"CD = {cd.cd:.4g}; not significantly different: {groups}")
        if self.across_blocks is not None:
            t = self.across_blocks
            if t.can_reject(self.alpha):
                result = f"V = {t.statistic:.4g}, p = {t.p_value:.4g} ({t.method})"
            else:
                result = (f"cannot reject with {t.n_x} blocks (smallest p "
                          f"{t.min_p:.3g} > {self.alpha})")
            lines.append(f"{t.test} over {t.n_x} blocks ({self.methods[0]} - "
                         f"{self.methods[1]}, block medians): {result}")
        return lines + list(self.notes)

    def heading(self) -> str:
        return (f"== {self.label or self.measurement} (alpha = {self.alpha}, {self.correction} "
                f"correction over {self.family_size} tests) ==")

    def to_text(self) -> str:
        with pd.option_context("display.width", 220, "display.max_columns", 20,
                               "display.float_format", "{:.4g}".format):
            parts = [self.heading(), self.summary_frame().to_string(index=False)]
            if self.pairwise:
                parts.append(self.pairwise_frame().to_string(index=False))
        parts.extend(self._omnibus_lines())
        return "\n".join(parts)

    def to_latex(self) -> str:
        """Two booktabs tabulars (summaries, pairwise tests) and the omnibus results."""
        parts = [f"% significance report: {self.label or self.measurement}",
                 _escape(self.heading().strip("= ")) + r"\par", _latex(self.summary_frame())]
        if self.pairwise:
            parts.append(_latex(self.pairwise_frame()))
        parts.extend(_escape(line) + r"\par" for line in self._omnibus_lines())
        return "\n".join(parts) + "\n"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.nemenyi is not None:
            data["nemenyi"]["p_values"] = self.nemenyi.p_values.tolist()
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


def _pair_test(a: pd.Series, b: pd.Series, paired: bool
               ) -> tuple[TwoSampleTest, pd.Series, pd.Series, str | None]:
    """The test of one pair, and the samples it used (paired: the seeds both have)."""
    if not paired:
        return mann_whitney_u(a, b), a, b, None
    shared = a.index.intersection(b.index)
    dropped = sorted(set(a.index) ^ set(b.index))
    note = (f"paired on seeds {sorted(int(s) for s in shared)}; unmatched seeds "
            f"{[int(s) for s in dropped]} left out" if dropped else None)
    if len(shared) < 2:
        return (mann_whitney_u(a, b), a, b,
                f"fewer than 2 shared seeds ({sorted(int(s) for s in shared)}): unpaired test")
    xa, xb = a.loc[shared], b.loc[shared]
    d = xa.to_numpy() - xb.to_numpy()
    if np.all(d == 0):
        return (TwoSampleTest("Wilcoxon signed-rank", len(shared), len(shared), 0.0, 1.0,
                              "two-sided", 0.0, "exact", 1.0), xa, xb, note)
    return wilcoxon_signed_rank(xa, xb), xa, xb, note


def significance_report(frame: pd.DataFrame, measurement: str | None = None,
                        metric_: Metric | None = None, alpha: float = 0.05,
                        correction: Literal["holm", "bh"] = "holm", paired: bool = False,
                        seed: int = 0, maximize: Collection[str] = (),
                        minimize: Collection[str] = (), family: int | None = None
                        ) -> SignificanceReport:
    """The report of one measurement of a runs frame (see the module docstring).

    The direction comes from ``metric_`` or, when not given, from ``analysis.metrics``
    (with the caller's ``maximize``/``minimize`` names). ``family`` > the number of tests
    here: the p-values are corrected as part of a larger family (``store_report`` passes
    the tests of every metric), by adjusting them together elsewhere; here they are
    corrected alone."""
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
    declared = metric_ if metric_ is not None else metric(measurement, maximize, minimize)
    data = data.loc[data["measurement"] == measurement]
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
                         "ranked worst in the tests, left out of the mean")
        if len(finite):
            est = mean_interval(finite, 1 - alpha, declared)
            summaries.append(MethodSummary(str(problem), str(method), len(values), diverged,
                                           est.point, est.ci_low, est.ci_high,
                                           float(np.median(values)), est.method))
        else:
            summaries.append(MethodSummary(str(problem), str(method), len(values), diverged,
                                           math.nan, math.nan, math.nan,
                                           float(np.median(values)), "none"))
    raw: list[tuple[str, str, str, TwoSampleTest, Any]] = []
    for problem in problems:
        present = [m for m in methods if (problem, m) in samples]
        for a, b in itertools.combinations(present, 2):
            test, xa, xb, note = _pair_test(samples[(problem, a)], samples[(problem, b)],
                                            paired)
            if note:
                notes.append(f"{problem}, {a} vs {b}: {note}")
            effect = a12_better(xa, xb, declared, 1 - alpha)
            raw.append((problem, a, b, test, effect))
    m = len(raw) if family is None else max(family, len(raw))
    adjusted = adjust_p_values([r[3].p_value for r in raw], correction, alpha).adjusted
    pairwise = []
    for (problem, a, b, test, effect), p_adj in zip(raw, adjusted, strict=True):
        possible = test.can_reject(alpha)
        significant = possible and p_adj <= alpha and effect.estimate != 0.5
        better = (a if effect.estimate > 0.5 else b) if significant else ""
        pairwise.append(PairwiseComparison(
            problem, a, b, test, float(p_adj), effect.estimate, effect.ci_low,
            effect.ci_high, effect.magnitude if significant else "n.s.", better,
            significant, possible))
    unable = [c for c in pairwise if not c.can_reject]
    if unable:
        c = unable[0]
        notes.append(f"{len(unable)} of {len(pairwise)} pairwise tests cannot reject at "
                     f"alpha = {alpha} whatever the data (e.g. {c.problem}, {c.method_a} vs "
                     f"{c.method_b}: n = {c.test.n_x} vs {c.test.n_y}, smallest p "
                     f"{c.test.min_p:.3g}): more seeds are needed")
    friedman = nemenyi = cd = across = None
    blocks = block_matrix(data, measurement)
    k = blocks.shape[1]
    if len(methods) >= 2 and blocks.shape[0] < 2:
        notes.append("fewer than 2 blocks with every method: no test across blocks")
    elif k >= 3:
        friedman = friedman_test(blocks, lower_is_better=declared.lower_is_better, seed=seed)
        if friedman.rejects(alpha):
            nemenyi = nemenyi_posthoc(blocks, lower_is_better=declared.lower_is_better)
            cd = critical_difference(blocks, alpha=alpha,
                                     lower_is_better=declared.lower_is_better,
                                     omnibus=friedman)
        else:
            notes.append(f"Friedman does not reject (permutation p = {friedman.p_exact:.3g}"
                         f" > {alpha}): no post-hoc test, no critical difference")
    elif k == 2:
        d = blocks.iloc[:, 0].to_numpy() - blocks.iloc[:, 1].to_numpy()
        if np.all(d == 0):
            notes.append("the two methods have equal medians on every block")
        else:
            across = wilcoxon_signed_rank(blocks.iloc[:, 0], blocks.iloc[:, 1])
    return SignificanceReport(measurement, declared.direction, declared.low, declared.high,
                              alpha, correction, paired, methods, problems, tuple(summaries),
                              tuple(pairwise), friedman, nemenyi, cd, across, tuple(notes), m,
                              declared.label)


@dataclass(frozen=True)
class StatsReport:
    """One significance report per measurement of a stored comparison."""

    root: str
    group_by: str
    runs: int
    reports: tuple[SignificanceReport, ...]
    notes: tuple[str, ...] = ()

    def to_text(self) -> str:
        head = f"{self.runs} runs in {self.root}, compared by {self.group_by}"
        return "\n\n".join([head, *self.notes, *(r.to_text() for r in self.reports)])

    def to_latex(self) -> str:
        return "\n".join(r.to_latex() for r in self.reports)

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
    new: dict[tuple[int, int], PairwiseComparison] = {}
    for (i, j), p_adj in zip(tests, adjusted, strict=True):
        c = reports[i].pairwise[j]
        significant = c.can_reject and p_adj <= alpha and c.a12 != 0.5
        magnitude = _magnitude(c.a12) if significant else "n.s."
        better = (c.method_a if c.a12 > 0.5 else c.method_b) if significant else ""
        new[(i, j)] = replace(c, p_adjusted=float(p_adj), significant=significant,
                              magnitude=magnitude, better=better)
    return [replace(r, pairwise=tuple(new[(i, j)] for j in range(len(r.pairwise))),
                    family_size=len(tests)) for i, r in enumerate(reports)]


def _magnitude(a12: float) -> str:
    from analysis.effect_sizes import magnitude

    return magnitude("A12", a12)


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
