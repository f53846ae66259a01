"""Bounds for gradient descent and SGD on the inner (weight) problem.

Each entry quotes its source's statement in the source's notation; where the closed form
is assembled here from a quoted lemma, the source says ``derived`` and
``proofs_checks.proofs.symbolic`` checks every algebraic step.
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from theory.bound import Assumption, Bound, Direction, Mode, Source, approx_eq
from theory.symbols import (
    S1,
    S2,
    D_tilde,
    L,
    N_iter,
    R,
    bounded_below,
    convex,
    f0_gap,
    gamma,
    h,
    h_norm,
    k,
    mu,
    sigma,
    smooth,
    strongly_convex,
    unbiased,
    variance_bounded,
)

NESTEROV_2004 = partial(
    Source,
    authors="Yu. Nesterov",
    title="Introductory Lectures on Convex Optimization: A Basic Course",
    venue="Kluwer Academic Publishers (Applied Optimization 87)",
    year=2004,
)
DRORI_TEBOULLE_2014 = partial(
    Source,
    authors="Y. Drori and M. Teboulle",
    title="Performance of first-order methods for smooth convex minimization: a novel approach",
    venue="Mathematical Programming 145(1-2):451-482",
    year=2014,
)
GHADIMI_LAN_2013 = partial(
    Source,
    authors="S. Ghadimi and G. Lan",
    title="Stochastic first- and zeroth-order methods for nonconvex stochastic programming",
    venue="SIAM Journal on Optimization 23(4):2341-2368",
    year=2013,
)

A_SMOOTH = Assumption("L-smooth", "f is differentiable and its gradient is L-Lipschitz", smooth)
A_BOUNDED = Assumption("bounded-below", "f* = inf f is finite", bounded_below)
A_CONVEX = Assumption("convex", "f is convex and attains its minimum at some x*", convex)
A_STRONG = Assumption(
    "mu-strongly-convex", "f is mu-strongly convex (so x* is unique)", strongly_convex
)
A_STEP_1_OVER_L = Assumption("step-1/L", "the step is h = 1/L", approx_eq(h * L, sp.Integer(1)))
A_UNBIASED = Assumption("unbiased", "the stochastic gradient is unbiased: E[G(x)] = grad f(x)",
                        unbiased)
A_VARIANCE = Assumption(
    "variance-sigma^2", "E||G(x) - grad f(x)||^2 <= sigma^2 for every x", variance_bounded
)

GAMMA_MAX = sp.Symbol("gamma_max", positive=True)

GD_NONCONVEX = Bound(
    id="gd.nonconvex.min-grad-norm",
    family="gradient",
    title="Gradient descent, L-smooth nonconvex: smallest gradient norm",
    quantity="min_grad_norm_sq",
    quantity_description="min over k = 0..N of ||grad f(x_k)||^2 along the GD iterates",
    quantity_latex=r"\min_{0\le k\le N}\|\nabla f(x_k)\|^2",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=2 * L * f0_gap / (N_iter + 1),
    symbols={"L": "Lipschitz constant of grad f", "Delta": "f(x_0) - f*",
             "N": "number of GD steps"},
    assumptions=(A_SMOOTH, A_BOUNDED, A_STEP_1_OVER_L),
    source=NESTEROV_2004(
        locator="Sec. 1.2.3: the descent inequality f(x_k) - f(x_{k+1}) >= ||grad f(x_k)||^2"
        "/(2L) for h = 1/L (from Lemma 1.2.3), summed over k = 0..N",
        derived=True,
        note="closed form assembled here; steps checked in proofs_checks.proofs.symbolic",
    ),
)

GD_CONVEX_NESTEROV = Bound(
    id="gd.convex.nesterov",
    family="gradient",
    title="Gradient descent, L-smooth convex: Nesterov's rate",
    quantity="final_gap",
    quantity_description="f(x_N) - f* after N GD steps",
    quantity_latex=r"f(x_N)-f^\star",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=2 * L * R**2 / (N_iter + 4),
    symbols={"L": "Lipschitz constant of grad f", "R": "||x_0 - x*||",
             "N": "number of GD steps"},
    assumptions=(A_SMOOTH, A_CONVEX, A_STEP_1_OVER_L),
    source=NESTEROV_2004(locator="Corollary 2.1.2 (h = 1/L)"),
)

GD_CONVEX_DRORI_TEBOULLE = Bound(
    id="gd.convex.drori-teboulle",
    family="gradient",
    title="Gradient descent, L-smooth convex: the tight Drori-Teboulle value",
    quantity="final_gap",
    quantity_description="f(x_N) - f* after N GD steps of length h/L",
    quantity_latex=r"f(x_N)-f^\star",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=L * R**2 / (4 * N_iter * h_norm + 2),
    symbols={"L": "Lipschitz constant of grad f", "R": "||x_0 - x*||",
             "N": "number of GD steps", "h_norm": "normalised step (the step is h_norm/L)"},
    assumptions=(
        A_SMOOTH,
        A_CONVEX,
        Assumption("normalised-step<=1", "the normalised step satisfies 0 < h_norm <= 1",
                   sp.And(h_norm > 0, h_norm <= 1)),
    ),
    source=DRORI_TEBOULLE_2014(
        locator="Theorem 3.1 (bound, 0 < h <= 1) and Theorem 3.2 (attained)",
        note="their h is the normalised step, written h_norm here",
    ),
    tight=True,
    tight_note="attained for every h_norm in (0, 1] by the Huber function of Theorem 3.2 "
    "with threshold R/(2 N h_norm + 1), started at distance R "
    "(solvers.problems.smooth.DroriTeboulleHuber with step=h_norm)",
)

GD_STRONGLY_CONVEX = Bound(
    id="gd.strongly-convex.distance",
    family="gradient",
    title="Gradient descent, L-smooth mu-strongly convex: linear rate of the distance",
    quantity="dist_sq",
    quantity_description="||x_k - x*||^2 after k GD steps, for every k = 0..N",
    quantity_latex=r"\|x_k-x^\star\|^2",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=(1 - 2 * h * mu * L / (mu + L)) ** k * R**2,
    symbols={"L": "Lipschitz constant of grad f", "mu": "strong-convexity modulus",
             "h": "step size", "k": "iteration index", "R": "||x_0 - x*||"},
    assumptions=(
        A_SMOOTH,
        A_STRONG,
        Assumption("step<=2/(mu+L)", "the step satisfies 0 < h <= 2/(mu + L)",
                   sp.And(h > 0, h * (mu + L) <= 2)),
    ),
    source=NESTEROV_2004(locator="Theorem 2.1.15"),
    tight_note="attained for h = 2/(mu+L) by f(x) = L x^2/2 (and by mu x^2/2)",
)

SGD_THEOREM = Bound(
    id="sgd.nonconvex.ghadimi-lan-thm2.1",
    family="gradient",
    title="Randomized SGD, L-smooth nonconvex, general steps",
    quantity="expected_grad_norm_sq_at_R",
    quantity_description="E||grad f(x_R)||^2, R drawn from 1..N with P(R=k) proportional to "
    "2 gamma_k - L gamma_k^2",
    quantity_latex=r"\|\nabla f(x_R)\|^2",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=(2 * f0_gap + L * sigma**2 * S2) / (2 * S1 - L * S2),
    symbols={"L": "Lipschitz constant of grad f", "Delta": "f(x_1) - f*",
             "sigma": "bound on the gradient noise's standard deviation",
             "S_1": "sum of the steps gamma_k", "S_2": "sum of the squared steps"},
    assumptions=(
        A_SMOOTH, A_BOUNDED, A_UNBIASED, A_VARIANCE,
        Assumption("steps<2/L", "every step satisfies gamma_k < 2/L", GAMMA_MAX * L < 2),
    ),
    source=GHADIMI_LAN_2013(
        locator="Theorem 2.1",
        note="stated there as (1/L) E||grad f(x_R)||^2 <= (D_f^2 + sigma^2 S_2)/(2 S_1 - L S_2)"
        " with D_f^2 = 2(f(x_1) - f*)/L; multiplied by L here",
    ),
)

SGD_COROLLARY = Bound(
    id="sgd.nonconvex.ghadimi-lan-cor2.2",
    family="gradient",
    title="Randomized SGD, L-smooth nonconvex, constant step min{1/L, Dtilde/(sigma sqrt N)}",
    quantity="expected_grad_norm_sq_at_R",
    quantity_description="E||grad f(x_R)||^2 with R uniform on 1..N (constant step)",
    quantity_latex=r"\|\nabla f(x_R)\|^2",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=2 * L * f0_gap / N_iter
    + L * (D_tilde + 2 * f0_gap / (L * D_tilde)) * sigma / sp.sqrt(N_iter),
    symbols={"L": "Lipschitz constant of grad f", "Delta": "f(x_1) - f*",
             "sigma": "bound on the gradient noise's standard deviation",
             "N": "number of SGD steps", "Dtilde": "the free scale parameter of the step"},
    assumptions=(
        A_SMOOTH, A_BOUNDED, A_UNBIASED, A_VARIANCE,
        Assumption("sigma>0", "the gradient noise is not degenerate", sigma > 0),
        Assumption("N>=1", "at least one step (R is drawn from 1..N)", N_iter >= 1),
        Assumption(
            "constant-step", "gamma = min{1/L, Dtilde/(sigma sqrt N)}",
            approx_eq(gamma, sp.Min(1 / L, D_tilde / (sigma * sp.sqrt(N_iter)))),
        ),
    ),
    source=GHADIMI_LAN_2013(
        locator="Corollary 2.2",
        note="stated there as (1/L) E||grad f(x_R)||^2 <= L D_f^2/N + (Dtilde + D_f^2/Dtilde)"
        " sigma/sqrt(N); multiplied by L and D_f^2 = 2 Delta/L substituted here",
    ),
)

BOUNDS: tuple[Bound, ...] = (
    GD_NONCONVEX,
    GD_CONVEX_NESTEROV,
    GD_CONVEX_DRORI_TEBOULLE,
    GD_STRONGLY_CONVEX,
    SGD_THEOREM,
    SGD_COROLLARY,
)
