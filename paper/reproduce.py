"""Regenerate every number, figure and table of the paper from one profile.

``reproduce(profile_name, out, results, workers, progress)`` runs every registered check
(as stated and in each sabotaged setting) through a :class:`CheckContext` whose run store
is ``results``, then writes into ``out``::

    checks.json               every CheckResult, with the profile and the timings
    figures/<name>.pdf|png    the figures of paper.figures (vector PDF, PNG at the profile's dpi)
    tables/checks.tex         the booktabs table of the checks (paper.tables)
    tables/catalogue.tex      the booktabs catalogue of the bounds
    tables/assumptions.tex    the dropped-assumption table (proofs_checks.assumptions)
    assumptions.json          the same findings as data
    bounds.tex                every bound as a theorem-like environment (paper.latex)
    references.tex            the bibliography of the bounds' sources
    numbers.tex               macros with the numbers main.tex quotes (fitted constant, ...)
    main.tex                  the paper draft (copied from the package)
    paper.pdf                 when pdflatex is installed (else a logged warning)

Runs live in the store and are reused by the next invocation, so a second reproduce
executes nothing. A profile is a TOML file (``paper/profiles/<name>.toml`` or a path);
``load_profile`` validates it against ``PROFILE_KEYS`` -- the rules as data -- and every
error names the key and the value (STYLE.md pattern 6).
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from paper import figures as figs
from paper.latex import bounds_tex, compile_pdf, latex_text, references_tex
from paper.tables import assumptions_table, catalogue_table, checks_table
from proofs_checks.assumptions import dropped_assumption_table
from proofs_checks.check import PROFILES, CheckContext, CheckResult
from proofs_checks.registry import checks_for, symbolic_only
from solvers.algorithms.nsga2 import SELECTIONS
from solvers.store import RunStore
from theory.errors import InvalidParameterError, UnknownNameError
from theory.registry import all_bounds

__all__ = ["PROFILE_DIR", "PROFILE_KEYS", "GradientFigureSpec", "NSGA2FigureSpec", "Profile",
           "ReproduceSummary", "known_profiles", "load_profile", "reproduce", "save_figure"]

logger = logging.getLogger(__name__)

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
MAIN_TEX = Path(__file__).resolve().parent / "main.tex"


# -- profiles -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class GradientFigureSpec:
    """GD runs of the ``gradient`` figure: a convex quadratic and the rotated Cauchy."""

    steps: int = 300
    dim: int = 20
    L: float = 1.0
    x0_radius: float = 3.0
    instance_seed: int = 0
    seed: int = 0


@dataclass(frozen=True)
class NSGA2FigureSpec:
    """NSGA-II runs of the ``nsga2`` figure (the quick check protocol by default)."""

    runtime_ns: tuple[int, ...] = (25, 50, 100)
    runtime_seeds: int = 30
    runtime_cap: int = 3000
    runtime_selection: str = "deb-tournament"
    coverage_n: int = 50
    coverage_seeds: int = 20
    coverage_horizon: int = 1000


@dataclass(frozen=True)
class Profile:
    """Everything one reproduction needs to know; built only by ``load_profile``."""

    name: str
    description: str = ""
    check_profile: str = "quick"
    bounds: tuple[str, ...] = ()
    figures: tuple[str, ...] = figs.FIGURES
    dpi: int = 300
    compile_pdf: bool = True
    gradient: GradientFigureSpec = field(default_factory=GradientFigureSpec)
    nsga2: NSGA2FigureSpec = field(default_factory=NSGA2FigureSpec)


@dataclass(frozen=True)
class _Key:
    """One profile key: its type, its rule as written, and the predicate of the rule."""

    kind: str  # "int", "float", "str", "bool", "int-list", "str-list"
    target: tuple[str, str]  # (section of Profile or "" for top level, attribute)
    rule: str = ""
    ok: Callable[[Any], bool] = lambda value: True
    choices: tuple[str, ...] = ()


def _at_least(minimum: float) -> Callable[[Any], bool]:
    return lambda v: all(x >= minimum for x in v) if isinstance(v, list) else v >= minimum


#: every key a profile may set: dotted TOML path -> rule (defaults in the dataclasses)
PROFILE_KEYS: dict[str, _Key] = {
    "description": _Key("str", ("", "description")),
    "checks.profile": _Key("str", ("", "check_profile"), choices=PROFILES),
    "checks.bounds": _Key("str-list", ("", "bounds")),
    "figures.make": _Key("str-list", ("", "figures"), choices=figs.FIGURES),
    "figures.dpi": _Key("int", ("", "dpi"), "50 <= figures.dpi <= 1200",
                        lambda v: 50 <= v <= 1200),
    "pdf.compile": _Key("bool", ("", "compile_pdf")),
    "figures.gradient.steps": _Key("int", ("gradient", "steps"),
                                   "1 <= figures.gradient.steps <= 100000",
                                   lambda v: 1 <= v <= 100_000),
    "figures.gradient.dim": _Key("int", ("gradient", "dim"), "figures.gradient.dim >= 2",
                                 _at_least(2)),
    "figures.gradient.L": _Key("float", ("gradient", "L"), "figures.gradient.L > 0",
                               lambda v: v > 0),
    "figures.gradient.x0_radius": _Key("float", ("gradient", "x0_radius"),
                                       "figures.gradient.x0_radius > 0", lambda v: v > 0),
    "figures.gradient.instance_seed": _Key("int", ("gradient", "instance_seed"),
                                           "figures.gradient.instance_seed >= 0",
                                           _at_least(0)),
    "figures.gradient.seed": _Key("int", ("gradient", "seed"), "figures.gradient.seed >= 0",
                                  _at_least(0)),
    "figures.nsga2.runtime_ns": _Key(
        "int-list", ("nsga2", "runtime_ns"),
        "figures.nsga2.runtime_ns has at least one n and every n >= 2",
        lambda v: len(v) >= 1 and _at_least(2)(v)),
    "figures.nsga2.runtime_seeds": _Key("int", ("nsga2", "runtime_seeds"),
                                        "figures.nsga2.runtime_seeds >= 1", _at_least(1)),
    "figures.nsga2.runtime_cap": _Key("int", ("nsga2", "runtime_cap"),
                                      "figures.nsga2.runtime_cap >= 1", _at_least(1)),
    "figures.nsga2.runtime_selection": _Key("str", ("nsga2", "runtime_selection"),
                                            choices=tuple(SELECTIONS)),
    "figures.nsga2.coverage_n": _Key("int", ("nsga2", "coverage_n"),
                                     "figures.nsga2.coverage_n >= 2", _at_least(2)),
    "figures.nsga2.coverage_seeds": _Key("int", ("nsga2", "coverage_seeds"),
                                         "figures.nsga2.coverage_seeds >= 1", _at_least(1)),
    "figures.nsga2.coverage_horizon": _Key("int", ("nsga2", "coverage_horizon"),
                                           "figures.nsga2.coverage_horizon >= 1",
                                           _at_least(1)),
}
_TABLES = {path.rsplit(".", 1)[0] for path in PROFILE_KEYS if "." in path} | {
    "figures.gradient", "figures.nsga2"}
_TYPE_WORDS = {"int": "an integer", "float": "a number", "str": "a string",
               "bool": "true or false", "int-list": "a list of integers",
               "str-list": "a list of strings"}


def _type_ok(kind: str, value: Any) -> bool:
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if kind == "int":
        return is_int(value)
    if kind == "float":
        return is_int(value) or (isinstance(value, float) and math.isfinite(value))
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int-list":
        return isinstance(value, list) and all(is_int(v) for v in value)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            if path not in _TABLES:
                raise UnknownNameError("profile key", path, sorted(PROFILE_KEYS))
            flat.update(_flatten(value, f"{path}."))
        elif path in _TABLES:
            raise InvalidParameterError(f"[{path}] is a table", f"{path}={value!r}")
        else:
            flat[path] = value
    return flat


def validate_profile(data: Mapping[str, Any], name: str) -> Profile:
    """A :class:`Profile` from parsed TOML; unknown keys, wrong types and values raise."""
    top: dict[str, Any] = {"name": name}
    sections: dict[str, dict[str, Any]] = {"gradient": {}, "nsga2": {}}
    for path, value in _flatten(data).items():
        key = PROFILE_KEYS.get(path)
        if key is None:
            raise UnknownNameError("profile key", path, sorted(PROFILE_KEYS))
        if not _type_ok(key.kind, value):
            raise InvalidParameterError(f"{path} is {_TYPE_WORDS[key.kind]}",
                                        f"{path}={value!r}", f"profile {name!r}")
        for item in value if isinstance(value, list) else [value]:
            if key.choices and item not in key.choices:
                raise InvalidParameterError(f"{path} in {{{', '.join(key.choices)}}}",
                                            f"{path}={item!r}", f"profile {name!r}")
        if not key.ok(value):
            raise InvalidParameterError(key.rule, f"{path}={value!r}", f"profile {name!r}")
        section, attribute = key.target
        converted = tuple(value) if isinstance(value, list) else value
        if key.kind == "float":
            converted = float(value)
        (top if section == "" else sections[section])[attribute] = converted
    if "checks.profile" not in _flatten(data):
        raise InvalidParameterError("checks.profile is set", "no [checks] profile",
                                    f"profile {name!r}; one of {', '.join(PROFILES)}")
    known = [b.id for b in all_bounds()]
    for bound_id in top.get("bounds", ()):
        if bound_id not in known:
            raise InvalidParameterError("every entry of checks.bounds is a registered bound id",
                                        f"checks.bounds entry {bound_id!r}",
                                        f"profile {name!r}; known ids: {', '.join(known)}")
    nsga2 = NSGA2FigureSpec(**sections["nsga2"])
    if len(set(nsga2.runtime_ns)) * nsga2.runtime_seeds < 2:  # constant_fit needs two runs
        raise InvalidParameterError(
            "len(figures.nsga2.runtime_ns) * figures.nsga2.runtime_seeds >= 2",
            f"figures.nsga2.runtime_ns={list(nsga2.runtime_ns)}, "
            f"figures.nsga2.runtime_seeds={nsga2.runtime_seeds}", f"profile {name!r}")
    return Profile(**top, gradient=GradientFigureSpec(**sections["gradient"]), nsga2=nsga2)


def known_profiles() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))


def load_profile(name_or_path: str | Path) -> Profile:
    """The profile named ``quick``/``full`` (in ``paper/profiles``) or read from a path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        path, name = candidate, candidate.stem
        if not path.is_file():
            raise InvalidParameterError("the profile file exists", f"path={str(path)!r}")
    else:
        name = str(name_or_path)
        path = PROFILE_DIR / f"{name}.toml"
        if not path.is_file():
            raise UnknownNameError("profile", name, list(known_profiles()))
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise InvalidParameterError("the profile is valid TOML", f"{path}: {exc}") from exc
    return validate_profile(data, name)


