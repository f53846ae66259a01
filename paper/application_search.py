"""``nasbound search --benchmark pneumonia|sentiment|sunspots|co2``: the seed paper's application
tasks, searched by the hybrid and the baselines, the found cell trained from scratch beside the
field's references, in one command.

Per task (:data:`TASKS`):

1. **search** -- every method x seed on the task's weight-sharing supernet problem with a
   budget of distinct one-shot queries (objectives: one-shot validation error or RMSE, the
   cell's latency from the per-operation table measured on this CPU and stored as package
   data, parameters or memory), through the run store (plan ``applications.<task>.search``);
2. **training from scratch** -- for each hybrid seed s, its best cell by the search objective
   (``best_cell`` of the run) trained from scratch with seed s, and every reference model
   trained with the same seeds and the same recipe (solver ``train-from-scratch``, preset
   ``quick`` or ``full``); a deterministic reference (ARIMA, ETS) runs once;
3. **verdicts** -- :func:`analysis.applications.application_result`: the metrics each field
   expects and the targets of issue 18, met or not; the search methods' final hypervolume
   share (hypervolume of the queried cells over the volume of the problem's reference box)
   and best one-shot error, the hybrid against each baseline by the exact one-sided
   Mann-Whitney test on the final hypervolume (Holm over the baselines).

:func:`application_experiment` is the experiment as a function; the command and
``reproduce`` (its ``[applications]`` section) call it, so they share runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solvers.plans import PlanEntry, RunPlan
from theory.errors import InvalidParameterError, UnknownNameError

__all__ = ["APPLICATION_METHODS", "TASKS", "ApplicationOutcome", "ApplicationSizes",
           "ApplicationTask", "MethodRow", "application_experiment", "format_outcome",
           "search_plan", "training_specs"]

#: the search methods of the application tasks (DARTS alone has no queried front)
APPLICATION_METHODS = ("hybrid", "random-search", "reg-evolution", "nsga2-cells", "optuna-tpe")


@dataclass(frozen=True)
class ApplicationTask:
    name: str
    title: str
    problem: str
    problem_config: Mapping[str, Any]
    kind: str  # analysis.applications.KINDS
    references: tuple[str, ...]
    targets: Mapping[str, float] = field(default_factory=dict)
    #: references whose training draws nothing at random (one run serves every seed)
    deterministic: tuple[str, ...] = ()
    #: the problem field that sets the one-shot evaluation size, if any
    eval_field: str | None = None


TASKS: dict[str, ApplicationTask] = {
    "pneumonia": ApplicationTask(
        "pneumonia", "PneumoniaMNIST (chest X-rays, MedMNIST v2)", "mnist-supernet",
        {"dataset": "pneumonia", "cell": "nb201", "latency": "stored",
         "gradient_weight_step": False},
        "classification", ("resnet18",), {"accuracy": 0.88, "auc": 0.96},
        eval_field="eval_images"),
    "sentiment": ApplicationTask(
        "sentiment", "UCI Sentiment Labelled Sentences", "sentiment-supernet",
        {"latency": "stored", "gradient_weight_step": False}, "sentiment",
        ("bow-logreg", "text-cnn"), eval_field="eval_size"),
    "sunspots": ApplicationTask(
        "sunspots", "Sunspots (yearly)", "series-supernet",
        {"series": "sunspots", "latency": "stored", "gradient_weight_step": False},
        "forecast", ("arima", "ets"), deterministic=("arima", "ets")),
    "co2": ApplicationTask(
        "co2", "Mauna Loa CO2 (weekly)", "series-supernet",
        {"series": "co2", "latency": "stored", "gradient_weight_step": False},
        "forecast", ("arima", "ets"), deterministic=("arima", "ets")),
}


@dataclass(frozen=True)
class ApplicationSizes:
    """How big one task's experiment is (the command's options, a profile's section)."""

    budget: int = 30
    seeds: int = 2
    first_seed: int = 0
    methods: tuple[str, ...] = APPLICATION_METHODS
    channels: int = 4
    warmup_steps: int = 100
    eval_size: int = 0  # 0: the problem's default
    preset: str = "quick"
    hybrid_pop: int = 10
    hybrid_n_refine: int = 2
    hybrid_refine_steps: int = 5

    def __post_init__(self) -> None:
        if self.budget < 2 or self.seeds < 1 or self.channels < 1 or self.warmup_steps < 0:
            raise InvalidParameterError(
                "budget >= 2, seeds >= 1, channels >= 1, warmup_steps >= 0",
                f"budget={self.budget}, seeds={self.seeds}, channels={self.channels}, "
                f"warmup_steps={self.warmup_steps}")
        if "hybrid" not in self.methods or len(set(self.methods)) != len(self.methods):
            raise InvalidParameterError("methods include 'hybrid', each method once",
                                        f"methods={list(self.methods)}")
        if self.preset not in ("quick", "full"):
            raise InvalidParameterError("preset in {quick, full}", f"preset={self.preset!r}")


