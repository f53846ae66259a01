"""Bayesian optimisation (Optuna TPE) of the hybrid optimiser's own hyperparameters.

``tune_hybrid`` searches the screening's accuracy share, the confidence multiplier kappa,
the number of best cells whose neighbours join the pool and the per-edge mutation rate of
:class:`solvers.algorithms.hybrid.Hybrid` (``SEARCH_SPACE``). Each
trial runs the hybrid on ``seeds`` seeds of a *validation* setting (by default CIFAR-100
on raspi4) that must differ from the *test* setting in data set or device (a rule of the
config), and scores it by a search-side quantity only: the mean final hypervolume ratio of
the queried cells' search objectives (``objective="hypervolume"``) or the mean best search
error (``objective="error"``). The 200-epoch test accuracy is never read. The TPE sampler
is seeded, the hybrid's run seeds are ``first_seed, first_seed + 1, ...`` (kept apart from
the experiment's seeds 0..9 by default), and Optuna's logging is set to WARNING.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from solvers.algorithms.base import rng_for
from solvers.algorithms.hybrid import Hybrid, HybridConfig
from solvers.config import Config, Rule, choices
from solvers.datasets import NB201_DEVICES
from solvers.problems.nb201 import DATASETS, MEMORIES, NB201Config, NB201Problem
from solvers.trace import TraceRecorder

__all__ = ["SEARCH_SPACE", "TuningConfig", "TuningResult", "tune_hybrid"]

#: the tuned hyperparameters: (low, high, log scale) of each; integer fields by their
#: default's type in HybridConfig
SEARCH_SPACE: dict[str, tuple[float, float, bool]] = {
    "accuracy_share": (0.0, 1.0, False),
    "kappa": (0.0, 3.0, False),
    "local_top": (0, 6, False),
    "mutation_rate": (0.05, 0.5, False),
}
OBJECTIVES = ("hypervolume", "error")


@dataclass(frozen=True)
class TuningConfig(Config):
    n_trials: int = field(default=20, metadata={"help": "TPE trials"})
    seeds: int = field(default=3, metadata={"help": "hybrid runs (seeds) per trial"})
    first_seed: int = field(default=1000, metadata={"help": "first run seed of a trial"})
    budget: int = field(default=150, metadata={"help": "queries per hybrid run"})
    dataset: str = field(default="cifar100", metadata={"help": "validation data set"})
    device: str = field(default="raspi4", metadata={"help": "validation device"})
    memory: str = field(default="params", metadata={"help": "memory objective"})
    test_dataset: str = field(default="cifar10", metadata={
        "help": "the test setting's data set (must differ in data set or device)"})
    test_device: str = field(default="pixel3", metadata={"help": "the test setting's device"})
    objective: str = field(default="hypervolume", metadata={
        "help": "hypervolume (mean final ratio, maximised) | error (mean best, minimised)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("n_trials >= 1", ("n_trials",), lambda c: c.n_trials >= 1),
        Rule("seeds >= 1", ("seeds",), lambda c: c.seeds >= 1),
        Rule("first_seed >= 0", ("first_seed",), lambda c: c.first_seed >= 0),
        Rule("budget >= 1", ("budget",), lambda c: c.budget >= 1),
        choices("dataset", DATASETS),
        choices("device", NB201_DEVICES),
        choices("memory", MEMORIES),
        choices("objective", OBJECTIVES),
        Rule("(dataset, device) != (test_dataset, test_device)",
             ("dataset", "device", "test_dataset", "test_device"),
             lambda c: (c.dataset, c.device) != (c.test_dataset, c.test_device),
             "tuning on the test setting would leak it into the comparison"),
    )


@dataclass(frozen=True)
class TuningResult:
    """The best hyperparameters, their score, and every trial (params, score)."""

    best_params: dict[str, Any]
    best_value: float
    direction: str
    trials: list[tuple[dict[str, Any], float]]
    config: dict[str, Any]


def tune_hybrid(config: TuningConfig, seed: int,
                base: HybridConfig | None = None) -> TuningResult:
    """Tune the ``SEARCH_SPACE`` fields of the hybrid (module docstring).

    ``base`` gives the hybrid's other parameters (its ``max_queries`` is replaced by the
    tuning budget). Same ``seed``, same result.
    """
    import optuna

    rng = rng_for(seed)
    base = base or HybridConfig()
    problem = NB201Problem(NB201Config(dataset=config.dataset, device=config.device,
                                       memory=config.memory))
    maximise = config.objective == "hypervolume"

    def objective(trial: Any) -> float:
        values: dict[str, Any] = {}
        for name, (low, high, log) in SEARCH_SPACE.items():
            if isinstance(getattr(base, name), int):
                values[name] = trial.suggest_int(name, int(low), int(high), log=log)
            else:
                values[name] = trial.suggest_float(name, low, high, log=log)
        hybrid = Hybrid(dataclasses.replace(base, max_queries=config.budget, **values))
        scores = []
        for offset in range(config.seeds):
            recorder = TraceRecorder()
            hybrid.run(problem, config.first_seed + offset, recorder)
            key = "hypervolume_ratio" if maximise else "best_search_error"
            scores.append(float(recorder.summary[key]))
        return float(np.mean(scores))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=int(rng.integers(2**31 - 1)))
    study = optuna.create_study(direction="maximize" if maximise else "minimize",
                                sampler=sampler)
    study.optimize(objective, n_trials=config.n_trials)
    trials = [(dict(t.params), float(t.value)) for t in study.trials if t.value is not None]
    return TuningResult(dict(study.best_params), float(study.best_value),
                        "maximize" if maximise else "minimize", trials, config.to_dict())