# -- outputs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReproduceSummary:
    """What one reproduction wrote and how long it took."""

    profile: str
    out: Path
    outputs: tuple[Path, ...]
    checks_run: int
    checks_failing: int
    failing: tuple[str, ...]
    runs_executed: int
    figure_runs: int
    figure_runs_reused: int
    seconds: float
    stage_seconds: tuple[tuple[str, float], ...]
    pdf: Path | None

    @property
    def ok(self) -> bool:
        return self.checks_failing == 0

    @property
    def failing_checks(self) -> int:
        """The number of check settings whose verdict is not the expected one."""
        return self.checks_failing

    def describe(self) -> str:
        """A few lines for a person: checks, runs, timings, the outputs and the PDF."""
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.stage_seconds)
        lines = [
            f"profile {self.profile}: {self.checks_run} check settings, "
            f"{self.checks_failing} failing",
            *(f"  not ok: {item}" for item in self.failing),
            f"runs executed: {self.runs_executed}; figure runs reused: "
            f"{self.figure_runs_reused} of {self.figure_runs}",
            f"time: {self.seconds:.1f} s ({stages})",
            f"wrote {len(self.outputs)} files into {self.out}",
            f"paper: {self.pdf}" if self.pdf is not None else
            "paper: not compiled (no pdflatex, or pdf.compile = false)",
        ]
        return "\n".join(lines)


