"""Regenerate every number, figure and table of the paper from one profile.

``reproduce(profile_name, out, results, workers, progress)`` runs every registered check
(as stated and in each sabotaged setting) through a :class:`CheckContext` whose run store
is ``results``, then writes into ``out``::

    checks.json               every CheckResult, with the profile and the timings
    figures/<name>.pdf|png    the figures of paper.figures (vector PDF, PNG at the profile's dpi)
    tables/checks.tex         the booktabs table of the checks (paper.tables)
    tables/catalogue.tex      the booktabs catalogue of the bounds
    tables/assumptions.tex    the dropped-assumption table (proofs_checks.assumptions)
    tables/nas_methods.tex    NAS-Bench-201 method comparison (when [nas] make = true)
    tables/nas_datasets.tex   NAS-Bench-201 results by data set (the same)
    nas.json                  the NAS comparison, Friedman test and CD as data (the same)
    nas_supernet.json         the NAS methods on the MNIST supernet: final hypervolume share
                              and best one-shot error per method (when [nas_supernet] make)
    assumptions.json          the same findings as data
    bounds.tex                every bound as a theorem-like environment (paper.latex)
    references.tex            the bibliography of the bounds' sources
    numbers.tex               macros with the numbers main.tex quotes (fitted constant, ...)
    main.tex                  the paper draft (copied from the package)
    paper.pdf                 when pdflatex is installed (else a logged warning)

Runs live in the store and are reused by the next invocation, so a second reproduce
executes nothing. The NAS-Bench-201 runs (``[nas]``: every method x seed on the main data
set, and every method x ``dataset_seeds`` seeds on each data set of ``datasets``) are
specified exactly as ``nasbound search`` specifies them, so either command reuses the
other's runs; the GSEMO runs of the ``scaling`` figure are the emo order checks' runs.
The NAS methods on the MNIST supernet (``[nas_supernet]``: every method x seed, one-shot
error with the stored latency table, so the runs are reproducible) go through the same
executor; each worker process warms the supernet up once and restores it for its next runs
(``solvers.problems.supernet``).
A profile is a TOML file (``paper/profiles/<name>.toml`` or a path);
``load_profile`` validates it against ``PROFILE_KEYS`` -- the rules as data -- and every
error names the key and the value (STYLE.md pattern 6).
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from analysis.hybrid_claims import HybridClaims, hybrid_claims
from analysis.nas_comparison import (
    NASComparison,
    RunData,
    as_run_data,
    compare_methods,
    dataset_statistics,
    method_statistics,
)
from paper import figures as figs
from paper.application_search import APPLICATION_METHODS, ApplicationSizes, search_plan
from paper.application_search import TASKS as APPLICATION_TASKS
from paper.latex import bounds_tex, compile_pdf, latex_text, references_tex
from paper.search_command import (
    HYBRID_VARIANTS,
    TARGET_QUANTILE,
    benchmark_target,
    hybrid_ablation_plan,
    nb201_plan,
)
from paper.supernet_command import darts_search_plan
from paper.tables import (
    DATASET_NAMES,
    ablation_table,
    application_forecast_table,
    application_models_table,
    application_search_table,
    assumptions_table,
    catalogue_table,
    checks_table,
    claims_table,
    datasets_table,
    method_comparison_table,
)
from proofs_checks.assumptions import dropped_assumption_table
from proofs_checks.check import PROFILES, CheckContext, CheckResult
from proofs_checks.families.emo import SEMO_ORDER_PLANS
from proofs_checks.families.nsga2 import ONEMINMAX_COVER, ONEMINMAX_SMALL_POPULATION
from proofs_checks.registry import checks_for, symbolic_only
from proofs_checks.runner import run_settings
from solvers.datasets import NB201_DEVICES
from solvers.lab import Lab, LogProgress
from solvers.plans import PLANS, PlanEntry, RunPlan, override_sizes, plan
from solvers.problems.nb201 import DATASETS as NB201_DATASETS
from solvers.registry import make_problem
from solvers.store import RunStore
from theory.errors import InvalidParameterError, UnknownNameError
from theory.registry import all_bounds

__all__ = ["FIGURES", "PROFILE_DIR", "PROFILE_KEYS", "FigureRecipe", "NASSpec",
           "NASSupernetSpec", "Profile", "ReproduceSummary",
           "known_profiles", "load_profile", "reproduce", "save_figure"]

logger = logging.getLogger(__name__)

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
MAIN_TEX = Path(__file__).resolve().parent / "main.tex"


# -- profiles -----------------------------------------------------------------------------------

#: the NAS methods of ``nasbound search`` (paper.search_command.DEFAULT_METHODS)
NAS_METHODS = ("hybrid", "random-search", "reg-evolution", "nsga2-cells", "local-search",
               "optuna-tpe", "optuna-nsgaii")


@dataclass(frozen=True)
class NASSpec:
    """NAS-Bench-201 searches: the main comparison and the by-data-set table."""

    make: bool = False
    dataset: str = "cifar10"
    device: str = "pixel3"
    memory: str = "params"
    budget: int = 100
    seeds: int = 5
    methods: tuple[str, ...] = NAS_METHODS
    datasets: tuple[str, ...] = NB201_DATASETS
    dataset_seeds: int = 3
    cd_metric: str = "hypervolume_ratio"
    alpha: float = 0.05
    #: the hybrid's ablation (``paper.search_command.HYBRID_VARIANTS``) on every data set
    ablation: bool = True
    ablation_seeds: int = 3


@dataclass(frozen=True)
class SupernetSpec:
    """The DARTS search on the MNIST5k supernet behind the ``supernet`` figure (alpha
    trajectory and collapse diagnostics), specified as ``nasbound search --benchmark
    mnist-supernet`` specifies it, so the two share runs."""

    make: bool = False
    cell: str = "darts"
    order: str = "first"
    budget: int = 150
    channels: int = 8
    seeds: int = 1
    hessian_every: int = 10
    retrain_epochs: int = 0
    batch: int = 32  # the darts solver's defaults (so the spec equals the search command's)
    a_lr: float = 3e-2
    warmup: int = 50


@dataclass(frozen=True)
class NASSupernetSpec:
    """The NAS methods on the MNIST supernet (one-shot error, stored latency, memory):
    every method x seed with ``budget`` distinct queries, behind ``supernet-hypervolume``.
    The hybrid's gradient refinement runs real DARTS steps on the supernet (about 0.3 s
    each here), so it gets its own population and refinement sizes."""

    make: bool = False
    cell: str = "nb201"
    channels: int = 8
    warmup_steps: int = 100
    eval_images: int = 200
    budget: int = 30
    seeds: int = 3
    methods: tuple[str, ...] = ("hybrid", "random-search", "reg-evolution", "nsga2-cells",
                                "local-search", "optuna-tpe", "optuna-nsgaii")
    hybrid_pop: int = 10
    hybrid_n_refine: int = 2
    hybrid_refine_steps: int = 5


@dataclass(frozen=True)
class ApplicationsSpec:
    """The application tasks (``nasbound search --benchmark pneumonia|sentiment|sunspots|
    co2``, :mod:`paper.application_search`): search, training from scratch, references;
    sized as the command sizes them (``sizes``), so the two share runs."""

    make: bool = False
    tasks: tuple[str, ...] = ("pneumonia", "sentiment", "sunspots", "co2")
    budget: int = 30
    seeds: int = 2
    methods: tuple[str, ...] = APPLICATION_METHODS
    channels: int = 4
    warmup_steps: int = 100
    preset: str = "quick"
    hybrid_pop: int = 10
    hybrid_n_refine: int = 2
    hybrid_refine_steps: int = 5

    def sizes(self) -> ApplicationSizes:
        return ApplicationSizes(budget=self.budget, seeds=self.seeds, methods=self.methods,
                                channels=self.channels, warmup_steps=self.warmup_steps,
                                preset=self.preset, hybrid_pop=self.hybrid_pop,
                                hybrid_n_refine=self.hybrid_n_refine,
                                hybrid_refine_steps=self.hybrid_refine_steps)


@dataclass(frozen=True)
class Profile:
    """Everything one reproduction needs to know; built only by ``load_profile``."""

    name: str
    description: str = ""
    check_profile: str = "quick"
    bounds: tuple[str, ...] = ()
    sabotages: bool = True  # false: only the as-stated settings (no sabotage, no probe)
    figures: tuple[str, ...] = figs.FIGURES
    dpi: int = 300
    compile_pdf: bool = True
    #: ``[plans."NAME"]`` tables: sizes of run plans (``solvers.plans``) overridden
    plan_sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``[check_sizes."NAME"]`` tables: a check's own sizes (``Check.SIZES``) overridden
    check_sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    nas: NASSpec = field(default_factory=NASSpec)
    supernet: SupernetSpec = field(default_factory=SupernetSpec)
    nas_supernet: NASSupernetSpec = field(default_factory=NASSupernetSpec)
    applications: ApplicationsSpec = field(default_factory=ApplicationsSpec)


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
    "checks.sabotages": _Key("bool", ("", "sabotages")),
    "figures.make": _Key("str-list", ("", "figures"), choices=figs.FIGURES),
    "figures.dpi": _Key("int", ("", "dpi"), "50 <= figures.dpi <= 1200",
                        lambda v: 50 <= v <= 1200),
    "pdf.compile": _Key("bool", ("", "compile_pdf")),
    "nas.make": _Key("bool", ("nas", "make")),
    "nas.dataset": _Key("str", ("nas", "dataset"), choices=NB201_DATASETS),
    "nas.device": _Key("str", ("nas", "device"), choices=NB201_DEVICES),
    "nas.memory": _Key("str", ("nas", "memory"), choices=("params", "activations")),
    "nas.budget": _Key("int", ("nas", "budget"), "2 <= nas.budget <= 15625",
                       lambda v: 2 <= v <= 15_625),
    "nas.seeds": _Key("int", ("nas", "seeds"),
                      "nas.seeds >= 2 (a standard deviation and a test need two runs)",
                      _at_least(2)),
    "nas.methods": _Key(
        "str-list", ("nas", "methods"),
        "nas.methods has no repeats and includes 'hybrid' and 'reg-evolution' (the "
        "comparison's reference and target)",
        lambda v: len(set(v)) == len(v) and {"hybrid", "reg-evolution"} <= set(v),
        choices=NAS_METHODS),
    "nas.datasets": _Key("str-list", ("nas", "datasets"),
                         "nas.datasets has at least one data set and no repeats",
                         lambda v: len(v) >= 1 and len(set(v)) == len(v),
                         choices=NB201_DATASETS),
    "nas.dataset_seeds": _Key("int", ("nas", "dataset_seeds"), "nas.dataset_seeds >= 2",
                              _at_least(2)),
    "nas.cd_metric": _Key("str", ("nas", "cd_metric"),
                          choices=("hypervolume_ratio", "best_test_accuracy")),
    "nas.alpha": _Key("float", ("nas", "alpha"), "0 < nas.alpha < 1", lambda v: 0 < v < 1),
    "nas.ablation": _Key("bool", ("nas", "ablation")),
    "nas.ablation_seeds": _Key("int", ("nas", "ablation_seeds"), "nas.ablation_seeds >= 2",
                               _at_least(2)),
    "supernet.make": _Key("bool", ("supernet", "make")),
    "supernet.cell": _Key("str", ("supernet", "cell"), choices=("darts", "nb201")),
    "supernet.order": _Key("str", ("supernet", "order"), choices=("first", "second")),
    "supernet.budget": _Key("int", ("supernet", "budget"),
                            "supernet.budget >= 2 (search iterations)", _at_least(2)),
    "supernet.channels": _Key("int", ("supernet", "channels"), "supernet.channels >= 1",
                              _at_least(1)),
    "supernet.seeds": _Key("int", ("supernet", "seeds"), "supernet.seeds >= 1",
                           _at_least(1)),
    "supernet.hessian_every": _Key("int", ("supernet", "hessian_every"),
                                   "supernet.hessian_every >= 0 (0: never)", _at_least(0)),
    "supernet.retrain_epochs": _Key("int", ("supernet", "retrain_epochs"),
                                    "supernet.retrain_epochs >= 0", _at_least(0)),
    "supernet.batch": _Key("int", ("supernet", "batch"), "supernet.batch >= 2",
                           _at_least(2)),
    "supernet.a_lr": _Key("float", ("supernet", "a_lr"), "supernet.a_lr > 0",
                          lambda v: v > 0),
    "supernet.warmup": _Key("int", ("supernet", "warmup"),
                            "supernet.warmup >= 0 (weight-only iterations; the solver keeps "
                            "at least one architecture step)", _at_least(0)),
    "nas_supernet.make": _Key("bool", ("nas_supernet", "make")),
    "nas_supernet.cell": _Key("str", ("nas_supernet", "cell"), choices=("darts", "nb201")),
    "nas_supernet.channels": _Key("int", ("nas_supernet", "channels"),
                                  "nas_supernet.channels >= 1", _at_least(1)),
    "nas_supernet.warmup_steps": _Key("int", ("nas_supernet", "warmup_steps"),
                                      "nas_supernet.warmup_steps >= 0", _at_least(0)),
    "nas_supernet.eval_images": _Key("int", ("nas_supernet", "eval_images"),
                                     "10 <= nas_supernet.eval_images <= 2000",
                                     lambda v: 10 <= v <= 2000),
    "nas_supernet.budget": _Key("int", ("nas_supernet", "budget"),
                                "nas_supernet.budget >= 2 (distinct queries)", _at_least(2)),
    "nas_supernet.seeds": _Key("int", ("nas_supernet", "seeds"),
                               "nas_supernet.seeds >= 2 (a band needs two runs)",
                               _at_least(2)),
    "nas_supernet.methods": _Key(
        "str-list", ("nas_supernet", "methods"),
        "nas_supernet.methods has at least one method and no repeats",
        lambda v: len(v) >= 1 and len(set(v)) == len(v), choices=NAS_METHODS),
    "nas_supernet.hybrid_pop": _Key("int", ("nas_supernet", "hybrid_pop"),
                                    "nas_supernet.hybrid_pop >= 2", _at_least(2)),
    "nas_supernet.hybrid_n_refine": _Key("int", ("nas_supernet", "hybrid_n_refine"),
                                         "nas_supernet.hybrid_n_refine >= 0", _at_least(0)),
    "nas_supernet.hybrid_refine_steps": _Key(
        "int", ("nas_supernet", "hybrid_refine_steps"),
        "nas_supernet.hybrid_refine_steps >= 1", _at_least(1)),
    "applications.make": _Key("bool", ("applications", "make")),
    "applications.tasks": _Key("str-list", ("applications", "tasks"),
                               "applications.tasks has at least one task and no repeats",
                               lambda v: len(v) >= 1 and len(set(v)) == len(v),
                               choices=tuple(APPLICATION_TASKS)),
    "applications.budget": _Key("int", ("applications", "budget"),
                                "applications.budget >= 2 (distinct queries)", _at_least(2)),
    "applications.seeds": _Key("int", ("applications", "seeds"),
                               "applications.seeds >= 2 (a paired test needs two)",
                               _at_least(2)),
    "applications.methods": _Key(
        "str-list", ("applications", "methods"),
        "applications.methods has no repeats and includes 'hybrid'",
        lambda v: len(set(v)) == len(v) and "hybrid" in v, choices=NAS_METHODS),
    "applications.channels": _Key("int", ("applications", "channels"),
                                  "applications.channels >= 1", _at_least(1)),
    "applications.warmup_steps": _Key("int", ("applications", "warmup_steps"),
                                      "applications.warmup_steps >= 0", _at_least(0)),
    "applications.preset": _Key("str", ("applications", "preset"),
                                choices=("quick", "full")),
    "applications.hybrid_pop": _Key("int", ("applications", "hybrid_pop"),
                                    "applications.hybrid_pop >= 2", _at_least(2)),
    "applications.hybrid_n_refine": _Key("int", ("applications", "hybrid_n_refine"),
                                         "applications.hybrid_n_refine >= 0", _at_least(0)),
    "applications.hybrid_refine_steps": _Key("int", ("applications", "hybrid_refine_steps"),
                                             "applications.hybrid_refine_steps >= 1",
                                             _at_least(1)),
}
_TABLES = {path.rsplit(".", 1)[0] for path in PROFILE_KEYS if "." in path} | {
    "nas", "supernet", "nas_supernet", "applications"}
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
    sections: dict[str, dict[str, Any]] = {"nas": {}, "supernet": {}, "nas_supernet": {},
                                           "applications": {}}
    data = dict(data)
    plan_sizes = _plan_sizes(data.pop("plans", {}), name)
    check_sizes = _check_sizes(data.pop("check_sizes", {}), name)
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
    nas = NASSpec(**sections["nas"])
    supernet = SupernetSpec(**sections["supernet"])
    nas_supernet = NASSupernetSpec(**sections["nas_supernet"])
    applications = ApplicationsSpec(**sections["applications"])
    if applications.make:
        for task_name in applications.tasks:
            try:
                search_plan(APPLICATION_TASKS[task_name], applications.sizes()).specs()
            except (InvalidParameterError, UnknownNameError) as exc:
                raise InvalidParameterError(
                    "the [applications] settings make valid solver and problem "
                    "configurations", f"[applications] task {task_name!r} of profile "
                    f"{name!r}", str(exc)) from exc
    if nas_supernet.make:
        try:  # the stored latency table must exist for the configuration
            make_problem("mnist-supernet", _nas_supernet_problem(nas_supernet))
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                "nas_supernet.cell and nas_supernet.channels name a configuration with a "
                "stored latency table", f"nas_supernet.cell={nas_supernet.cell!r}, "
                f"nas_supernet.channels={nas_supernet.channels}",
                f"profile {name!r}; {exc}") from exc
        try:
            _nas_supernet_plan(nas_supernet).specs()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                "the [nas_supernet] settings make valid solver configurations",
                f"[nas_supernet] of profile {name!r}", str(exc)) from exc
    if "figures" not in top:  # every figure this profile can make
        top["figures"] = tuple(f for f in figs.FIGURES
                               if (nas.make or f not in figs.NAS_FIGURES)
                               and (nas.ablation or f != "nas-ablation")
                               and (supernet.make or f not in figs.SUPERNET_FIGURES)
                               and (nas_supernet.make or f not in figs.SUPERNET_NAS_FIGURES)
                               and (applications.make or f not in figs.APPLICATION_FIGURES))
    asked = [f for f in top["figures"] if f in figs.APPLICATION_FIGURES]
    if asked and not applications.make:
        raise InvalidParameterError(
            "figures.make names the applications figure only when applications.make = true",
            f"figures.make includes {asked}, applications.make=false", f"profile {name!r}")
    if "nas-ablation" in top["figures"] and not nas.ablation:
        raise InvalidParameterError(
            "figures.make names nas-ablation only when nas.ablation = true",
            "figures.make includes nas-ablation, nas.ablation=false", f"profile {name!r}")
    asked = [f for f in top["figures"] if f in figs.NAS_FIGURES]
    if asked and not nas.make:
        raise InvalidParameterError(
            "figures.make names NAS figures only when nas.make = true",
            f"figures.make includes {asked}, nas.make=false", f"profile {name!r}")
    asked = [f for f in top["figures"] if f in figs.SUPERNET_FIGURES]
    if asked and not supernet.make:
        raise InvalidParameterError(
            "figures.make names the supernet figure only when supernet.make = true",
            f"figures.make includes {asked}, supernet.make=false", f"profile {name!r}")
    asked = [f for f in top["figures"] if f in figs.SUPERNET_NAS_FIGURES]
    if asked and not nas_supernet.make:
        raise InvalidParameterError(
            "figures.make names supernet-hypervolume only when nas_supernet.make = true",
            f"figures.make includes {asked}, nas_supernet.make=false", f"profile {name!r}")
    if "nas-cd" in top["figures"] and len(nas.methods) < 3:
        raise InvalidParameterError(
            "len(nas.methods) >= 3 for the nas-cd figure (the Friedman test)",
            f"nas.methods={list(nas.methods)}", f"profile {name!r}")
    check_profile = top.get("check_profile", "quick")
    for figure in top["figures"]:  # every plan a figure reads must build at these sizes
        for plan_name in FIGURES[figure].plans:
            try:
                built = plan(plan_name, check_profile, 0, plan_sizes)
                built.specs()
            except (InvalidParameterError, UnknownNameError) as exc:
                raise InvalidParameterError(
                    f"the plan {plan_name!r} of figure {figure!r} builds at the profile's "
                    "sizes", f"[plans.{plan_name!r}] = {dict(plan_sizes.get(plan_name, {}))}",
                    f"profile {name!r}; {exc}") from exc
            if figure == "nsga2" and len(built) < 2:  # a constant fit needs two runs
                raise InvalidParameterError(
                    f"the plan {plan_name!r} of figure {figure!r} has at least two runs",
                    f"{len(built)} run(s) at [plans.{plan_name!r}] = "
                    f"{dict(plan_sizes.get(plan_name, {}))}", f"profile {name!r}")
            distinct = {tuple(sorted(e.problem_params.items())) for e in built.entries}
            if figure == "scaling" and len(distinct) < 2:  # a log-log slope needs two n
                raise InvalidParameterError(
                    f"the plan {plan_name!r} of figure {figure!r} has at least two "
                    "distinct problem sizes", f"{len(distinct)} at [plans.{plan_name!r}] = "
                    f"{dict(plan_sizes.get(plan_name, {}))}", f"profile {name!r}")
    return Profile(**top, plan_sizes=plan_sizes, check_sizes=check_sizes, nas=nas,
                   supernet=supernet, nas_supernet=nas_supernet, applications=applications)


def _sized(defaults: Mapping[str, Any], overrides: Any, owner: str, where: str,
           name: str) -> dict[str, Any]:
    """``overrides`` (a profile's table) checked against ``defaults`` by the rule of
    ``solvers.plans.override_sizes``; an error also names the profile."""
    if not isinstance(overrides, dict):
        raise InvalidParameterError(f"[{where}] is a table of sizes", f"{overrides!r}",
                                    f"profile {name!r}")
    try:
        return override_sizes(defaults, overrides, owner, where)
    except InvalidParameterError as exc:
        raise InvalidParameterError(exc.rule, exc.given, f"profile {name!r}") from exc


def _check_sizes(table: Any, name: str) -> dict[str, dict[str, Any]]:
    """``[check_sizes."NAME"]`` tables: every name a registered check with ``SIZES``."""
    if not isinstance(table, dict):
        raise InvalidParameterError("[check_sizes] is a table of check names",
                                    f"check_sizes={table!r}", f"profile {name!r}")
    from proofs_checks.registry import all_checks

    checks = {check.name: check for check in all_checks()}
    sizes: dict[str, dict[str, Any]] = {}
    for check_name, overrides in table.items():
        if check_name not in checks:
            raise UnknownNameError("check", check_name, sorted(checks))
        defaults = checks[check_name].SIZES.get("quick", {})
        sizes[check_name] = _sized(defaults, overrides, f"check {check_name!r}",
                                   f"check_sizes.{check_name}", name)
    return sizes


def _plan_sizes(table: Any, name: str) -> dict[str, dict[str, Any]]:
    """``[plans."NAME"]`` tables: every name a registered plan, every key one of its sizes
    and of the type of its default (lists of integers become tuples)."""
    if not isinstance(table, dict):
        raise InvalidParameterError("[plans] is a table of plan names", f"plans={table!r}",
                                    f"profile {name!r}")
    sizes: dict[str, dict[str, Any]] = {}
    for plan_name, overrides in table.items():
        if plan_name not in PLANS:
            raise UnknownNameError("run plan", plan_name, sorted(PLANS))
        sizes[plan_name] = _sized(PLANS[plan_name].sizes["quick"], overrides,
                                  f"plan {plan_name!r}", f"plans.{plan_name}", name)
    return sizes


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
    nas_runs: int = 0
    nas_runs_reused: int = 0

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
            f"{self.figure_runs_reused} of {self.figure_runs}; NAS-Bench-201 runs reused: "
            f"{self.nas_runs_reused} of {self.nas_runs}",
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
            for setting in check.settings() if profile.sabotages or setting.kind == "none"]
    bar = (tqdm(total=len(jobs), desc="checks", unit="setting") if progress
           and sys.stderr.isatty() else LogProgress(len(jobs), "checks") if progress
           else tqdm(total=len(jobs), disable=True))

    def done(index: int, result: CheckResult) -> None:
        check, setting = jobs[index]
        bar.set_postfix_str(f"{check.name} [{setting}]")
        bar.update()
        if not result.ok:
            logger.warning("check %s [%s] of %s: verdict %s where %s was expected",
                           check.name, setting, check.bound_id, result.verdict.value,
                           "a violation" if result.expected_violation else "no violation")

    try:
        return run_settings(jobs, context, on_result=done)
    finally:
        bar.close()


@dataclass(frozen=True)
class _NASResults:
    """The NAS-Bench-201 runs of one reproduction and what is computed from them."""

    main: list[RunData]
    by_dataset: list[RunData]
    comparison: NASComparison
    methods: Any  # pandas.DataFrame of method_statistics
    datasets: Any  # pandas.DataFrame of dataset_statistics
    cd: figs.NASCDData | None
    runs: int
    reused: int
    claims: list[HybridClaims] = field(default_factory=list)  # one per data set
    ablation: dict[str, NASComparison] = field(default_factory=dict)  # data set -> variants
    ablation_stats: Any = None  # method_statistics of every data set's ablation


def _nas_plan(spec: NASSpec, dataset: str, seeds: int) -> RunPlan:
    """The plan ``nas.nb201`` as ``nasbound search`` builds it (the same builder)."""
    return nb201_plan(dataset, spec.device, spec.memory, spec.budget, seeds, spec.methods)


def _run_nas(profile: Profile, lab: Lab) -> _NASResults:
    """Run (or reuse) the main grid and the by-data-set grid in one batch, then compare."""
    spec = profile.nas
    main_specs = _nas_plan(spec, spec.dataset, spec.seeds).specs()
    dataset_specs = [s for dataset in spec.datasets
                     for s in _nas_plan(spec, dataset, spec.dataset_seeds).specs()]
    ablation_plans = ({dataset: hybrid_ablation_plan(dataset, spec.device, spec.memory,
                                                     spec.budget, spec.ablation_seeds)
                       for dataset in spec.datasets} if spec.ablation else {})
    ablation_specs = [s for plan in ablation_plans.values() for s in plan.specs()]
    specs = main_specs + dataset_specs + ablation_specs
    # the lab's pool forks from a TensorFlow-free fork server once the checks have imported
    # TensorFlow here (a worker forked from this process would deadlock in the hybrid's
    # TensorFlow predictor)
    report = lab.runs(specs, "nb201 runs")
    main = as_run_data(report.runs[:len(main_specs)])
    by_dataset = as_run_data(report.runs[len(main_specs):len(main_specs) + len(dataset_specs)])
    ablation_runs = report.runs[len(main_specs) + len(dataset_specs):]
    target, source = benchmark_target(spec.dataset)
    comparison = compare_methods(main, target_accuracy=target, target_source=source,
                                 alpha=spec.alpha)
    unique = {r.spec.key: r for r in report.runs}
    cd = None
    if "nas-cd" in profile.figures:
        methods_only = {r.spec.key: r
                        for r in report.runs[:len(main_specs) + len(dataset_specs)]}
        cd = figs.nas_cd_data(as_run_data(list(methods_only.values())), spec.cd_metric,
                              spec.alpha)
    order = {method: i for i, method in enumerate(spec.methods)}  # the profile's order
    methods = method_statistics(main, comparison)
    methods = methods.sort_values("method", key=lambda c: c.map(order), kind="stable")
    datasets = dataset_statistics(by_dataset)
    datasets = datasets.sort_values(["dataset", "method"], kind="stable",
                                    key=lambda c: c.map(order) if c.name == "method" else
                                    c.map({d: i for i, d in enumerate(spec.datasets)}))
    claims = []
    if "nsga2-cells" in spec.methods:
        for dataset in spec.datasets:
            claims.append(hybrid_claims([r for r in by_dataset
                                         if r.problem_config.get("dataset") == dataset],
                                        alpha=spec.alpha))
    ablation: dict[str, NASComparison] = {}
    ablation_rows = []
    for k, dataset in enumerate(ablation_plans):
        chunk = ablation_runs[k * len(HYBRID_VARIANTS) * spec.ablation_seeds:
                              (k + 1) * len(HYBRID_VARIANTS) * spec.ablation_seeds]
        labelled = [replace(r, method=variant) for r, variant in zip(
            as_run_data(chunk), [v for v in HYBRID_VARIANTS for _ in
                                 range(spec.ablation_seeds)], strict=True)]
        target, source = benchmark_target(dataset)
        ablation[dataset] = compare_methods(labelled, target_accuracy=target,
                                            target_source=source, hybrid="full",
                                            alpha=spec.alpha)
        stats = method_statistics(labelled, ablation[dataset])
        stats.insert(0, "dataset", dataset)
        ablation_rows.append(stats)
    ablation_stats = pd.concat(ablation_rows, ignore_index=True) if ablation_rows else None
    return _NASResults(main, by_dataset, comparison, methods.reset_index(drop=True),
                       datasets.reset_index(drop=True), cd, len(unique), report.reused,
                       claims, ablation, ablation_stats)


def _supernet_plan(spec: SupernetSpec) -> RunPlan:
    """The plan ``nas.supernet-darts`` as ``nasbound search --benchmark mnist-supernet``
    builds it (the same builder; no retraining reference, no plain-CNN baseline)."""
    return darts_search_plan(spec.budget, spec.seeds, 0, cell=spec.cell, order=spec.order,
                             channels=spec.channels, retrain_epochs=spec.retrain_epochs,
                             hessian_every=spec.hessian_every, reference_every=0,
                             baseline=False, batch=spec.batch, a_lr=spec.a_lr,
                             warmup=spec.warmup)


def _run_supernet(profile: Profile, lab: Lab) -> list[Any]:
    """The supernet searches, one after the other in this process (each uses both cores
    through TensorFlow's own thread pools)."""
    return list(lab.with_options(workers=1).runs(_supernet_plan(profile.supernet),
                                                 "supernet searches").runs)


def _op_names(problem_config: Mapping[str, Any]) -> tuple[str, ...]:
    """The candidate operations of a supernet problem's cell (the colour bar's names)."""
    from solvers.search_space import DARTS_OPS, NB201_OPS

    if problem_config.get("ops"):
        return tuple(o.strip() for o in str(problem_config["ops"]).split(","))
    return DARTS_OPS if problem_config.get("cell") == "darts" else NB201_OPS


def _nas_supernet_problem(spec: NASSupernetSpec) -> dict[str, Any]:
    """The supernet problem of the comparison: stored latency (reproducible runs) and
    frozen weights under the hybrid's gradient calls, so every method's cells are scored
    by the same warmed-up supernet."""
    return {"cell": spec.cell, "channels": spec.channels, "warmup_steps": spec.warmup_steps,
            "eval_images": spec.eval_images, "latency": "stored",
            "gradient_weight_step": False}


def _nas_supernet_plan(spec: NASSupernetSpec) -> RunPlan:
    """Every method x seed on the supernet; the hybrid with its own population and
    refinement sizes (its refinement steps are real DARTS steps on the supernet)."""
    hybrid = {"pop": spec.hybrid_pop, "n_refine": spec.hybrid_n_refine,
              "problem_refine_steps": spec.hybrid_refine_steps}
    problem = _nas_supernet_problem(spec)
    return RunPlan("nas.supernet-methods", tuple(
        PlanEntry(method, {"max_queries": spec.budget, **(hybrid if method == "hybrid" else {})},
                  "mnist-supernet", problem) for method in spec.methods), spec.seeds, 0,
        "the NAS methods on the MNIST supernet (one-shot error, stored latency, memory)")


@dataclass(frozen=True)
class _NASSupernetResults:
    runs: list[RunData]
    data: figs.SupernetAnytimeData
    seconds: dict[str, float]  # mean stored run time per method


def _run_nas_supernet(profile: Profile, lab: Lab) -> _NASSupernetResults:
    """Run (or reuse) every method x seed on the supernet, through the same executor as
    the NAS-Bench-201 runs (one pool: each worker warms the supernet up once)."""
    spec = profile.nas_supernet
    report = lab.runs(_nas_supernet_plan(spec), "supernet NAS runs")
    runs = as_run_data(report.runs)
    box = float(math.prod(make_problem("mnist-supernet", runs[0].problem_config)
                          .reference_point()))  # type: ignore[attr-defined]
    label = f"{spec.cell} cell, {spec.channels} channels"
    seconds: dict[str, float] = {}
    for run in report.runs:
        seconds.setdefault(run.spec.solver, 0.0)
        seconds[run.spec.solver] += float(run.manifest.get("wall_seconds", math.nan)) \
            / spec.seeds
    return _NASSupernetResults(runs, figs.supernet_anytime_data(runs, box, label), seconds)


def _nas_supernet_json(results: _NASSupernetResults) -> str:
    data = results.data
    return json.dumps({
        "label": data.label, "box_volume": data.box_volume, "level": data.level,
        "methods": [{"method": hv.method, "runs": int(hv.n_runs[-1]),
                     "final_hypervolume_share": float(hv.center[-1]),
                     "final_hypervolume_share_band": [float(hv.low[-1]), float(hv.high[-1])],
                     "final_best_one_shot_error": float(err.center[-1]),
                     "mean_run_seconds": results.seconds.get(hv.method, math.nan)}
                    for hv, err in zip(data.hypervolume, data.error, strict=True)],
    }, indent=2, default=float) + "\n"


def _nas_supernet_macros(spec: NASSupernetSpec, data: figs.SupernetAnytimeData
                         ) -> dict[str, str]:
    """Numbers the supernet-hypervolume paragraph of main.tex quotes (final query)."""
    best_hv = max(data.hypervolume, key=lambda c: c.center[-1])
    worst_hv = min(data.hypervolume, key=lambda c: c.center[-1])
    best_err = min(data.error, key=lambda c: c.center[-1])
    macros = {
        "nbSnasCell": latex_text(spec.cell), "nbSnasChannels": str(spec.channels),
        "nbSnasSeeds": str(spec.seeds), "nbSnasBudget": str(spec.budget),
        "nbSnasMethods": str(len(data.hypervolume)),
        "nbSnasBestHvMethod": latex_text(best_hv.method),
        "nbSnasBestHv": f"{best_hv.center[-1]:.3f}",
        "nbSnasWorstHvMethod": latex_text(worst_hv.method),
        "nbSnasWorstHv": f"{worst_hv.center[-1]:.3f}",
        "nbSnasBestErrMethod": latex_text(best_err.method),
        "nbSnasBestErr": f"{best_err.center[-1]:.3f}",
        "nbSnasHybridHv": "--", "nbSnasHybridErr": "--",
    }
    for hv, err in zip(data.hypervolume, data.error, strict=True):
        if hv.method == "hybrid":
            macros["nbSnasHybridHv"] = f"{hv.center[-1]:.3f}"
            macros["nbSnasHybridErr"] = f"{err.center[-1]:.3f}"
    return macros


def _nas_json(nas: _NASResults) -> str:
    cd = None if nas.cd is None else {
        "metric": nas.cd.metric, "blocks": nas.cd.blocks, "datasets": list(nas.cd.datasets),
        "friedman": asdict(nas.cd.friedman), "critical_difference": asdict(nas.cd.cd)}
    return json.dumps({
        "comparison": nas.comparison.to_dict(),
        "methods": nas.methods.to_dict(orient="records"),
        "datasets": nas.datasets.to_dict(orient="records"),
        "friedman_nemenyi": cd, "runs": nas.runs, "reused": nas.reused,
        "claims": [c.to_dict() for c in nas.claims],
        "ablation": {d: c.to_dict() for d, c in nas.ablation.items()},
    }, indent=2, default=float) + "\n"


def _mutants_tex(out: Path) -> str:
    """\\nbMutants: the planted-bug kill rate from ``out/mutants.json``, which
    ``make test-mutants`` writes (35 one-line solver bugs against the as-stated checks, about
    20 minutes: not part of reproduce); where that file is absent the paper says so."""
    report = out / "mutants.json"
    text = "not measured in this build (run \\texttt{make test-mutants})"
    if report.is_file():
        data = json.loads(report.read_text())
        killed, total = int(data["killed"]), int(data["mutants"])
        text = f"{killed} of {total} ({100 * killed / max(total, 1):.0f}\\%)"
    return rf"\newcommand{{\nbMutants}}{{{text}}}" + "\n"


def _verdict_counts(results: Sequence[CheckResult]) -> dict[str, str]:
    """How many as-stated settings got each graded verdict, and how many sabotages were
    confounded (macros \nbStatedPass, \nbStatedVacuous, ..., \nbSabotagesConfounded)."""
    from proofs_checks.check import Verdict

    stated = [r for r in results if r.setting_kind == "none"]
    names = {Verdict.PASS: "Pass", Verdict.FAIL: "Fail", Verdict.VACUOUS: "Vacuous",
             Verdict.LOW_POWER: "LowPower", Verdict.CONFOUNDED: "Confounded",
             Verdict.INCONCLUSIVE: "Inconclusive"}
    counts = {f"nbStated{name}": str(sum(r.verdict is v for r in stated))
              for v, name in names.items()}
    counts["nbStated"] = str(len(stated))
    counts["nbSabotagesConfounded"] = str(sum(
        r.verdict is Verdict.CONFOUNDED for r in results if r.setting_kind != "none"))
    counts["nbSabotages"] = str(sum(r.setting_kind != "none" for r in results))
    return counts


#: macro name part of each data set in the claims macros
_CLAIM_KEYS = {"cifar10": "Ten", "cifar100": "Hundred", "imagenet16-120": "Imagenet"}


def _claims_macros(nas: _NASResults, spec: NASSpec) -> dict[str, str]:
    """\\nbClaim<Set><What> for each data set's claims, \\nbAblation* for the ablation."""
    macros = {"nbClaimSeeds": str(spec.dataset_seeds), "nbAblationSeeds":
              str(spec.ablation_seeds), "nbAblationVariants": str(len(HYBRID_VARIANTS))}
    for c in nas.claims:
        key = _CLAIM_KEYS.get(c.dataset)
        if key is None:
            continue
        t = c.time

        def fmt(v: float) -> str:
            return r"$\infty$" if math.isinf(v) else f"{v:.2f}"

        macros.update({
            f"nbClaim{key}Acc": f"{c.hybrid_accuracy:.2f}",
            f"nbClaim{key}BestName": latex_text(c.best_baseline),
            f"nbClaim{key}BestAcc": f"{c.best_baseline_accuracy:.2f}",
            f"nbClaim{key}PBelow": f"{c.accuracy_below_p:.2g}",
            f"nbClaim{key}Hv": f"{c.hybrid_hypervolume:.4f}",
            f"nbClaim{key}HvHighest": "highest" if c.hypervolume_highest else "not highest",
            f"nbClaim{key}PHv": f"{c.hypervolume_above_nsga2_p:.2g}",
            f"nbClaim{key}TimeRatio": (
                "0 (regularised evolution's median time is never)"
                if math.isinf(t.reference_median_seconds) and math.isfinite(t.ratio)
                else fmt(t.ratio)),
            f"nbClaim{key}TimeLow": fmt(t.ratio_low),
            f"nbClaim{key}TimeHigh": fmt(t.ratio_high),
            f"nbClaim{key}TimeHalf": ("at most half" if t.ratio_high <= 0.5 else
                                      "not shown to be at most half"),
        })
    rejects = 0
    for comparison in nas.ablation.values():
        rejects += sum(t.reject for t in comparison.tests
                       if t.metric in ("best_test_accuracy", "hypervolume_ratio"))
    macros["nbAblationRejects"] = str(rejects)
    macros["nbAblationTests"] = str(sum(
        sum(t.metric in ("best_test_accuracy", "hypervolume_ratio") for t in c.tests)
        for c in nas.ablation.values()))
    return macros


def _numbers_tex(profile: Profile, results: Sequence[CheckResult],
                 runtime: figs.RuntimeData | None, nas: _NASResults | None = None,
                 scaling: Sequence[figs.ScalingPanel] = (),
                 nas_supernet: _NASSupernetResults | None = None,
                 supernet_trace: Any = None, applications: Sequence[Any] = ()) -> str:
    failing = sum(not r.ok for r in results)
    macros = {
        "nbProfile": latex_text(profile.name),
        "nbCheckProfile": latex_text(profile.check_profile),
        "nbBounds": str(len(all_bounds())),
        "nbChecksRun": str(len(results)),
        "nbChecksFailing": str(failing),
        **_verdict_counts(results),
        "nbFittedConstant": "--" if runtime is None else f"{runtime.constant:.3f}",
        "nbFittedConstantLow": "--" if runtime is None else f"{runtime.constant_ci[0]:.3f}",
        "nbFittedConstantHigh": "--" if runtime is None else f"{runtime.constant_ci[1]:.3f}",
        "nbRuntimeNs": "--" if runtime is None else
        ", ".join(str(int(n)) for n in runtime.ns),
    }
    for key, panel in zip(("NsgaOneMinMax", "GsemoOneMinMax", "GsemoLotz"), scaling,
                          strict=False):
        macros[f"nbSlope{key}"] = f"{panel.comparison.fit.slope:.2f}"
        macros[f"nbExcess{key}"] = f"{panel.comparison.excess_slope:+.2f}"
    if nas is not None:
        spec = profile.nas
        best = max(nas.comparison.methods, key=lambda m: m.accuracy_mean)
        hybrid = next(m for m in nas.comparison.methods if m.method == "hybrid")
        best_hv = max(nas.comparison.methods, key=lambda m: m.hypervolume_mean)
        macros.update({
            "nbNasDataset": latex_text(DATASET_NAMES.get(spec.dataset, spec.dataset)),
            "nbNasDevice": latex_text(spec.device),
            "nbNasSeeds": str(spec.seeds), "nbNasBudget": str(spec.budget),
            "nbNasMethods": str(len(spec.methods)),
            "nbNasDatasetSeeds": str(spec.dataset_seeds),
            "nbNasAlpha": f"{spec.alpha:g}",
            "nbNasTarget": f"{nas.comparison.target_accuracy:.2f}",
            "nbNasBestAccMethod": latex_text(best.method),
            "nbNasBestAcc": f"{best.accuracy_mean:.2f}",
            "nbNasHybridAcc": f"{hybrid.accuracy_mean:.2f}",
            "nbNasBestHvMethod": latex_text(best_hv.method),
            "nbNasBestHv": f"{best_hv.hypervolume_mean:.4f}",
            "nbNasHybridHv": f"{hybrid.hypervolume_mean:.4f}",
            "nbNasTargetQuantile": f"{TARGET_QUANTILE:.0%}".replace("%", r"\%"),
            "nbNasTests": str(len(nas.comparison.tests)),
            "nbNasHybridBetter": str(sum(t.reject and t.a12 > 0.5
                                         for t in nas.comparison.tests)),
            "nbNasHybridWorse": str(sum(t.reject and t.a12 < 0.5
                                        for t in nas.comparison.tests)),
            "nbNasCannotReject": str(sum(not t.can_reject for t in nas.comparison.tests)),
        })
        macros.update(_claims_macros(nas, spec))
        if nas.cd is not None:
            macros.update({
                "nbNasCdMetric": latex_text(nas.cd.metric.replace("_", " ")),
                "nbNasCdBlocks": str(nas.cd.blocks),
                "nbNasFriedmanP": f"{nas.cd.friedman.p_exact:.2g}",
                "nbNasFriedmanVerdict": ("rejects equal ranks"
                                         if nas.cd.cd.omnibus_rejects else
                                         "does not reject equal ranks, so no pair is "
                                         "tested"),
                "nbNasCd": f"{nas.cd.cd.cd:.2f}",
            })
    if nas_supernet is not None:
        macros.update(_nas_supernet_macros(profile.nas_supernet, nas_supernet.data))
    if supernet_trace is not None:
        sn = profile.supernet
        last = supernet_trace.iloc[-1]
        macros.update({
            "nbSupernetCell": latex_text(sn.cell), "nbSupernetChannels": str(sn.channels),
            "nbSupernetBatch": str(sn.batch), "nbSupernetALr": f"{sn.a_lr:g}",
            "nbSupernetSteps": str(sn.budget), "nbSupernetWarmup": str(sn.warmup),
            "nbSupernetEntropy": f"{float(last['alpha_entropy']):.2f}",
            "nbSupernetParamFree": str(int(last["param_free_selected"])),
        })
    macros.update(_applications_macros(applications))
    lines = ["% Generated by paper.reproduce; do not edit."]
    lines += [rf"\newcommand{{\{name}}}{{{value}}}" for name, value in macros.items()]
    return "\n".join(lines) + "\n"


# -- figures: name -> plans -> data function -> drawing function ----------------------------

@dataclass
class _FigureInputs:
    """What the figures draw from: the check context (its lab and plan sizes), the check
    results, the NAS / supernet results, and the records the paper's numbers quote."""

    context: CheckContext
    check_results: list[CheckResult]
    nas: _NASResults | None = None
    nas_supernet: _NASSupernetResults | None = None
    supernet_runs: list[Any] = field(default_factory=list)
    applications: list[Any] = field(default_factory=list)  # ApplicationOutcome per task
    runtime: figs.RuntimeData | None = None
    scaling: list[figs.ScalingPanel] = field(default_factory=list)
    requested: set[str] = field(default_factory=set)  # run keys the figures read
    cache: dict[str, Any] = field(default_factory=dict)

    def track(self, runs: Sequence[Any]) -> None:
        self.requested.update(r.spec.key for r in runs)

    def nsga2_runs(self) -> tuple[list[Any], dict[str, list[Any]], int]:
        """The nsga2 figure's runs, fetched once for both figures that show them."""
        if "nsga2" not in self.cache:
            runtime, coverage, horizon = figs.nsga2_runs(self.context)
            self.track(runtime)
            for runs in coverage.values():
                self.track(runs)
            self.cache["nsga2"] = (runtime, coverage, horizon)
        return self.cache["nsga2"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class FigureRecipe:
    """One figure: the run plans it reads (by name, ``solvers.plans``), what else it needs,
    and ``make(inputs) -> Figure`` (its data functions, then its drawing function)."""

    plans: tuple[str, ...]
    reads: str
    make: Callable[[_FigureInputs], Figure]


def _gradient(inputs: _FigureInputs) -> Figure:
    runs = figs.gd_runs(inputs.context)
    inputs.track(list(runs.values()))
    return figs.gradient_figure(
        [figs.grad_norm_trace(runs["quadratic"]), figs.grad_norm_trace(runs["cauchy"])],
        figs.convex_gap_trace(runs["quadratic"]))


def _nsga2(inputs: _FigureInputs) -> Figure:
    runtime_runs, coverage_runs, horizon = inputs.nsga2_runs()
    inputs.runtime = figs.runtime_data(runtime_runs)
    return figs.nsga2_figure(inputs.runtime, figs.coverage_data(coverage_runs, horizon))


def _scaling(inputs: _FigureInputs) -> Figure:
    runtime_runs, _, _ = inputs.nsga2_runs()
    oneminmax = figs.gsemo_runs(inputs.context, "oneminmax")
    lotz = figs.gsemo_runs(inputs.context, "lotz")
    inputs.track(oneminmax + lotz)
    inputs.scaling = [
        figs.scaling_data(runtime_runs, "(a) NSGA-II, OneMinMax, N = 4(n+1)", 1.0, 1.0,
                          r"$n\ln n$"),
        figs.scaling_data(oneminmax, "(b) GSEMO, OneMinMax", 2.0, 1.0, r"$n^2\ln n$"),
        figs.scaling_data(lotz, "(c) GSEMO, LOTZ", 3.0, 0.0, r"$n^3$"),
    ]
    return figs.scaling_figure(inputs.scaling)


def _nas(inputs: _FigureInputs) -> _NASResults:
    if inputs.nas is None:  # pragma: no cover - validate_profile requires nas.make
        raise InvalidParameterError("nas.make = true for the NAS figures", "nas.make=false")
    return inputs.nas


def _nas_fronts(inputs: _FigureInputs) -> Figure:
    main = _nas(inputs).main
    problem = make_problem("nb201", main[0].problem_config)
    return figs.nas_fronts_figure(figs.nas_fronts_data(
        main, problem.pareto_front()))  # type: ignore[attr-defined]


def _nas_cd(inputs: _FigureInputs) -> Figure:
    cd = _nas(inputs).cd
    if cd is None:  # pragma: no cover - computed when nas-cd is asked for
        raise InvalidParameterError("the CD data of nas-cd", "none")
    return figs.nas_cd_figure(cd)


def _supernet_hypervolume(inputs: _FigureInputs) -> Figure:
    if inputs.nas_supernet is None:  # pragma: no cover - validate_profile requires make
        raise InvalidParameterError("nas_supernet.make = true for supernet-hypervolume",
                                    "nas_supernet.make=false")
    return figs.supernet_anytime_figure(inputs.nas_supernet.data)


def _supernet(inputs: _FigureInputs) -> Figure:
    if not inputs.supernet_runs:  # pragma: no cover - validate_profile requires make
        raise InvalidParameterError("supernet.make = true for the supernet figure",
                                    "supernet.make=false")
    first = inputs.supernet_runs[0]
    config, problem = first.spec.solver_config, first.spec.problem_config
    label = (f"{problem['cell']} cell, C={problem['channels']}, batch {config['batch']}, "
             f"a_lr {config['a_lr']:g}, {config['order']} order, seed {first.spec.seed}")
    return figs.supernet_figure(figs.supernet_trace_data(first.trace, label),
                                _op_names(problem))


def _nas_ablation(inputs: _FigureInputs) -> Figure:
    nas = _nas(inputs)
    if not nas.ablation:
        raise InvalidParameterError("figure nas-ablation needs the ablation runs",
                                    "nas.ablation=false")
    return figs.nas_ablation_figure(figs.nas_ablation_data(nas.ablation))


def _applications(inputs: _FigureInputs) -> Figure:
    if not inputs.applications:  # pragma: no cover - validate_profile requires make
        raise InvalidParameterError("applications.make = true for the applications figure",
                                    "applications.make=false")
    return figs.applications_figure([o.anytime for o in inputs.applications])


def _applications_json(outcomes: Sequence[Any]) -> str:
    return json.dumps([o.to_dict() for o in outcomes], indent=2, default=float) + "\n"


_DIGIT_WORDS = {"0": "Zero", "1": "One", "2": "Two", "3": "Three", "4": "Four", "5": "Five",
                "6": "Six", "7": "Seven", "8": "Eight", "9": "Nine"}


def _applications_macros(outcomes: Sequence[Any]) -> dict[str, str]:
    """Numbers the applications section of main.tex quotes: per task the targets met of
    the targets stated, and the hybrid's final hypervolume share."""
    macros: dict[str, str] = {}
    for outcome in outcomes:
        key = "".join(part.capitalize() for part in outcome.task.name.split("-"))
        key = "".join(_DIGIT_WORDS.get(ch, ch) for ch in key)  # TeX names have no digits
        goals = outcome.result.targets
        macros[f"nbApp{key}Met"] = f"{sum(g.met for g in goals)} of {len(goals)}"
        hybrid = next(m for m in outcome.methods if m.method == "hybrid")
        macros[f"nbApp{key}HybridHv"] = f"{hybrid.final_hypervolume_share:.3f}"
    return macros


#: every figure of the paper: the plans it reads, then how it is made
FIGURES: dict[str, FigureRecipe] = {
    "gradient": FigureRecipe((figs.GRADIENT_PLAN,), "", _gradient),
    "nsga2": FigureRecipe((ONEMINMAX_COVER, ONEMINMAX_SMALL_POPULATION), "", _nsga2),
    "scaling": FigureRecipe((ONEMINMAX_COVER, SEMO_ORDER_PLANS[("gsemo", "oneminmax")],
                             SEMO_ORDER_PLANS[("gsemo", "lotz")]), "", _scaling),
    "tightness": FigureRecipe((), "the check results (every as-stated tightness)",
                              lambda inputs: figs.tightness_figure(
                                  figs.tightness_data(inputs.check_results))),
    "nas-hypervolume": FigureRecipe((), "plan nas.nb201 ([nas], paper.search_command."
                                    "nb201_plan)", lambda inputs: figs.nas_anytime_figure(
                                        figs.nas_anytime_data(_nas(inputs).main))),
    "nas-fronts": FigureRecipe((), "plan nas.nb201 ([nas])", _nas_fronts),
    "nas-cd": FigureRecipe((), "plan nas.nb201 over [nas] datasets x dataset_seeds",
                           _nas_cd),
    "nas-ablation": FigureRecipe((), "plan nas.hybrid-ablation over [nas] datasets x "
                                 "ablation_seeds (paper.search_command.hybrid_ablation_plan)",
                                 _nas_ablation),
    "applications": FigureRecipe((), "plans applications.<task>.search ([applications], "
                                 "paper.application_search)", _applications),
    "supernet-hypervolume": FigureRecipe((), "plan nas.supernet-methods ([nas_supernet])",
                                         _supernet_hypervolume),
    "supernet": FigureRecipe((), "plan nas.supernet-darts ([supernet], paper."
                             "supernet_command.darts_search_plan)", _supernet),
}
assert set(FIGURES) == set(figs.FIGURES), "every figure has a recipe"


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
    lab = Lab(store, workers=workers, progress=progress, scheduler=scheduler)
    context = CheckContext(profile=profile.check_profile, lab=lab,
                           plan_sizes=profile.plan_sizes, check_sizes=profile.check_sizes)

    # 1. checks
    stage = time.perf_counter()
    check_results = _run_checks(profile, context, progress)
    stages.append(("checks", time.perf_counter() - stage))
    nas: _NASResults | None = None
    if profile.nas.make:
        stage = time.perf_counter()
        nas = _run_nas(profile, lab)
        stages.append(("nas runs", time.perf_counter() - stage))
    nas_supernet: _NASSupernetResults | None = None
    if profile.nas_supernet.make:
        stage = time.perf_counter()
        nas_supernet = _run_nas_supernet(profile, lab)
        stages.append(("supernet NAS runs", time.perf_counter() - stage))
    supernet_runs: list[Any] = []
    if profile.supernet.make:
        stage = time.perf_counter()
        supernet_runs = _run_supernet(profile, lab)
        stages.append(("supernet runs", time.perf_counter() - stage))
    applications: list[Any] = []
    if profile.applications.make:
        from paper.application_search import application_experiment

        stage = time.perf_counter()
        applications = [application_experiment(lab, name, profile.applications.sizes())
                        for name in profile.applications.tasks]
        stages.append(("application tasks", time.perf_counter() - stage))
    failing = tuple(f"{r.bound_id} [{r.setting}]" for r in check_results if not r.ok)
    _write(out / "checks.json", json.dumps({
        "profile": profile.name, "check_profile": profile.check_profile,
        "checks_run": len(check_results), "checks_failing": len(failing),
        "failing": list(failing), "results": [r.to_dict() for r in check_results],
    }, indent=2) + "\n", outputs)

    # 2. figures (their runs come from the store; the checks' runs are reused)
    stage = time.perf_counter()
    before_figures = _stored_runs(store)
    inputs = _FigureInputs(context, check_results, nas, nas_supernet, supernet_runs,
                           applications)
    figure_dir = out / "figures"
    for name in profile.figures:
        outputs += save_figure(FIGURES[name].make(inputs), figure_dir, name, profile.dpi)
    figure_runs = len(inputs.requested)
    runtime, scaling = inputs.runtime, inputs.scaling
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
    if nas is not None:
        _write(out / "tables" / "nas_methods.tex", method_comparison_table(nas.methods),
               outputs)
        _write(out / "tables" / "nas_datasets.tex", datasets_table(nas.datasets), outputs)
        if nas.claims:
            _write(out / "tables" / "nas_claims.tex", claims_table(nas.claims), outputs)
        if nas.ablation_stats is not None:
            _write(out / "tables" / "nas_ablation.tex", ablation_table(nas.ablation_stats),
                   outputs)
        _write(out / "nas.json", _nas_json(nas), outputs)
    if nas_supernet is not None:
        _write(out / "nas_supernet.json", _nas_supernet_json(nas_supernet), outputs)
    if applications:
        _write(out / "applications.json", _applications_json(applications), outputs)
        _write(out / "tables" / "applications_search.tex",
               application_search_table(applications), outputs)
        _write(out / "tables" / "applications_models.tex",
               application_models_table(applications), outputs)
        _write(out / "tables" / "applications_forecast.tex",
               application_forecast_table(applications), outputs)
    _write(out / "numbers.tex", _numbers_tex(
        profile, check_results, runtime, nas, scaling, nas_supernet,
        supernet_runs[0].trace if supernet_runs else None, applications)
        + _mutants_tex(out), outputs)
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
        seconds=time.perf_counter() - start, stage_seconds=tuple(stages), pdf=pdf,
        nas_runs=0 if nas is None else nas.runs, nas_runs_reused=0 if nas is None else nas.reused)
    logger.info("reproduce %s: %d checks (%d failing), %d runs executed, %d of %d figure runs "
                "reused, %d of %d NAS runs reused, %.1f s", profile.name, summary.checks_run,
                summary.checks_failing, summary.runs_executed, summary.figure_runs_reused,
                summary.figure_runs, summary.nas_runs_reused, summary.nas_runs, summary.seconds)
    return summary
