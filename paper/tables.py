"""The paper's LaTeX tables: the bound checks and the bound catalogue (booktabs).

Each table is first a pandas DataFrame (``checks_frame``, ``catalogue_frame``; tested as
data), then rendered by ``pandas.io.formats.style.Styler.to_latex`` with ``hrules=True``
(``\\toprule``/``\\midrule``/``\\bottomrule``) and LaTeX escaping of every text cell and
header: rows are never assembled by string concatenation. The tables are bare
``tabular`` environments; ``main.tex`` puts them in floats with captions.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from paper.latex import ascii_text, claim_kind
from proofs_checks.assumptions import AssumptionFinding
from proofs_checks.check import CheckResult
from theory.bound import Bound

__all__ = ["assumptions_frame", "assumptions_table", "catalogue_frame", "catalogue_table",
           "checks_frame", "checks_table"]

CHECK_COLUMNS = ("Bound", "Setting", "Method", "Inst./runs", "Viol.", "Statistic", "Value",
                 "p-value", "Tight.", "Verdict")
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
    """The verdict, and whether it is the one the setting calls for."""
    verdict = result.verdict.value
    if result.probe:
        return f"{verdict} (probe)"
    if result.expected_violation:
        return f"{verdict} (expected)" if result.ok else f"{verdict} (violation MISSED)"
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
    return _render(shown, _ragged("2.7cm") + _ragged("1.6cm") + _ragged("2.4cm") + "rr"
                   + _ragged("2.2cm") + "rrr" + _ragged("1.6cm"),
                   {"Value": _number, "p-value": _p_value, "Tight.": _number})


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