def save_figure(fig: Figure, folder: Path, stem: str, dpi: int) -> tuple[Path, Path]:
    """Write ``stem.pdf`` (vector) and ``stem.png`` (``dpi``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf, png = folder / f"{stem}.pdf", folder / f"{stem}.png"
    fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
    return pdf, png


def _stored_runs(store: RunStore) -> int:
    if not store.root.exists():
        return 0
    return sum(1 for _ in store.root.glob("??/*/manifest.json"))


def _write(path: Path, text: str, outputs: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    outputs.append(path)


def _run_checks(profile: Profile, context: CheckContext, progress: bool) -> list[CheckResult]:
    jobs = [(check, setting.name) for check in checks_for(list(profile.bounds) or None)
            for setting in check.settings()]
    results = []
    bar = tqdm(jobs, desc="checks", unit="setting", disable=not progress)
    for check, setting in bar:
        bar.set_postfix_str(f"{check.name} [{setting}]")
        result = check.run(context, setting)
        if not result.ok:
            logger.warning("check %s [%s] of %s: verdict %s where %s was expected",
                           check.name, setting, check.bound_id, result.verdict.value,
                           "a violation" if result.expected_violation else "no violation")
        results.append(result)
    return results


def _numbers_tex(profile: Profile, results: Sequence[CheckResult],
                 runtime: figs.RuntimeData | None) -> str:
    failing = sum(not r.ok for r in results)
    macros = {
        "nbProfile": latex_text(profile.name),
        "nbCheckProfile": latex_text(profile.check_profile),
        "nbBounds": str(len(all_bounds())),
        "nbChecksRun": str(len(results)),
        "nbChecksFailing": str(failing),
        "nbFittedConstant": "--" if runtime is None else f"{runtime.constant:.3f}",
        "nbFittedConstantLow": "--" if runtime is None else f"{runtime.constant_ci[0]:.3f}",
        "nbFittedConstantHigh": "--" if runtime is None else f"{runtime.constant_ci[1]:.3f}",
        "nbRuntimeNs": "--" if runtime is None else
        ", ".join(str(int(n)) for n in runtime.ns),
    }
    lines = ["% Generated by paper.reproduce; do not edit."]
    lines += [rf"\newcommand{{\{name}}}{{{value}}}" for name, value in macros.items()]
    return "\n".join(lines) + "\n"


def reproduce(profile_name: str | Path, out: Path, results: Path, workers: int | None = None,
              progress: bool = False, scheduler: str | None = None) -> ReproduceSummary:
    """Run the checks and write every output of the paper into ``out`` (see module doc)."""
    start = time.perf_counter()
    profile = load_profile(profile_name)
    out, store = Path(out), RunStore(Path(results))
    out.mkdir(parents=True, exist_ok=True)
    outputs: list[Path] = []
    stages: list[tuple[str, float]] = []
    stored_before = _stored_runs(store)
    context = CheckContext(profile=profile.check_profile, store=store, workers=workers,
                           progress=progress, scheduler=scheduler)

    # 1. checks
    stage = time.perf_counter()
    check_results = _run_checks(profile, context, progress)
    stages.append(("checks", time.perf_counter() - stage))
    failing = tuple(f"{r.bound_id} [{r.setting}]" for r in check_results if not r.ok)
    _write(out / "checks.json", json.dumps({
        "profile": profile.name, "check_profile": profile.check_profile,
        "checks_run": len(check_results), "checks_failing": len(failing),
        "failing": list(failing), "results": [r.to_dict() for r in check_results],
    }, indent=2) + "\n", outputs)

    # 2. figures (their runs come from the store; the checks' runs are reused)
    stage = time.perf_counter()
    before_figures = _stored_runs(store)
    figure_runs = 0
    runtime: figs.RuntimeData | None = None
    figure_dir = out / "figures"
    for name in profile.figures:
        if name == "gradient":
            g = profile.gradient
            runs = figs.gd_runs(store, {
                "quadratic": {"dim": g.dim, "L": g.L, "mu": 0.0,
                              "instance_seed": g.instance_seed, "x0_radius": g.x0_radius},
                "cauchy": {"dim": g.dim, "L": g.L, "instance_seed": g.instance_seed,
                           "x0_radius": g.x0_radius},
            }, g.steps, g.seed, workers=workers, progress=progress, scheduler=scheduler)
            figure_runs += len(runs)
            fig = figs.gradient_figure(
                [figs.grad_norm_trace(runs["quadratic"]), figs.grad_norm_trace(runs["cauchy"])],
                figs.convex_gap_trace(runs["quadratic"]))
        elif name == "nsga2":
            s = profile.nsga2
            runtime_runs, coverage_runs = figs.nsga2_runs(
                context, s.runtime_ns, s.runtime_seeds, s.runtime_cap, s.runtime_selection,
                s.coverage_n, s.coverage_seeds, s.coverage_horizon)
            figure_runs += len(runtime_runs) + sum(len(r) for r in coverage_runs.values())
            runtime = figs.runtime_data(runtime_runs)
            fig = figs.nsga2_figure(runtime,
                                    figs.coverage_data(coverage_runs, s.coverage_horizon))
        else:  # "tightness"; load_profile admits only names in figs.FIGURES
            fig = figs.tightness_figure(figs.tightness_data(check_results))
        outputs += save_figure(fig, figure_dir, name, profile.dpi)
    executed_for_figures = _stored_runs(store) - before_figures
    stages.append(("figures", time.perf_counter() - stage))

    # 3. tables and LaTeX
    stage = time.perf_counter()
    bounds = all_bounds()
    _write(out / "tables" / "checks.tex", checks_table(check_results), outputs)
    _write(out / "tables" / "catalogue.tex", catalogue_table(bounds), outputs)
    findings = dropped_assumption_table(check_results, symbolic_only())
    _write(out / "tables" / "assumptions.tex", assumptions_table(findings), outputs)
    _write(out / "assumptions.json", json.dumps([f.to_dict() for f in findings], indent=2)
           + "\n", outputs)
    _write(out / "bounds.tex", bounds_tex(bounds), outputs)
    _write(out / "references.tex", references_tex(bounds), outputs)
    _write(out / "numbers.tex", _numbers_tex(profile, check_results, runtime), outputs)
    for source in sorted(MAIN_TEX.parent.glob("*.tex")):  # main.tex and the sections it inputs
        shutil.copyfile(source, out / source.name)
        outputs.append(out / source.name)
    pdf = None
    if profile.compile_pdf:
        pdf = compile_pdf(out / "main.tex", out, pdf_name="paper.pdf")
        if pdf is not None:
            outputs.append(pdf)
    else:
        logger.info("profile %s does not compile the PDF (pdf.compile = false)", profile.name)
    stages.append(("latex", time.perf_counter() - stage))

    summary = ReproduceSummary(
        profile=profile.name, out=out, outputs=tuple(outputs), checks_run=len(check_results),
        checks_failing=len(failing), failing=failing,
        runs_executed=_stored_runs(store) - stored_before, figure_runs=figure_runs,
        figure_runs_reused=figure_runs - executed_for_figures,
        seconds=time.perf_counter() - start, stage_seconds=tuple(stages), pdf=pdf)
    logger.info("reproduce %s: %d checks (%d failing), %d runs executed, %d of %d figure runs "
                "reused, %.1f s", profile.name, summary.checks_run, summary.checks_failing,
                summary.runs_executed, summary.figure_runs_reused, summary.figure_runs,
                summary.seconds)
    return summary
