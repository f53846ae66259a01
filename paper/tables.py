"""The paper's LaTeX tables: the bound checks, the bound catalogue and the NAS-Bench-201
method comparisons (booktabs).

Each table is first a pandas DataFrame (``checks_frame``, ``catalogue_frame``; tested as
data), then rendered by ``pandas.io.formats.style.Styler.to_latex`` with ``hrules=True``
(``\\toprule``/``\\midrule``/``\\bottomrule``) and LaTeX escaping of every text cell and
header: rows are never assembled by string concatenation. The tables are bare
``tabular`` environments; ``main.tex`` puts them in floats with captions.

The NAS tables (``method_comparison_table``, ``datasets_table``) keep each cell as a small
:class:`Cell` record (mean, sd, bold, mark) in the frame; a Styler formatter writes it as
``mean $\\pm$ sd`` and ``Styler.apply`` makes the best mean of each column bold
(``\\bfseries\\boldmath``). Significance marks come from the comparison's Holm-adjusted
tests; the correction and the test are named in the caption (``main.tex``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paper.latex import ascii_text, claim_kind
from proofs_checks.assumptions import AssumptionFinding
from proofs_checks.check import CheckResult
from theory.bound import Bound
from theory.registry import unchecked_basis

__all__ = ["Cell", "assumptions_frame", "assumptions_table", "catalogue_frame",
           "catalogue_table", "checks_frame", "checks_table", "datasets_frame",
           "datasets_table", "method_comparison_frame", "method_comparison_table"]

CHECK_COLUMNS = ("Bound", "Setting", "Method", "Inst./runs", "Viol.", "Statistic", "Value",
                 "p-value", "Power", "Bound/triv.", "Tight.", "Verdict")
CATALOGUE_COLUMNS = ("Bound", "Claim kind", "Source")


def _number(value: Any) -> str:
    """Three significant digits in LaTeX (math for powers of ten); '--' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "--"
    value = float(value)
    if math.isinf(value):
        return r"$\infty$" if value > 0 else r"$-\infty$"
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return rf"${float(mantissa):.3g}\times 10^{{{int(exponent)}}}$"


def _p_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "--"
    if float(value) < 1e-16:
        return r"$<10^{-16}$"
    return _number(value)


def _verdict(result: CheckResult) -> str:
    """The graded verdict, and whether the setting got what it calls for: a sabotage is
    ``caught`` (its violation found) or ``MISSED``; a probe is a finding either way."""
    verdict = result.verdict.value
    if result.probe:
        return f"{verdict} (probe)"
    if result.expected_violation:
        return f"{verdict} (caught)" if result.ok else f"{verdict} (sabotage MISSED)"
    return verdict if result.ok else f"{verdict} (UNEXPECTED)"