def task(name: str) -> ApplicationTask:
    if name not in TASKS:
        raise UnknownNameError("application task", name, list(TASKS))
    return TASKS[name]


def problem_config(app: ApplicationTask, sizes: ApplicationSizes) -> dict[str, Any]:
    config = {**app.problem_config, "channels": sizes.channels,
              "warmup_steps": sizes.warmup_steps}
    if sizes.eval_size and app.eval_field:
        config[app.eval_field] = sizes.eval_size
    return config


def search_plan(app: ApplicationTask, sizes: ApplicationSizes) -> RunPlan:
    """Every method x seed on the task's supernet problem (plan ``applications.<task>.search``);
    the hybrid with population and refinement sized to the budget (its refinement runs real
    DARTS steps on the supernet)."""
    hybrid = {"pop": sizes.hybrid_pop, "n_refine": sizes.hybrid_n_refine,
              "problem_refine_steps": sizes.hybrid_refine_steps}
    problem = problem_config(app, sizes)
    return RunPlan(f"applications.{app.name}.search", tuple(
        PlanEntry(method, {"max_queries": sizes.budget,
                           **(hybrid if method == "hybrid" else {})}, app.problem, problem)
        for method in sizes.methods), sizes.seeds, sizes.first_seed,
        f"the NAS methods on the {app.title} supernet")


def training_specs(app: ApplicationTask, sizes: ApplicationSizes,
                   cells: Mapping[int, str]) -> list[Any]:
    """The ``train-from-scratch`` runs: each hybrid seed's best cell with that seed, every
    reference with the same seeds (a deterministic one once)."""
    from solvers.execute import make_spec

    problem = problem_config(app, sizes)
    specs = [make_spec("train-from-scratch", {"model": cell, "preset": sizes.preset},
                       app.problem, problem, seed) for seed, cell in sorted(cells.items())]
    for reference in app.references:
        seeds = sorted(cells)[:1] if reference in app.deterministic else sorted(cells)
        specs += [make_spec("train-from-scratch", {"model": reference, "preset": sizes.preset},
                            app.problem, problem, seed) for seed in seeds]
    return specs


@dataclass(frozen=True)
class MethodRow:
    method: str
    runs: int
    final_hypervolume_share: float
    final_hypervolume_share_sd: float
    best_one_shot_error: float
    mean_run_seconds: float
    p_holm: float  # hybrid > this method, exact one-sided Mann-Whitney, Holm; NaN for hybrid


