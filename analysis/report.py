"""The significance report of a stored comparison (what ``nasbound stats RUNS_DIR`` prints).

``runs_frame`` reads stored runs (``solvers.store.RunStore(root).iter_runs()``) into the
runs frame of ``analysis.comparison``:

* a *measurement* is a numeric entry of the run's summary (``StoredRun.summary``) or, when
  asked by name and absent there, the last value of that trace column; with no names
  given, every numeric summary entry that all runs have and that is not the same in all
  of them (machine-speed entries such as ``seconds_per_generation`` are left out);
* ``group_by`` says what is compared: ``"solver"`` (methods are solvers, blocks are
  problems), ``"problem"`` (the reverse), or a config field name such as ``pop_size``
  (methods are its values, blocks everything else). A label carries the config fields
  that vary between runs of the same solver (or problem): ``nsga2[pop_size=20]``.

``significance_report`` then runs, for one measurement:

* per block, every pair of methods: Mann-Whitney U (or, with ``paired=True``, the
  Wilcoxon signed-rank test on seeds the two share), Vargha-Delaney A12 with a bootstrap
  interval, and all pairwise p-values of the report corrected together (Holm or BH);
* per block and method: n, mean with a bootstrap interval, median and IQM;
* across blocks (Demsar 2006): with k >= 3 methods and N >= 2 blocks the Friedman test on
  the per-block medians, Nemenyi's post-hoc test and the critical difference; with k = 2
  the Wilcoxon signed-rank test on the per-block medians.

``SignificanceReport.to_text`` and ``to_latex`` (pandas Styler, booktabs rules) render it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
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
from analysis.effect_sizes import bootstrap_ci, iqm, vargha_delaney_a12
from theory.errors import InvalidParameterError

__all__ = ["MethodSummary", "PairwiseComparison", "SignificanceReport", "StatsReport",
           "runs_frame", "significance_report", "store_report"]

#: summary entries that measure the machine, not the method (cf. solvers.trace)
_VOLATILE = ("seconds_per_generation", "wall_seconds")


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(float(value)))


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


def runs_frame(runs: Iterable[Any], group_by: str = "solver",
               metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """The runs frame of stored runs (objects with ``spec``, ``summary``, ``trace``)."""
    runs = list(runs)
    if not runs:
        raise InvalidParameterError("there is at least one stored run", "no runs")
    solvers = [{"solver": r.spec.solver, **r.spec.solver_config} for r in runs]
    problems = [{"problem": r.spec.problem, **r.spec.problem_config} for r in runs]
    solver_vary = _varying(solvers, "solver")
    problem_vary = _varying(problems, "problem")
    if metrics is None:
        common = set.intersection(*({k for k, v in r.summary.items() if _is_number(v)}
                                    for r in runs))
        metrics = sorted(k for k in common - set(_VOLATILE)
                         if len({float(r.summary[k]) for r in runs}) > 1)
        if not metrics:
            raise InvalidParameterError("the runs share a numeric summary entry that varies",
                                        f"summary keys {sorted(runs[0].summary)}")
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
        for metric in metrics:
            if metric in run.summary and _is_number(run.summary[metric]):
                value = float(run.summary[metric])
            elif metric in run.trace.columns:
                value = float(run.trace[metric].iloc[-1])
            else:
                raise InvalidParameterError(
                    "a metric is a numeric summary entry or a trace column of every run",
                    f"{metric!r} missing in run {run.spec.key[:12]} ({run.spec.solver} on "
                    f"{run.spec.problem}); summary has {sorted(run.summary)}")
            rows.append((method, block, int(run.spec.seed), metric, value))
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    frame = frame.loc[np.isfinite(frame["value"])]
    duplicated = frame.duplicated(["method", "problem", "seed", "measurement"])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise InvalidParameterError(
            "each (method, block, seed) is one run: group_by must separate the runs",
            f"two runs of {row['method']!r} on {row['problem']!r} with seed {row['seed']}")
    return validate_runs(frame)


@dataclass(frozen=True)
class MethodSummary:
    problem: str
    method: str
    n: int
    mean: float
    mean_ci_low: float
    mean_ci_high: float
    median: float
    iqm: float


@dataclass(frozen=True)
class PairwiseComparison:
    problem: str
    method_a: str
    method_b: str
    test: TwoSampleTest
    p_adjusted: float
    a12: float
    a12_ci_low: float
    a12_ci_high: float
    magnitude: str
    better: str  # the method favoured by A12 ("" when A12 = 0.5)


@dataclass(frozen=True)
class SignificanceReport:
    """Everything ``significance_report`` computed for one measurement."""

    measurement: str
    lower_is_better: bool
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

    # -- tables ---------------------------------------------------------------------
    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "problem": s.problem, "method": s.method, "n": s.n, "mean": s.mean,
            "mean CI": f"[{s.mean_ci_low:.4g}, {s.mean_ci_high:.4g}]", "median": s.median,
            "IQM": s.iqm} for s in self.summaries])

    def pairwise_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "problem": c.problem, "A": c.method_a, "B": c.method_b, "test": c.test.test,
            "statistic": c.test.statistic, "p": c.test.p_value, "p adj.": c.p_adjusted,
            "A12": c.a12, "A12 CI": f"[{c.a12_ci_low:.3f}, {c.a12_ci_high:.3f}]",
            "effect": c.magnitude, "better": c.better,
            "significant": c.p_adjusted < self.alpha} for c in self.pairwise])

    def _omnibus_lines(self) -> list[str]:
        lines = []
        if self.friedman is not None:
            f = self.friedman
            ranks = ", ".join(f"{m} {r:.2f}" for m, r in
                              zip(f.methods, f.average_ranks, strict=True))
            lines.append(f"Friedman over {f.n_blocks} blocks: chi2 = {f.statistic:.4g}, "
                         f"p = {f.p_value:.4g}; Iman-Davenport F = {f.iman_davenport:.4g}, "
                         f"p = {f.iman_davenport_p:.4g}; average ranks (1 = best): {ranks}")
        if self.critical_difference is not None:
            cd = self.critical_difference
            groups = "; ".join("{" + ", ".join(c) + "}" for c in cd.cliques) or "none"
            lines.append(f"Nemenyi critical difference (alpha = {cd.alpha}): "
                         f"CD = {cd.cd:.4g}; not significantly different: {groups}")
        if self.across_blocks is not None:
            t = self.across_blocks
            lines.append(f"{t.test} over {t.n_x} blocks ({self.methods[0]} - "
                         f"{self.methods[1]}, block medians): V = {t.statistic:.4g}, "
                         f"p = {t.p_value:.4g}")
        return lines + list(self.notes)

    def to_text(self) -> str:
        direction = "lower is better" if self.lower_is_better else "higher is better"
        with pd.option_context("display.width", 200, "display.max_columns", 20,
                               "display.float_format", "{:.4g}".format):
            parts = [f"== {self.measurement} ({direction}; alpha = {self.alpha}, "
                     f"{self.correction} correction) ==",
                     self.summary_frame().to_string(index=False)]
            if self.pairwise:
                parts.append(self.pairwise_frame().to_string(index=False))
        parts.extend(self._omnibus_lines())
        return "\n".join(parts)

    def to_latex(self) -> str:
        """Two booktabs tabulars (summaries, pairwise tests) and the omnibus results."""
        summary = self.summary_frame()
        pairwise = self.pairwise_frame().drop(columns=["significant"]) if self.pairwise \
            else pd.DataFrame()
        parts = [f"% significance report: {self.measurement}", _latex(summary)]
        if len(pairwise):
            parts.append(_latex(pairwise))
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


def _pair_test(a: pd.Series, b: pd.Series, paired: bool) -> tuple[TwoSampleTest, str | None]:
    if paired:
        shared = a.index.intersection(b.index)
        if len(shared) < 2:
            return mann_whitney_u(a, b), "fewer than 2 shared seeds: unpaired test used"
        d = a.loc[shared].to_numpy() - b.loc[shared].to_numpy()
        if np.all(d == 0):
            return TwoSampleTest("Wilcoxon signed-rank", len(shared), len(shared), 0.0, 1.0,
                                 "two-sided", 0.0), None
        return wilcoxon_signed_rank(a.loc[shared], b.loc[shared]), None
    return mann_whitney_u(a, b), None


def significance_report(frame: pd.DataFrame, measurement: str | None = None,
                        lower_is_better: bool = True, alpha: float = 0.05,
                        correction: Literal["holm", "bh"] = "holm", paired: bool = False,
                        seed: int = 0, n_resamples: int = 2000) -> SignificanceReport:
    """The report of one measurement of a runs frame (see the module docstring)."""
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
    data = data.loc[data["measurement"] == measurement]
    methods = tuple(sorted(data["method"].unique()))
    problems = tuple(sorted(data["problem"].unique()))
    notes: list[str] = []
    summaries = []
    samples: dict[tuple[str, str], pd.Series] = {}
    for (problem, method), group in data.groupby(["problem", "method"], sort=True):
        values = group.set_index("seed")["value"].sort_index()
        samples[(str(problem), str(method))] = values
        if len(values) >= 2:
            est = bootstrap_ci(values, "mean", 1 - alpha, n_resamples, seed)
            low, high = est.ci_low, est.ci_high
        else:
            low = high = math.nan
        summaries.append(MethodSummary(str(problem), str(method), len(values),
                                       float(values.mean()), low, high,
                                       float(values.median()), iqm(values)))
    raw: list[tuple[str, str, str, TwoSampleTest, Any]] = []
    for problem in problems:
        present = [m for m in methods if (problem, m) in samples]
        for a, b in itertools.combinations(present, 2):
            xa, xb = samples[(problem, a)], samples[(problem, b)]
            test, note = _pair_test(xa, xb, paired)
            if note:
                notes.append(f"{problem}, {a} vs {b}: {note}")
            effect = vargha_delaney_a12(xa, xb, 1 - alpha, n_resamples, seed)
            raw.append((problem, a, b, test, effect))
    adjusted = adjust_p_values([r[3].p_value for r in raw], correction, alpha).adjusted
    pairwise = []
    for (problem, a, b, test, effect), p_adj in zip(raw, adjusted, strict=True):
        if effect.estimate == 0.5:
            better = ""
        else:
            a_larger = effect.estimate > 0.5
            better = a if a_larger != lower_is_better else b
        pairwise.append(PairwiseComparison(problem, a, b, test, float(p_adj), effect.estimate,
                                           effect.ci_low, effect.ci_high, effect.magnitude,
                                           better))
    friedman = nemenyi = cd = across = None
    blocks = block_matrix(data, measurement)
    k = blocks.shape[1]
    if len(methods) >= 2 and blocks.shape[0] < 2:
        notes.append("fewer than 2 blocks with every method: no test across blocks")
    elif k >= 3:
        friedman = friedman_test(blocks, lower_is_better=lower_is_better)
        nemenyi = nemenyi_posthoc(blocks, lower_is_better=lower_is_better)
        cd = critical_difference(blocks, alpha=alpha,
                                 lower_is_better=lower_is_better)
    elif k == 2:
        d = blocks.iloc[:, 0].to_numpy() - blocks.iloc[:, 1].to_numpy()
        if np.all(d == 0):
            notes.append("the two methods have equal medians on every block")
        else:
            across = wilcoxon_signed_rank(blocks.iloc[:, 0], blocks.iloc[:, 1])
            if blocks.shape[0] < 6:
                notes.append(f"only {blocks.shape[0]} blocks: the signed-rank test cannot "
                             "reach p < 0.05 two-sided with fewer than 6")
    return SignificanceReport(measurement, lower_is_better, alpha, correction, paired,
                              methods, problems, tuple(summaries), tuple(pairwise), friedman,
                              nemenyi, cd, across, tuple(notes))


@dataclass(frozen=True)
class StatsReport:
    """One significance report per measurement of a stored comparison."""

    root: str
    group_by: str
    runs: int
    reports: tuple[SignificanceReport, ...]

    def to_text(self) -> str:
        head = f"{self.runs} runs in {self.root}, compared by {self.group_by}"
        return "\n\n".join([head, *(r.to_text() for r in self.reports)])

    def to_latex(self) -> str:
        return "\n".join(r.to_latex() for r in self.reports)

    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "group_by": self.group_by, "runs": self.runs,
                "reports": [r.to_dict() for r in self.reports]}


def store_report(root: str | Path, metrics: Sequence[str] | None = None,
                 group_by: str = "solver", lower_is_better: bool = True, alpha: float = 0.05,
                 correction: Literal["holm", "bh"] = "holm", paired: bool = False,
                 seed: int = 0, n_resamples: int = 2000) -> StatsReport:
    """Read every run under ``root`` (a RunStore folder) and report each measurement."""
    from solvers.store import RunStore

    folder = Path(root)
    if not folder.is_dir():
        raise InvalidParameterError("RUNS_DIR is a folder of stored runs", f"{str(folder)!r}")
    runs = RunStore(folder).iter_runs()
    if not runs:
        raise InvalidParameterError("RUNS_DIR holds at least one stored run",
                                    f"no runs in {str(folder)!r}")
    frame = runs_frame(runs, group_by, metrics)
    reports = tuple(significance_report(frame, m, lower_is_better, alpha, correction, paired,
                                        seed, n_resamples)
                    for m in sorted(frame["measurement"].unique()))
    return StatsReport(str(folder), group_by, len(runs), reports)