def checks_frame(results: Sequence[CheckResult]) -> pd.DataFrame:
    """One row per (check, setting): the evidence of ``results``, in their order."""
    rows = [{
        "Bound": result.bound_id,
        "Setting": result.setting,
        "Method": ascii_text(result.method),
        "Inst./runs": f"{result.instances}/{result.runs}",
        "Viol.": int(result.violations),
        "Statistic": ascii_text(result.statistic_name),
        "Value": result.statistic,
        "p-value": result.p_value,
        "Power": result.power_value,
        "Bound/triv.": result.trivial_ratio,
        "Tight.": result.tightness,
        "Verdict": _verdict(result),
    } for result in results]
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _blank_repeats(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Blank a cell that repeats the one above it (within the same bound)."""
    shown = frame.copy()
    for column in columns:
        same = (frame[column] == frame[column].shift()) & (frame["Bound"] == frame["Bound"]
                                                           .shift())
        shown.loc[same, column] = ""
    return shown


def _ragged(width: str) -> str:
    """A ragged-right paragraph column (needs the array package, loaded by main.tex)."""
    return rf">{{\raggedright\arraybackslash}}p{{{width}}}"


def _render(frame: pd.DataFrame, column_format: str, formatters: dict[str, Any]) -> str:
    styler = frame.style.hide(axis="index")
    text_columns: list[Hashable] = [c for c in frame.columns if c not in formatters]
    styler = styler.format(escape="latex", subset=text_columns)
    if formatters:
        numeric: list[Hashable] = list(formatters)
        styler = styler.format(formatters, subset=numeric)
    styler = styler.format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, column_format=column_format)


def checks_table(results: Sequence[CheckResult]) -> str:
    """The booktabs ``tabular`` of ``checks_frame(results)``."""
    frame = checks_frame(results)
    shown = _blank_repeats(frame, ["Method"])
    shown["Bound"] = shown["Bound"].where(shown["Bound"] != shown["Bound"].shift(), "")
    return _render(shown, _ragged("2.5cm") + _ragged("1.5cm") + _ragged("2.2cm") + "rr"
                   + _ragged("2.0cm") + "rrrrr" + _ragged("1.7cm"),
                   {"Value": _number, "p-value": _p_value, "Power": _number,
                    "Bound/triv.": _number, "Tight.": _number})


def catalogue_frame(bounds: Sequence[Bound]) -> pd.DataFrame:
    """One row per bound: its id, the kind of claim, and the source with its locator."""
    rows = []
    for bound in bounds:
        source = bound.source
        marks = []
        if source.derived:
            marks.append("constant derived here")
        if not source.locator_checked:
            marks.append("locator not yet checked")
        inherited = [i for i in unchecked_basis(bound) if i != bound.id]
        if inherited:
            marks.append(f"rests on unchecked locators: {', '.join(inherited)}")
        text = f"{source.authors} ({source.year}), {source.locator}"
        if marks:
            text += f" [{'; '.join(marks)}]"
        rows.append({"Bound": bound.id, "Claim kind": claim_kind(bound),
                     "Source": ascii_text(text)})
    return pd.DataFrame(rows, columns=list(CATALOGUE_COLUMNS))


def catalogue_table(bounds: Sequence[Bound]) -> str:
    """The booktabs ``tabular`` of ``catalogue_frame(bounds)``."""
    return _render(catalogue_frame(bounds), _ragged("4.2cm") + _ragged("3.2cm")
                   + _ragged("8.8cm"), {})


ASSUMPTION_COLUMNS = ("Bound", "Assumption", "Rule", "Dropped", "Evidence")


def assumptions_frame(findings: Sequence[AssumptionFinding]) -> pd.DataFrame:
    """One row per (bound, assumption): needed, not shown needed, or not tested."""
    rows = [{"Bound": f.bound_id, "Assumption": f.assumption, "Rule": ascii_text(f.rule),
             "Dropped": f.status, "Evidence": ascii_text(f.evidence)} for f in findings]
    return pd.DataFrame(rows, columns=list(ASSUMPTION_COLUMNS))


def assumptions_table(findings: Sequence[AssumptionFinding]) -> str:
    """The booktabs ``tabular`` of the dropped-assumption table."""
    frame = assumptions_frame(findings)
    frame["Bound"] = frame["Bound"].where(frame["Bound"] != frame["Bound"].shift(), "")
    return _render(frame, _ragged("3.0cm") + _ragged("2.4cm") + _ragged("2.8cm")
                   + _ragged("1.6cm") + _ragged("6.4cm"), {})


# -- NAS-Bench-201 ----------------------------------------------------------------------------

#: the mark of a method whose difference from the hybrid is significant after correction
SIGNIFICANT_MARK = r"$^{\ast}$"
BOLD_CSS = "bfseries: ; boldmath: ;"
DATASET_NAMES = {"cifar10": "CIFAR-10", "cifar100": "CIFAR-100",
                 "imagenet16-120": "ImageNet16-120"}


@dataclass(frozen=True)
class Cell:
    """One table cell: a mean with its sd (or a median), bold when best, marked when the
    hybrid-vs-method test rejects after correction."""

    value: float
    sd: float = math.nan
    digits: int = 2
    best: bool = False
    mark: bool = False
    note: str = ""

    def latex(self) -> str:
        if math.isnan(self.value):
            text = "--"
        elif math.isinf(self.value):
            text = r"$\infty$"
        else:
            text = f"{self.value:.{self.digits}f}"
        if not math.isnan(self.sd):
            text += rf" $\pm$ {self.sd:.{self.digits}f}"
        if self.note:
            text += f" ({self.note})"
        return text + (SIGNIFICANT_MARK if self.mark else "")


def _best(values: pd.Series, higher: bool) -> pd.Series:
    finite = values.replace([np.inf, -np.inf], np.nan)
    if finite.isna().all():
        return pd.Series(False, index=values.index)
    target = finite.max() if higher else finite.min()
    return finite == target


def method_comparison_frame(stats: pd.DataFrame) -> pd.DataFrame:
    """``analysis.nas_comparison.method_statistics`` as display cells: one row per method,
    test accuracy and hypervolume ratio as mean and sd, queries to target as the median
    and the share of runs that reached it; the best value of each column is ``best``, a
    method whose test against the hybrid rejects is ``mark``-ed."""
    accuracy_best = _best(stats["accuracy_mean"], higher=True)
    volume_best = _best(stats["hypervolume_mean"], higher=True)
    queries_best = _best(stats["queries_median"], higher=False)
    rows = []
    for index, row in stats.iterrows():
        rows.append({
            "Method": str(row["method"]),
            "Runs": int(row["runs"]),
            "Test acc. (%)": Cell(row["accuracy_mean"], row["accuracy_sd"], 2,
                                  bool(accuracy_best[index]), bool(row["accuracy_reject"])),
            "HV ratio": Cell(row["hypervolume_mean"], row["hypervolume_sd"], 4,
                             bool(volume_best[index]), bool(row["hypervolume_reject"])),
            "Queries to target": Cell(row["queries_median"], math.nan, 0,
                                      bool(queries_best[index]), bool(row["queries_reject"]),
                                      f"{row['reached']:.0%} reach".replace("%", r"\%")),
        })
    return pd.DataFrame(rows, columns=["Method", "Runs", "Test acc. (%)", "HV ratio",
                                       "Queries to target"])


def _render_cells(frame: pd.DataFrame, column_format: str) -> str:
    """Render a frame whose cell columns hold :class:`Cell`: text escaped, cells by
    ``Cell.latex``, the best cells bold through ``Styler.apply``."""
    cell_columns: list[Hashable] = [c for c in frame.columns
                                    if frame[c].map(lambda v: isinstance(v, Cell)).all()]
    text_columns: list[Hashable] = [c for c in frame.columns if c not in cell_columns]
    styler = frame.style.hide(axis="index")
    styler = styler.format(escape="latex", subset=text_columns)
    styler = styler.format(lambda cell: cell.latex(), subset=cell_columns)
    styler = styler.apply(lambda column: [BOLD_CSS if cell.best else "" for cell in column],
                          subset=cell_columns)
    styler = styler.format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, column_format=column_format, multicol_align="c")


def method_comparison_table(stats: pd.DataFrame) -> str:
    """The booktabs ``tabular`` of ``method_comparison_frame(stats)``."""
    return _render_cells(method_comparison_frame(stats), "lrrrr")


def _by_dataset_frame(stats: pd.DataFrame, label: str, hv_digits: int) -> pd.DataFrame:
    """One row per ``stats["method"]``, per data set a (test accuracy, hypervolume ratio)
    pair of mean +- sd cells under a two-level header; the best mean of each column bold,
    a cell ``mark``-ed where ``stats`` has a true ``accuracy_reject`` /
    ``hypervolume_reject``."""
    datasets = list(dict.fromkeys(stats["dataset"]))
    methods = list(dict.fromkeys(stats["method"]))
    table: dict[tuple[str, str], list[Any]] = {("", label): methods}
    for dataset in datasets:
        part = stats[stats["dataset"] == dataset].set_index("method")
        name = DATASET_NAMES.get(dataset, dataset)
        for column, short, header, digits in (
                ("accuracy", "accuracy", "Test acc. (%)", 2),
                ("hypervolume", "hypervolume", "HV ratio", hv_digits)):
            best = _best(part[f"{column}_mean"], higher=True)
            marks = part.get(f"{short}_reject", pd.Series(False, index=part.index))
            table[(name, header)] = [
                Cell(part.loc[m, f"{column}_mean"], part.loc[m, f"{column}_sd"], digits,
                     bool(best[m]), bool(marks[m])) if m in part.index else Cell(math.nan)
                for m in methods]
    frame = pd.DataFrame(table)
    frame.columns = pd.MultiIndex.from_tuples(list(table))
    return frame


def datasets_frame(stats: pd.DataFrame) -> pd.DataFrame:
    """``analysis.nas_comparison.dataset_statistics`` as display cells: one row per method,
    per data set a (test accuracy, hypervolume ratio) pair of columns under a two-level
    header; the best mean of each column is bold."""
    return _by_dataset_frame(stats, "Method", 3)


def datasets_table(stats: pd.DataFrame) -> str:
    """The booktabs ``tabular`` of ``datasets_frame(stats)``."""
    frame = datasets_frame(stats)
    return _render_cells(frame, "l" + "rr" * ((len(frame.columns) - 1) // 2))


def ablation_frame(stats: pd.DataFrame) -> pd.DataFrame:
    """The hybrid's ablation as display cells: one row per variant, per data set a (test
    accuracy, hypervolume ratio) pair of mean +- sd; the best mean of each column bold, a
    variant whose exact test against the full hybrid rejects (Holm) marked. ``stats`` is
    ``method_statistics`` of each data set's ablation comparison with a ``dataset`` column."""
    return _by_dataset_frame(stats, "Variant", 4)


