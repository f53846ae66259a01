"""Training one model from scratch on an application problem: a searched cell or a reference.

The second half of every application benchmark (issue 18): after a search has queried cells
by their one-shot (weight-sharing) estimates, the architecture it found is trained from
scratch and scored on the task's held-out data, side by side with the references a
practitioner of the field would run (a ResNet-18-style network for chest X-rays, a
bag-of-words logistic regression and a text CNN for sentences, ARIMA and exponential
smoothing for series). Making that a solver puts each training run in the run store like
any search run: content-addressed by (model, recipe, problem, seed), reused, never
recomputed, and executed by the same pool.

``model`` is either a cell in the problem's string form (``problem.space.from_string``; for
NAS-Bench-201-style cells the ``|op~j|+...`` string) or one of
``problem.reference_models``. ``preset`` names the training recipe the problem defines
(``quick``: the quick reproduction's, ``full``: the targets'); ``epochs > 0`` overrides the
recipe's epochs (the conformance tests' tiny runs), 0 keeps them.

A problem supports this solver by declaring ``trains_from_scratch = True`` and
``reference_models``, and implementing ``train_from_scratch(model, cell, preset, epochs,
rng) -> (rows, summary)``: ``cell`` is the parsed cell (None for a reference), ``rows`` one
dict of numbers per epoch (may be empty), ``summary`` the held-out metrics with
``train_seconds``. The trace is the rows, then one row of the summary's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem
from solvers.problems.base import Problem
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["PRESETS", "TrainConfig", "TrainFromScratch", "parse_model"]

PRESETS = ("quick", "full")


@dataclass(frozen=True)
class TrainConfig(Config):
    model: str = field(default="1,1,1,1,1,1", metadata={
        "help": "a cell in the problem's string form or as operation indices, or one of its "
        "reference models"})
    preset: str = field(default="quick", metadata={"help": "training recipe: quick | full"})
    epochs: int = field(default=0, metadata={"help": "epochs (0: the preset's)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("model is not empty", ("model",), lambda c: bool(c.model.strip())),
        choices("preset", PRESETS),
        Rule("epochs >= 0", ("epochs",), lambda c: c.epochs >= 0),
    )


def parse_model(problem: ArchitectureProblem, model: str) -> tuple[int, ...] | None:
    """None for a reference model of ``problem``, else the cell ``model`` names; raises
    naming both forms when it is neither."""
    references = tuple(getattr(problem, "reference_models", ()))
    if model in references:
        return None
    from_string = getattr(problem.space, "from_string", None)
    try:
        if from_string is not None and not model.replace(",", "").strip().isdigit():
            return tuple(from_string(model))
        return problem.space.validate([int(v) for v in model.split(",")])
    except (ValueError, KeyError, IndexError, InvalidParameterError) as error:
        raise InvalidParameterError(
            f"model is a cell of {problem.name!r} (its string form or operation indices) or "
            f"one of its reference models {list(references)}", f"model={model!r}") from error


class TrainFromScratch(Solver[TrainConfig]):
    """Train ``model`` from scratch with the problem's ``preset`` recipe (module doc)."""

    name = "train-from-scratch"
    Config = TrainConfig
    problem_kinds = ("architecture",)
    #: the problem must declare it (a class attribute, as DARTS needs ``differentiable``)
    problem_capabilities: ClassVar[tuple[str, ...]] = ("trains_from_scratch",)
    #: timings and latencies measured on this machine (every summary has train_seconds)
    volatile_columns: ClassVar[tuple[str, ...]] = ("train_seconds",)
    volatile_summary_keys: ClassVar[tuple[str, ...]] = ("train_seconds", "latency_ms")

    def validate(self, problem: Problem) -> None:
        super().validate(problem)
        for capability in self.problem_capabilities:
            if not getattr(problem, capability, False):
                raise InvalidParameterError(
                    f"solver {self.name!r} runs on a {capability} architecture problem",
                    f"problem {problem.name!r} is not {capability}")
        assert isinstance(problem, ArchitectureProblem)
        parse_model(problem, self.config.model)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        c = self.config
        assert isinstance(c, TrainConfig)
        cell = parse_model(problem, c.model)
        rows, summary = problem.train_from_scratch(  # type: ignore[attr-defined]
            c.model, cell, c.preset, c.epochs, rng)
        if "train_seconds" not in summary:
            raise InvalidParameterError("train_from_scratch reports train_seconds",
                                        f"summary keys {sorted(summary)}")
        for i, row in enumerate(rows, start=1):  # per epoch, where the model has epochs
            recorder.record(i, i, **row)
        # the last row: the held-out numbers (a model without epochs has only this one)
        recorder.record(len(rows) + 1, len(rows) + 1, **{
            k: v for k, v in summary.items()
            if isinstance(v, int | float) and not isinstance(v, bool)})
        extra: dict[str, Any] = {"model": c.model, "model_kind":
                                 "reference" if cell is None else "cell", "preset": c.preset}
        recorder.set_summary(**extra, **summary)