@dataclass
class ApplicationOutcome:
    task: ApplicationTask
    sizes: ApplicationSizes
    search_runs: list[Any]
    anytime: Any  # paper.figures.SupernetAnytimeData
    methods: list[MethodRow]
    cells: dict[int, str]
    result: Any  # analysis.applications.ApplicationResult
    training_seconds: dict[str, float]
    executed: int
    reused: int

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {"task": self.task.name, "title": self.task.title, "sizes": asdict(self.sizes),
                "methods": [asdict(m) for m in self.methods], "cells": self.cells,
                "result": self.result.to_dict(), "training_seconds": self.training_seconds,
                "executed": self.executed, "reused": self.reused}


def _method_rows(runs: Sequence[Any], box: float, seconds: Mapping[str, list[float]],
                 methods: Sequence[str]) -> list[MethodRow]:
    from analysis.comparison import mann_whitney_u
    from analysis.stats import holm

    final = {m: np.array([r.summary["final_hypervolume"] / box for r in runs if r.method == m])
             for m in methods}
    errors = {m: np.array([r.summary["best_search_error"] for r in runs if r.method == m])
              for m in methods}
    others = [m for m in methods if m != "hybrid"]
    raw = [mann_whitney_u(final["hybrid"], final[m], alternative="greater").p_value
           if len(final[m]) and len(final["hybrid"]) else math.nan for m in others]
    adjusted = dict(zip(others, holm(np.array(raw), 0.05)[0], strict=True)) if raw else {}
    return [MethodRow(m, len(final[m]), float(final[m].mean()),
                      float(final[m].std(ddof=1)) if len(final[m]) > 1 else math.nan,
                      float(errors[m].mean()), float(np.mean(seconds.get(m, [math.nan]))),
                      float(adjusted.get(m, math.nan))) for m in methods]


def application_experiment(lab: Any, name: str, sizes: ApplicationSizes | None = None
                           ) -> ApplicationOutcome:
    """Search, train from scratch, compare (module docstring); every run via ``lab``."""
    from analysis.applications import application_result
    from analysis.nas_comparison import as_run_data
    from paper import figures as figs
    from solvers.registry import make_problem

    app = task(name)
    sizes = sizes or ApplicationSizes()
    report = lab.runs(search_plan(app, sizes), f"{name} search")
    runs = as_run_data(report.runs)
    box = float(math.prod(make_problem(app.problem, runs[0].problem_config)
                          .reference_point()))  # type: ignore[attr-defined]
    seconds: dict[str, list[float]] = {}
    for run in report.runs:
        seconds.setdefault(run.spec.solver, []).append(
            float(run.manifest.get("wall_seconds", math.nan)))
    anytime = figs.supernet_anytime_data(runs, box, app.title)
    cells = {r.seed: str(r.summary["best_cell"]) for r in runs
             if r.method == "hybrid" and r.summary.get("best_cell")}
    if not cells:
        raise InvalidParameterError("the hybrid's runs found a best cell",
                                    f"task {name!r}: no hybrid run has best_cell")
    training = lab.runs(training_specs(app, sizes, cells), f"{name} training")
    train_runs = as_run_data(training.runs)
    train_seconds: dict[str, list[float]] = {}
    for run in training.runs:
        kind = "cell" if run.summary.get("model_kind") == "cell" else str(run.summary["model"])
        train_seconds.setdefault(kind, []).append(
            float(run.summary.get("train_seconds", run.manifest.get("wall_seconds", math.nan))))
    result = application_result(name, app.kind, train_runs, app.targets)
    return ApplicationOutcome(app, sizes, runs, anytime,
                              _method_rows(runs, box, seconds, sizes.methods), cells, result,
                              {k: float(np.mean(v)) for k, v in train_seconds.items()},
                              report.executed + training.executed,
                              report.reused + training.reused)


def _fmt(value: float, digits: int = 4) -> str:
    return "--" if value is None or not math.isfinite(value) else f"{value:.{digits}g}"