def ablation_table(stats: pd.DataFrame) -> str:
    """The booktabs ``tabular`` of ``ablation_frame(stats)``."""
    frame = ablation_frame(stats)
    return _render_cells(frame, "l" + "rr" * ((len(frame.columns) - 1) // 2))


def claims_frame(claims: Sequence[Any]) -> pd.DataFrame:
    """One row per data set (``analysis.hybrid_claims.HybridClaims``): the hybrid's accuracy
    against the best baseline with the one-sided p of 'below', its hypervolume ratio against
    the best other method and the one-sided p of 'above NSGA-II on cells', and the
    search-time ratio to regularised evolution's final mean accuracy with its interval."""
    rows = []
    for c in claims:
        t = c.time
        ratio = ("never" if math.isinf(t.ratio) else
                 "REA never" if math.isinf(t.reference_median_seconds) else f"{t.ratio:.2f}")
        high = "$\\infty$" if math.isinf(t.ratio_high) else f"{t.ratio_high:.2f}"
        low = "$\\infty$" if math.isinf(t.ratio_low) else f"{t.ratio_low:.2f}"
        rows.append({
            "Data set": DATASET_NAMES.get(c.dataset, c.dataset),
            "Runs": int(c.runs_per_method),
            "Hybrid acc.": f"{c.hybrid_accuracy:.2f}",
            "Best baseline": f"{c.best_baseline} {c.best_baseline_accuracy:.2f}",
            "p(below)": _p_value(c.accuracy_below_p),
            "Hybrid HV": f"{c.hybrid_hypervolume:.4f}",
            "Best other HV": f"{c.best_other_hypervolume_method} "
                             f"{c.best_other_hypervolume:.4f}",
            "p(HV > NSGA-II)": _p_value(c.hypervolume_above_nsga2_p),
            "Time ratio vs REA": f"{ratio} [{low}, {high}]",
        })
    return pd.DataFrame(rows)


def claims_table(claims: Sequence[Any]) -> str:
    frame = claims_frame(claims)
    # these columns already hold LaTeX (math-mode p-values, $\\infty$): passed through as is
    formatters = {c: (lambda v: v) for c in ("p(below)", "p(HV > NSGA-II)",
                                             "Time ratio vs REA")}
    return _render(frame, "lrrlrrlrl", formatters)


# -- application tasks (paper.application_search) --------------------------------------------

_TASK_METRICS = {"classification": (("test_accuracy", "Test acc."), ("test_auc", "ROC AUC")),
                 "sentiment": (("cross_domain_accuracy", "Cross-domain acc."),
                               ("in_domain_accuracy", "In-domain acc."))}


def _blank_groups(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Blank a cell of ``columns`` that repeats the row above in it and every column before
    it in ``columns`` (a grouped first column, as in a booktabs table)."""
    shown = frame.copy()
    same = pd.Series(True, index=frame.index)
    for column in columns:
        same = same & (frame[column] == frame[column].shift())
        shown.loc[same, column] = ""
    return shown


def _mean_ci(estimate: Any) -> str:
    if estimate is None:
        return "--"
    if not math.isfinite(estimate.ci_low):
        return f"{estimate.point:.3f}"
    return f"{estimate.point:.3f} [{estimate.ci_low:.3f}, {estimate.ci_high:.3f}]"


def application_models_frame(outcomes: Sequence[Any]) -> pd.DataFrame:
    """One row per (classification or sentiment task, model): the found cell trained from
    scratch and each reference, two metrics as mean [95% t interval] over seeds, and the
    paired one-sided Wilcoxon p of 'the cell is better' on the first metric."""
    rows = []
    for outcome in outcomes:
        result = outcome.result
        if result.kind not in _TASK_METRICS:
            continue
        (m1, h1), (m2, h2) = _TASK_METRICS[result.kind]
        paired = {p.reference: p for p in result.paired
                  if p.metric in (m1, "held-out domain accuracy")}
        for model in dict.fromkeys(s.model for s in result.scores):
            test = paired.get(model)
            rows.append({"Task": outcome.task.name,
                         "Model": "found cell" if model == "cell" else model,
                         "Metric 1": f"{h1}: {_mean_ci(result.score(model, m1))}",
                         "Metric 2": f"{h2}: {_mean_ci(result.score(model, m2))}",
                         "Cell better, p": math.nan if test is None else test.wilcoxon_p})
    return pd.DataFrame(rows, columns=["Task", "Model", "Metric 1", "Metric 2",
                                       "Cell better, p"])


def application_models_table(outcomes: Sequence[Any]) -> str:
    frame = _blank_groups(application_models_frame(outcomes), ["Task"])
    return _render(frame, "ll" + _ragged("4.2cm") + _ragged("4.2cm") + "r",
                   {"Cell better, p": _p_value})


def application_forecast_frame(outcomes: Sequence[Any]) -> pd.DataFrame:
    """One row per (series, model, horizon): RMSE and MASE over the rolling origins, and for
    the found model the largest (over seeds) one-sided Diebold-Mariano p against the best
    reference at that horizon."""
    rows = []
    for outcome in outcomes:
        result = outcome.result
        if result.kind != "forecast":
            continue
        dm = {d["horizon"]: d for d in result.diebold_mariano}
        for row in result.forecast:
            for h, (rmse, mase) in enumerate(zip(row.rmse, row.mase, strict=True), start=1):
                rows.append({"Series": outcome.task.name,
                             "Model": "found cell" if row.model == "cell" else row.model,
                             "h": h, "RMSE": rmse, "MASE": mase,
                             "DM p": dm[h]["max_p"] if row.model == "cell" else math.nan})
    return pd.DataFrame(rows, columns=["Series", "Model", "h", "RMSE", "MASE", "DM p"])


def application_forecast_table(outcomes: Sequence[Any]) -> str:
    frame = _blank_groups(application_forecast_frame(outcomes), ["Series", "Model"])
    return _render(frame, "llrrrr", {"RMSE": _number, "MASE": _number, "DM p": _p_value})


def application_search_frame(outcomes: Sequence[Any]) -> pd.DataFrame:
    """One row per (task, search method): final hypervolume share (mean, sd), best one-shot
    error, and the Holm-adjusted one-sided p of 'the hybrid's hypervolume is larger'."""
    rows = [{"Task": o.task.name, "Method": m.method,
             "HV share": m.final_hypervolume_share, "sd": m.final_hypervolume_share_sd,
             "Best one-shot err.": m.best_one_shot_error, "Hybrid larger, p (Holm)": m.p_holm}
            for o in outcomes for m in o.methods]
    return pd.DataFrame(rows, columns=["Task", "Method", "HV share", "sd", "Best one-shot err.",
                                       "Hybrid larger, p (Holm)"])


def application_search_table(outcomes: Sequence[Any]) -> str:
    frame = _blank_groups(application_search_frame(outcomes), ["Task"])
    return _render(frame, "llrrrr", {"HV share": _number, "sd": _number,
                                     "Best one-shot err.": _number,
                                     "Hybrid larger, p (Holm)": _p_value})
