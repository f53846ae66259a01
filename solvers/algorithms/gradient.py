"""Gradient descent and randomized SGD, instrumented.

GD: x_{k+1} = x_k - h grad f(x_k), k = 0..N-1. Rows k = 0..N record f(x_k), ||grad f(x_k)||^2,
||x_k - x*||^2 (where x* exists) and the step.

SGD (Ghadimi & Lan 2013, Algorithm "RSG"): x_{k+1} = x_k - gamma_k G(x_k, xi_k) for
k = 1..N with G the problem's stochastic oracle; the output x_R has R drawn with
P(R = k) proportional to 2 gamma_k - L gamma_k^2. Rows k = 1..N record the true f(x_k) and
||grad f(x_k)||^2 (the instrumentation reads the exact gradient; the algorithm never does)
and gamma_k; the summary holds the exact conditional expectation over R of
||grad f(x_R)||^2 given the trajectory, which is an unbiased estimate of E||grad f(x_R)||^2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule, choices
from solvers.problems.base import Problem, SmoothProblem
from solvers.trace import TraceRecorder

__all__ = ["SGD", "GradientDescent"]


@dataclass(frozen=True)
class GDConfig(Config):
    steps: int = field(default=100, metadata={"help": "number of steps N"})
    step_size: float = field(default=1.0, metadata={"help": "step, in units of 1/L"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("steps >= 0", ("steps",), lambda c: c.steps >= 0),
        Rule("step_size > 0", ("step_size",), lambda c: c.step_size > 0),
    )


class GradientDescent(Solver[GDConfig]):
    """Gradient descent with constant step ``step_size / L``."""

    name = "gd"
    Config = GDConfig
    problem_kinds = ("smooth",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, SmoothProblem)
        cfg = self.config
        assert isinstance(cfg, GDConfig)
        h = cfg.step_size / problem.L
        x = problem.initial_point(rng)
        x_star = problem.x_star
        f0 = problem.value(x)
        radius = float(np.linalg.norm(x - x_star)) if x_star is not None else float("nan")
        for k in range(cfg.steps + 1):
            g = problem.gradient(x)
            dist = float(np.sum((x - x_star) ** 2)) if x_star is not None else float("nan")
            fx = problem.value(x)
            recorder.record(k, k + 1, f=fx, grad_norm_sq=float(g @ g), dist_sq=dist, step=h)
            if not np.isfinite(fx):
                break
            if k < cfg.steps:
                x = x - h * g
        recorder.set_summary(f0=f0, final_f=fx, step=h, R=radius)


@dataclass(frozen=True)
class SGDConfig(Config):
    steps: int = field(default=1000, metadata={"help": "number of steps N"})
    schedule: str = field(default="constant", metadata={
        "help": "constant: gamma_k = gamma; decay: gamma_k = gamma/sqrt(k); "
                "ghadimi-lan: gamma = min{1/L, Dtilde/(sigma sqrt N)}"})
    step_size: float = field(default=0.5, metadata={"help": "gamma, in units of 1/L"})
    dtilde: float = field(default=1.0, metadata={"help": "Dtilde of the ghadimi-lan schedule"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("steps >= 1", ("steps",), lambda c: c.steps >= 1),
        choices("schedule", ("constant", "decay", "ghadimi-lan")),
        Rule("step_size > 0", ("step_size",), lambda c: c.step_size > 0),
        Rule("dtilde > 0", ("dtilde",), lambda c: c.dtilde > 0),
    )


class SGD(Solver[SGDConfig]):
    """Randomized stochastic gradient (Ghadimi & Lan 2013) with three step schedules."""

    name = "sgd"
    Config = SGDConfig
    problem_kinds = ("smooth",)

    def steps(self, problem: SmoothProblem) -> np.ndarray:
        cfg = self.config
        assert isinstance(cfg, SGDConfig)
        k = np.arange(1, cfg.steps + 1, dtype=float)
        if cfg.schedule == "constant":
            return np.full(cfg.steps, cfg.step_size / problem.L)
        if cfg.schedule == "decay":
            return cfg.step_size / problem.L / np.sqrt(k)
        gamma = 1.0 / problem.L
        if problem.sigma > 0:
            gamma = min(gamma, cfg.dtilde / (problem.sigma * np.sqrt(cfg.steps)))
        return np.full(cfg.steps, gamma)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, SmoothProblem)
        gammas = self.steps(problem)
        init_rng, noise_rng = (np.random.default_rng(s) for s in
                               rng.bit_generator.seed_seq.spawn(2))  # type: ignore[attr-defined]
        x = problem.initial_point(init_rng)
        f1 = problem.value(x)
        grad_sq = np.empty(len(gammas))
        for k, gamma in enumerate(gammas, start=1):
            g_true = problem.gradient(x)
            grad_sq[k - 1] = float(g_true @ g_true)
            fx = problem.value(x)
            recorder.record(k, k, f=fx, grad_norm_sq=grad_sq[k - 1], step=float(gamma))
            if not np.isfinite(fx):
                grad_sq[k:] = np.inf
                break
            x = x - gamma * problem.stochastic_gradient(x, noise_rng)
        weights = 2 * gammas - problem.L * gammas**2
        with np.errstate(invalid="ignore", over="ignore"):
            expected = float(np.sum(weights * grad_sq) / np.sum(weights)) \
                if np.all(weights > 0) else float("nan")
        recorder.set_summary(f1=f1, sum_steps=float(gammas.sum()),
                             sum_sq_steps=float((gammas**2).sum()), max_step=float(gammas.max()),
                             expected_grad_norm_sq_at_R=expected)