def format_outcome(outcome: ApplicationOutcome) -> str:
    """The command's text report of one task."""
    app, sizes, result = outcome.task, outcome.sizes, outcome.result
    lines = [f"{app.title}: {len(sizes.methods)} methods x {sizes.seeds} seeds, budget "
             f"{sizes.budget} one-shot queries, supernet {sizes.channels} channels, "
             f"training preset {sizes.preset} ({outcome.executed} runs executed, "
             f"{outcome.reused} reused)", "",
             "search (final hypervolume share of the reference box, best one-shot error; "
             "p: hybrid > method, exact one-sided Mann-Whitney, Holm):"]
    for row in outcome.methods:
        lines.append(f"  {row.method:15s} HV {row.final_hypervolume_share:.4f}"
                     f" (sd {_fmt(row.final_hypervolume_share_sd, 2)})  best error "
                     f"{row.best_one_shot_error:.4f}  p {_fmt(row.p_holm, 3)}  "
                     f"{row.mean_run_seconds:.1f} s/run")
    lines += ["", "found cells (hybrid, per seed): " + "; ".join(
        f"seed {s}: {c}" for s, c in sorted(outcome.cells.items())), ""]
    if result.kind == "forecast":
        horizon = len(result.forecast[0].rmse)
        lines.append("RMSE per horizon " + " ".join(f"{'h' + str(h + 1):>8s}"
                                                    for h in range(horizon)))
        for row in result.forecast:
            name = "found cell" if row.model == "cell" else row.model
            lines.append(f"  {name:14s} " + " ".join(f"{v:8.3f}" for v in row.rmse))
        lines.append("MASE per horizon")
        for row in result.forecast:
            name = "found cell" if row.model == "cell" else row.model
            lines.append(f"  {name:14s} " + " ".join(f"{v:8.3f}" for v in row.mase))
        lines.append("Diebold-Mariano (HLN), H1 found model lower squared loss, vs the best "
                     "reference at each horizon:")
        for dm in result.diebold_mariano:
            ps = ", ".join(f"{t['p_value']:.3g}" for t in dm["tests"])
            lines.append(f"  h{dm['horizon']}: vs {dm['best_reference']} (RMSE "
                         f"{dm['reference_rmse']:.3f} vs {dm['cell_rmse']:.3f}), p per seed {ps}")
    else:
        metrics = sorted({s.metric for s in result.scores}, key=lambda m: (
            m.startswith("train") or m == "params", m))
        lines.append("trained from scratch (mean [95% t interval] over seeds):")
        for model in dict.fromkeys(s.model for s in result.scores):
            name = "found cell" if model == "cell" else model
            parts = []
            for metric in metrics:
                est = result.score(model, metric)
                if est is not None:
                    parts.append(f"{metric} {_fmt(est.point)} [{_fmt(est.ci_low)}, "
                                 f"{_fmt(est.ci_high)}]")
            lines.append(f"  {name}: " + "; ".join(parts))
        for p in result.paired:
            lines.append(f"  found cell - {p.reference} on {p.metric}: {p.mean_difference:+.4f} "
                         f"(n = {p.n} {p.units}; one-sided Wilcoxon p {_fmt(p.wilcoxon_p, 3)}"
                         f", smallest attainable {_fmt(p.min_p, 3)}; paired t p "
                         f"{_fmt(p.t_p, 3)})")
    lines.append("")
    for goal in result.targets:
        lines.append(f"target: {goal.text}: {'MET' if goal.met else 'NOT MET'} ({goal.detail})")
    return "\n".join(lines)


def sizes_from(args: Any, defaults: ApplicationSizes | None = None) -> ApplicationSizes:
    """The sizes the command's options give (unset ones keep ``defaults``)."""
    base = defaults or ApplicationSizes()
    changes: dict[str, Any] = {}
    for name in ("budget", "seeds", "first_seed", "channels", "warmup_steps", "preset"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    methods = getattr(args, "methods", None)
    if methods:
        changes["methods"] = tuple(m.strip() for m in methods.split(",") if m.strip())
    return replace(base, **changes)
