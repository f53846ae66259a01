"""Bounds of the bilevel family: the DARTS problem and its hypergradients.

DARTS (Liu, Simonyan & Yang, ICLR 2019) solves min_a F(a) = f(w*(a), a) with
w*(a) = argmin_w g(w, a) (g: training loss, f: validation loss). The entries:

* the implicit-function formula of grad F (exact);
* the error of the K-step unrolled (ITD) and of the fixed-point implicit (AID-Neumann)
  hypergradients on bilevel quadratics, with explicit constants derived here;
* the error of DARTS's finite-difference Hessian-vector product (Taylor's theorem with
  integral remainder, constant derived here);
* the error of DARTS's first-order (xi = 0) and second-order (one unrolled step of length
  xi) architecture gradients against the true hypergradient at the inner optimum, derived
  here: ||grad^2_{aw} g|| ||grad_w f|| / mu and ||grad^2_{aw} g|| ||grad_w f||
  max(|1/mu - xi|, |1/L - xi|) (second order helps only for xi between about 1/L and 1/mu);
* convergence of hypergradient descent with inexact hypergradients: an explicit bound
  derived here and the order statement of Ji, Yang & Liang (2021);
* exact counts: gradient evaluations per DARTS step, the second- to first-order cost ratio,
  and the supernet's stored candidate-operation outputs.

Notation on bilevel quadratics (solvers.problems.bilevel): g(w, a) = 1/2 w^T A w -
w^T (B a + c), f(w, a) = 1/2 ||w - w_t||_Q^2 + lam/2 ||a||^2, spec(A) in [mu, L],
grad^2_{aw} g = -B^T. The inner GD step is eta = 1/L and q = 1 - mu/L.
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from theory.bound import Assumption, Bound, Direction, Mode, Source, approx_eq
from theory.symbols import L, N_iter, mu, strongly_convex

__all__ = [
    "AID_NEUMANN_ERROR",
    "BOUNDS",
    "DARTS_COST_RATIO",
    "DARTS_FIRST_ORDER_ERROR",
    "DARTS_GRADIENT_EVALUATIONS",
    "DARTS_SECOND_ORDER_ERROR",
    "FD_HVP_ERROR",
    "HGD_INEXACT",
    "HGD_ORDER",
    "IFT_IDENTITY",
    "ITD_ERROR",
    "SUPERNET_MEMORY",
]

# -- symbols of this family (the shared ones come from theory.symbols) -------------------
K_inner = sp.Symbol("K", integer=True, nonnegative=True)  # inner GD steps
M_solve = sp.Symbol("M", integer=True, nonnegative=True)  # linear-solver steps (AID)
eta = sp.Symbol("eta", positive=True)  # inner GD step
norm_B = sp.Symbol("normB", nonnegative=True)  # ||grad^2_{aw} g||_2 = ||B||_2
norm_Q = sp.Symbol("normQ", nonnegative=True)  # ||grad^2_ww f||_2 = ||Q||_2
D0 = sp.Symbol("D0", nonnegative=True)  # ||w_0 - w*(a)||
Dt = sp.Symbol("Dt", nonnegative=True)  # ||w*(a) - w_t||
rho = sp.Symbol("rho", nonnegative=True)  # bound on the third w-derivative of grad_a g
eps = sp.Symbol("epsilon", positive=True)  # finite-difference step
v_norm = sp.Symbol("v_norm", nonnegative=True)  # ||v||, the finite difference's direction
L_F = sp.Symbol("L_F", positive=True)  # Lipschitz constant of grad F
Delta_F = sp.Symbol("Delta_F", nonnegative=True)  # F(a_0) - inf F
e_max = sp.Symbol("e_max", nonnegative=True)  # max_k ||h_k - grad F(a_k)||
eta_out = sp.Symbol("eta_out", positive=True)  # outer step
second_order = sp.Symbol("s", integer=True, nonnegative=True)  # 1: second-order DARTS
E_edges = sp.Symbol("E", integer=True, positive=True)  # edges of the supernet
O_ops = sp.Symbol("O", integer=True, positive=True)  # candidate operations per edge
C_ch = sp.Symbol("C", integer=True, positive=True)  # channels
S_side = sp.Symbol("S", integer=True, positive=True)  # spatial side (feature map S x S)
B_batch = sp.Symbol("B", integer=True, positive=True)  # batch size
norm_gwf = sp.Symbol("normGwf", nonnegative=True)  # ||grad_w f(w*(a), a)||
xi = sp.Symbol("xi", nonnegative=True)  # DARTS's virtual (unrolled) step

#: q as an instance constant (the order statement's assumption on K reads q^(2K) N <= 1)
q_sym = sp.Symbol("q", nonnegative=True)
#: q = 1 - mu/L, the contraction factor of inner GD with step 1/L on spec(A) in [mu, L]
q_factor = 1 - mu / L

# structural properties an instance sets
quadratic_inner = sp.Symbol("quadratic_inner")
twice_differentiable = sp.Symbol("twice_differentiable")
at_inner_solution = sp.Symbol("at_inner_solution")
third_derivative_bounded = sp.Symbol("third_derivative_bounded")
error_bounded = sp.Symbol("hypergradient_error_bounded")
F_smooth = sp.Symbol("F_L_smooth")
F_bounded_below = sp.Symbol("F_bounded_below")
weight_gradient_recomputed = sp.Symbol("weight_gradient_recomputed")
equal_pass_cost = sp.Symbol("equal_pass_cost")
one_output_per_op = sp.Symbol("one_output_per_op")

# -- sources -----------------------------------------------------------------------------
DARTS_2019 = partial(
    Source,
    authors="H. Liu, K. Simonyan and Y. Yang",
    title="DARTS: Differentiable Architecture Search",
    venue="International Conference on Learning Representations (ICLR)",
    year=2019,
)
GHADIMI_WANG_2018 = partial(
    Source,
    authors="S. Ghadimi and M. Wang",
    title="Approximation Methods for Bilevel Programming",
    venue="arXiv:1802.02246",
    year=2018,
)
GRAZZI_2020 = partial(
    Source,
    authors="R. Grazzi, L. Franceschi, M. Pontil and S. Salzo",
    title="On the Iteration Complexity of Hypergradient Computation",
    venue="International Conference on Machine Learning (ICML), PMLR 119",
    year=2020,
)
JI_YANG_LIANG_2021 = partial(
    Source,
    authors="K. Ji, J. Yang and Y. Liang",
    title="Bilevel Optimization: Convergence Analysis and Enhanced Design",
    venue="International Conference on Machine Learning (ICML), PMLR 139",
    year=2021,
)
#: what was tried, 2026-12-02, to read the unchecked locators below
TRIED_GHADIMI_WANG = (
    "Tried 2026-12-02 to read the locator: the stored ar5iv page of arXiv:1802.02246 yields "
    "only its opening (abstract and the start of Sec. 1, where problem (1.1) is posed); "
    "Sec. 2 with the gradient formula lies past it and was not read, and public GitHub text "
    "holds no copy. "
)
TRIED_GRAZZI = (
    "Tried 2026-12-02 to read the locator: the stored openings of the ICML 2020 text and of "
    "ar5iv 2006.16218 (abstract and the start of Sec. 1) were read; Secs. 2-3 with the ITD "
    "and AID bounds lie past them and were not read. "
)
TRIED_JI_YANG_LIANG = (
    "Tried 2026-12-02 to read the locator: the stored pages hold only third-party summaries "
    "of the paper (abstract level: a unified analysis of ITD-BiO and AID-BiO), no text of "
    "its theorems; public GitHub text holds no copy. "
)
NESTEROV_2004 = partial(
    Source,
    authors="Yu. Nesterov",
    title="Introductory Lectures on Convex Optimization: A Basic Course",
    venue="Kluwer Academic Publishers (Applied Optimization 87)",
    year=2004,
)

# -- assumptions -------------------------------------------------------------------------
A_STRONG = Assumption("inner-mu-strongly-convex",
                      "g(., a) is mu-strongly convex (spec of grad^2_ww g in [mu, L], mu > 0)",
                      strongly_convex)
A_QUADRATIC = Assumption("bilevel-quadratic",
                         "g and f are the bilevel quadratics of the module docstring",
                         quadratic_inner)
A_STEP = Assumption("inner-step-1/L", "the inner GD step is eta = 1/L",
                    approx_eq(eta * L, sp.Integer(1)))

IFT_IDENTITY = Bound(
    id="bilevel.hypergradient.ift-identity",
    family="bilevel",
    title="Hypergradient by the implicit function theorem",
    quantity="hypergradient_ift_residual",
    quantity_description="||grad F(a) - [grad_a f - grad^2_{aw} g (grad^2_ww g)^{-1} grad_w f]|| "
    "at (w*(a), a), relative to max(1, ||grad F(a)||); grad F is computed independently (by "
    "central differences of F, exact on quadratics)",
    quantity_latex=r"\frac{\|\nabla F(\alpha)-\nabla_\alpha f+\nabla^2_{\alpha w}g\,"
    r"(\nabla^2_{ww}g)^{-1}\nabla_w f\|}{\max(1,\|\nabla F(\alpha)\|)}",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=sp.Integer(0),
    symbols={},
    assumptions=(
        A_STRONG,
        Assumption("twice-differentiable", "g is twice continuously differentiable and f "
                   "continuously differentiable", twice_differentiable),
        Assumption("at-inner-solution", "the formula is evaluated at w = w*(a), the exact "
                   "inner minimiser", at_inner_solution),
    ),
    source=GHADIMI_WANG_2018(
        locator="Sec. 2, the gradient formula of f(x) = F(x, y*(x)) (Lemma 2.1 / eq. (2.4))",
        locator_checked=False,
        note=TRIED_GHADIMI_WANG
        + "the implicit-function-theorem formula grad f(x) = grad_x F - grad^2_{xy} g "
        "[grad^2_yy g]^{-1} grad_y F at y*(x); equation number not read against the text. "
        "Proved symbolically on generic 2x2 bilevel quadratics in "
        "proofs_checks.proofs.symbolic_bilevel",
    ),
    tight=True,
    tight_note="an identity",
)

ITD_ERROR = Bound(
    id="bilevel.itd.quadratic-error",
    family="bilevel",
    title="Unrolled (ITD) hypergradient after K inner GD steps, bilevel quadratic",
    quantity="hypergradient_error",
    quantity_description="||h_K(a) - grad F(a)||, h_K the reverse-mode derivative of "
    "a -> f(w_K(a), a) through K inner GD steps of length 1/L from w_0",
    quantity_latex=r"\|h_K(\alpha)-\nabla F(\alpha)\|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=norm_B * norm_Q / mu * q_factor**K_inner
    * ((1 + q_factor**K_inner) * D0 + Dt),
    symbols={"normB": "||B||_2 (= ||grad^2_{aw} g||)", "normQ": "||Q||_2",
             "mu": "smallest eigenvalue of A", "L": "largest eigenvalue of A",
             "K": "inner GD steps", "D0": "||w_0 - w*(a)||", "Dt": "||w*(a) - w_t||"},
    assumptions=(A_QUADRATIC, A_STRONG, A_STEP),
    source=GRAZZI_2020(
        locator="Sec. 2-3 (ITD error decays like q^t; general-contraction constants)",
        derived=True,
        locator_checked=False,
        note=TRIED_GRAZZI
        + "the quadratic case with its explicit constant is derived here: h_K - grad F = "
        "B^T A^{-1}[Q P^K (w_0 - w*) - P^K Q (w_K - w_t)] with P = I - A/L, ||P|| <= q, "
        "||A^{-1}|| <= 1/mu; steps in proofs_checks.proofs.symbolic_bilevel",
    ),
    tight_note="nearly attained by the aligned instance (A diagonal, Q = B = e_1 e_1^T) when "
    "Dt >> D0: the ratio tends to 1 as D0/Dt -> 0",
)

AID_NEUMANN_ERROR = Bound(
    id="bilevel.aid-neumann.quadratic-error",
    family="bilevel",
    title="Implicit (AID, fixed-point/Neumann) hypergradient with K inner and M solver "
    "steps, bilevel quadratic",
    quantity="hypergradient_error",
    quantity_description="||h_{K,M}(a) - grad F(a)||, h = grad_a f(w_K) - grad^2_{aw} g v_M "
    "with v_{m+1} = v_m - (A v_m - grad_w f(w_K))/L, v_0 = 0",
    quantity_latex=r"\|h_{K,M}(\alpha)-\nabla F(\alpha)\|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=norm_B * norm_Q / mu
    * (q_factor**K_inner * D0 + q_factor**M_solve * (q_factor**K_inner * D0 + Dt)),
    symbols={"normB": "||B||_2", "normQ": "||Q||_2", "mu": "smallest eigenvalue of A",
             "L": "largest eigenvalue of A", "K": "inner GD steps",
             "M": "fixed-point steps of the linear solve", "D0": "||w_0 - w*(a)||",
             "Dt": "||w*(a) - w_t||"},
    assumptions=(A_QUADRATIC, A_STRONG, A_STEP),
    source=GRAZZI_2020(
        locator="Sec. 3 (AID with the fixed-point method: error decays like q^t + q^k)",
        derived=True,
        locator_checked=False,
        note=TRIED_GRAZZI
        + "quadratic case derived here: error = B^T[(v_M - v^) + A^{-1} Q (w_K - w*)], "
        "v_M - v^ = -P^M v^, v^ = A^{-1} Q (w_K - w_t); at M = K it equals bilevel.itd."
        "quadratic-error (on quadratics ITD and AID-Neumann with M = K coincide)",
    ),
)

FD_HVP_ERROR = Bound(
    id="bilevel.darts.fd-hvp-error",
    family="bilevel",
    title="DARTS's finite-difference Hessian-vector product: error",
    quantity="fd_hvp_error",
    quantity_description="||(grad_a g(w + eps v, a) - grad_a g(w - eps v, a))/(2 eps) - "
    "grad^2_{aw} g(w, a) v||",
    quantity_latex=r"\left\|\frac{\nabla_\alpha g(w^+)-\nabla_\alpha g(w^-)}{2\epsilon}-"
    r"\nabla^2_{\alpha w}g\,v\right\|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=rho * eps**2 * v_norm**3 / 6,
    symbols={"rho": "sup over the segment of ||D^3_w grad_a g|| (trilinear operator norm)",
             "epsilon": "finite-difference step", "v_norm": "||v||"},
    assumptions=(
        Assumption("third-derivative-bounded",
                   "w -> grad_a g(w, a) is three times differentiable on [w - eps v, w + eps v]"
                   " with ||D^3_w grad_a g [u, u, u]|| <= rho ||u||^3", third_derivative_bounded),
    ),
    source=DARTS_2019(
        locator="Sec. 2.3, eq. (8) (the finite-difference approximation of the second-order "
        "term of eq. (7), w+- = w +- eps grad_{w'} L_val(w', a); eps = 0.01/||grad_{w'} "
        "L_val(w', a)||_2 in footnote 2)",
        derived=True,
        locator_checked=True,
        note="DARTS states the approximation, not its error; the constant rho/6 is derived "
        "here by Taylor's theorem with integral remainder (proofs_checks.proofs.symbolic_bilevel). "
        "On quadratic inner losses the error is 0",
    ),
    tight_note="nearly attained as eps -> 0 by the aligned softplus instance (dim_alpha = 1,"
    " u = e_1, z = 0 where |sigma'''| = 1/8, v along u)",
)

HGD_INEXACT = Bound(
    id="bilevel.hgd.inexact-min-grad-norm",
    family="bilevel",
    title="Hypergradient descent with inexact hypergradients: smallest gradient norm",
    quantity="min_grad_norm_sq",
    quantity_description="min over k = 0..N of ||grad F(a_k)||^2 along a_{k+1} = a_k - h_k/L_F",
    quantity_latex=r"\min_{0\le k\le N}\|\nabla F(\alpha_k)\|^2",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=2 * L_F * Delta_F / (N_iter + 1) + e_max**2,
    symbols={"L_F": "Lipschitz constant of grad F", "Delta_F": "F(a_0) - inf F",
             "N": "outer steps", "e_max": "max_{0<=k<=N} ||h_k - grad F(a_k)||"},
    assumptions=(
        Assumption("F-L_F-smooth", "grad F is L_F-Lipschitz", F_smooth),
        Assumption("F-bounded-below", "inf F is finite", F_bounded_below),
        Assumption("outer-step-1/L_F", "the outer step is 1/L_F",
                   approx_eq(eta_out * L_F, sp.Integer(1))),
        Assumption("errors<=e_max", "every hypergradient error ||h_k - grad F(a_k)|| is at "
                   "most e_max", error_bounded),
    ),
    source=NESTEROV_2004(
        locator="Lemma 1.2.3 (descent lemma) applied to a_{k+1} = a_k - (grad F + e_k)/L_F, "
        "summed over k = 0..N",
        derived=True,
        note="F(a_{k+1}) <= F(a_k) - (||grad F(a_k)||^2 - ||e_k||^2)/(2 L_F); closed form "
        "assembled here, steps in proofs_checks.proofs.symbolic_bilevel. The same argument "
        "underlies "
        "Ji, Yang & Liang (2021), Theorems 1-2",
    ),
)

HGD_ORDER = Bound(
    id="bilevel.hgd.ji-yang-liang-order",
    family="bilevel",
    title="ITD-based hypergradient descent: O(1/N) stationarity",
    quantity="min_grad_norm_sq",
    quantity_description="min over k < N of ||grad F(a_k)||^2 for ITD hypergradient descent "
    "with K_N inner steps, q^{2 K_N} <= 1/N",
    quantity_latex=r"\min_{0\le k<N}\|\nabla F(\alpha_k)\|^2",
    direction=Direction.UPPER,
    mode=Mode.ORDER,
    expression=1 / N_iter,
    symbols={"N": "outer steps"},
    assumptions=(
        A_STRONG,
        Assumption("F-L_F-smooth", "grad F is L_F-Lipschitz", F_smooth),
        Assumption("F-bounded-below", "inf F is finite", F_bounded_below),
        A_STEP,
        Assumption("outer-step-1/L_F", "the outer step is 1/L_F",
                   approx_eq(eta_out * L_F, sp.Integer(1))),
        Assumption("q=1-mu/L", "q is the inner contraction factor 1 - mu/L",
                   approx_eq(q_sym, q_factor)),
        Assumption("K_N-log-N", "the inner steps grow like log N: q^(2 K) N <= 1",
                   q_sym ** (2 * K_inner) * N_iter <= 1),
    ),
    source=JI_YANG_LIANG_2021(
        locator="Theorem 2 (ITD-BiO, deterministic: inner steps D = Theta(kappa log(1/eps)),"
        " outer step 1/L_Phi, (1/K) sum_k ||grad Phi(x_k)||^2 = O(1/K) + O(eps))",
        locator_checked=False,
        note=TRIED_JI_YANG_LIANG
        + "stated here as an order in the number N of outer steps with the inner "
        "accuracy tied to N (q^{2K_N} <= 1/N so the squared hypergradient bias is O(1/N)); "
        "theorem number and constants not read against the text. An explicit constant is "
        "bilevel.hgd.inexact-min-grad-norm",
    ),
    order_variable="N",
)

DARTS_GRADIENT_EVALUATIONS = Bound(
    id="bilevel.darts.gradient-evaluations-per-step",
    family="bilevel",
    title="Gradient evaluations per DARTS step (first and second order)",
    quantity="gradient_evaluations_per_step",
    quantity_description="forward+backward passes of one loss per DARTS step (architecture "
    "step and weight step); s = 0 first order, s = 1 second order",
    quantity_latex=r"\#\mathrm{grad\ evals/step}",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=2 + 3 * second_order,
    symbols={"s": "1 for second-order DARTS (finite difference), 0 for first order"},
    assumptions=(
        Assumption("weight-gradient-recomputed", "the weight step's gradient of L_train is "
                   "computed at the updated alpha (as in DARTS's code), not reused from the "
                   "virtual step", weight_gradient_recomputed),
        Assumption("s-in-{0,1}", "s is 0 or 1",
                   sp.Or(sp.Eq(second_order, 0), sp.Eq(second_order, 1))),
    ),
    source=DARTS_2019(
        locator="Algorithm 1 (step 1: descend grad_a L_val(w - xi grad_w L_train(w, a), a), "
        "xi = 0 for first order; step 2: descend grad_w L_train(w, a)) and Sec. 2.3, eqs. "
        "(6)-(8): the second order adds the virtual step w' = w - xi grad_w L_train(w, a) "
        "and grad_a L_train(w+-, a)",
        derived=True,
        locator_checked=True,
        note="count derived here: first order 1 (L_val) + 1 (weight step) = 2; second order "
        "1 (virtual step) + 1 (L_val at w', both gradients) + 2 (finite difference) + 1 "
        "(weight step) = 5",
    ),
    tight=True,
    tight_note="an exact count",
)

DARTS_COST_RATIO = Bound(
    id="bilevel.darts.cost-ratio",
    family="bilevel",
    title="Second- to first-order DARTS: ratio of passes per step",
    quantity="second_to_first_order_cost_ratio",
    quantity_description="gradient evaluations per second-order step / per first-order step "
    "(the time ratio when every pass costs the same)",
    quantity_latex=r"\frac{\#\mathrm{evals}_{2\mathrm{nd}}}{\#\mathrm{evals}_{1\mathrm{st}}}",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=DARTS_GRADIENT_EVALUATIONS.expression.subs(second_order, 1)
    / DARTS_GRADIENT_EVALUATIONS.expression.subs(second_order, 0),
    symbols={},
    assumptions=(
        DARTS_GRADIENT_EVALUATIONS.assumptions[0],
        Assumption("equal-pass-cost", "every forward+backward pass costs the same (same batch "
                   "size for L_train and L_val); needed only to read the ratio as time",
                   equal_pass_cost),
    ),
    source=DARTS_2019(
        locator="Sec. 2.3, after eq. (8) (evaluating the finite difference requires only two "
        "forward passes for the weights and two backward passes for alpha)",
        derived=True,
        locator_checked=True,
        note="5/2 from bilevel.darts.gradient-evaluations-per-step",
        rests_on=("bilevel.darts.gradient-evaluations-per-step",),
    ),
    tight=True,
    tight_note="an exact count",
)

SUPERNET_MEMORY = Bound(
    id="bilevel.darts.supernet-activation-memory",
    family="bilevel",
    title="Supernet: candidate-operation outputs kept for the backward pass",
    quantity="supernet_activation_floats",
    quantity_description="floats of the candidate operations' outputs stored for one "
    "forward pass of the supernet (every edge evaluates every candidate op on a B x C x S x S "
    "input and keeps its output for the mixed-op gradient)",
    quantity_latex=r"\#\mathrm{stored\ op\ outputs}",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=E_edges * O_ops * B_batch * C_ch * S_side**2,
    symbols={"E": "edges (DARTS cell with n intermediate nodes: n(n+3)/2, 14 for n = 4)",
             "O": "candidate operations per edge (8 in DARTS)", "B": "batch size",
             "C": "channels", "S": "spatial side of the feature maps"},
    assumptions=(
        Assumption("one-output-per-op", "each candidate op maps a B x C x S x S tensor to one "
                   "of the same shape (stride 1, internal buffers not counted)",
                   one_output_per_op),
    ),
    source=DARTS_2019(
        locator="Sec. 2.2, eq. (2) (the mixed operation: a softmax-weighted sum of all "
        "candidate operations on every edge); Sec. 3.1.1 (N = 7 nodes, 8 operations with "
        "zero); App. C (14 edges, 7 non-zero operations)",
        derived=True,
        locator_checked=True,
        note="count derived here: the paper gives no memory formula, only that the search "
        "network was sized to fit one GPU (App. A.1.1: 8 cells, 16 channels, batch 64; App. "
        "B: channels cut from 16 to 6 for 20 cells 'due to memory budget')",
    ),
    tight=True,
    tight_note="an exact count",
)

A_TWICE = Assumption("twice-differentiable", "g is twice continuously differentiable and f "
                     "continuously differentiable", twice_differentiable)
A_AT_SOLUTION = Assumption("at-inner-solution", "the architecture gradient is taken at w = "
                           "w*(a), the exact inner minimiser", at_inner_solution)

DARTS_FIRST_ORDER_ERROR = Bound(
    id="bilevel.darts.first-order-error",
    family="bilevel",
    title="First-order DARTS (xi = 0) at the inner optimum: hypergradient error",
    quantity="hypergradient_error",
    quantity_description="||h_1 - grad F(a)|| with h_1 = grad_a f(w*(a), a), DARTS's first-"
    "order architecture gradient (xi = 0) evaluated at the exact inner minimiser",
    quantity_latex=r"\|\nabla_\alpha f(w^*,\alpha)-\nabla F(\alpha)\|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=norm_B * norm_gwf / mu,
    symbols={"normB": "||grad^2_{aw} g(w*(a), a)||_2 (||B||_2 on bilevel quadratics)",
             "normGwf": "||grad_w f(w*(a), a)||", "mu": "strong-convexity modulus of g(., a)"},
    assumptions=(A_STRONG, A_TWICE, A_AT_SOLUTION),
    source=DARTS_2019(
        locator="Sec. 2.3, 'First-order Approximation' paragraph: eq. (7) with xi = 0, "
        "grad_a L_val(w, a), 'assuming the current w is the same as w*(a)'",
        derived=True,
        locator_checked=True,
        note="DARTS states the first-order approximation, not its error. Derived here from "
        "the implicit-function formula (bilevel.hypergradient.ift-identity): h_1 - grad F = "
        "grad^2_{aw} g (grad^2_ww g)^{-1} grad_w f, ||(grad^2_ww g)^{-1}|| <= 1/mu; steps in "
        "proofs_checks.proofs.symbolic_bilevel",
        rests_on=("bilevel.hypergradient.ift-identity",),
    ),
    tight=True,
    tight_note="attained when grad_w f is an eigenvector of grad^2_ww g for mu and "
    "grad^2_{aw} g attains its norm on it (the aligned bilevel quadratic)",
)

DARTS_SECOND_ORDER_ERROR = Bound(
    id="bilevel.darts.second-order-error",
    family="bilevel",
    title="Second-order DARTS (one unrolled step xi) at the inner optimum, bilevel "
    "quadratic: hypergradient error",
    quantity="hypergradient_error",
    quantity_description="||h_2 - grad F(a)|| with h_2 = grad_a f(w', a) - xi (grad_a g(w+, a)"
    " - grad_a g(w-, a))/(2 eps), w' = w - xi grad_w g(w, a), w+- = w +- eps grad_w f(w', a),"
    " taken at w = w*(a)",
    quantity_latex=r"\|h_{2}(\alpha)-\nabla F(\alpha)\|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=norm_B * norm_gwf * sp.Max(sp.Abs(1 / mu - xi), sp.Abs(1 / L - xi)),
    symbols={"normB": "||grad^2_{aw} g||_2 = ||B||_2", "normGwf": "||grad_w f(w*(a), a)||",
             "mu": "smallest eigenvalue of grad^2_ww g = A",
             "L": "largest eigenvalue of grad^2_ww g = A", "xi": "DARTS's virtual step"},
    assumptions=(A_QUADRATIC, A_STRONG, A_AT_SOLUTION),
    source=DARTS_2019(
        locator="Sec. 2.3, eqs. (6)-(8): the one-step unrolled approximation w' = w - xi "
        "grad_w L_train (eq. 6), its chain rule (eq. 7) and the finite-difference "
        "second-order term (eq. 8)",
        derived=True,
        locator_checked=True,
        note="DARTS states the approximation, not its error. Derived here: h_2 is the exact "
        "derivative of a -> f(w - xi grad_w g(w, a), a) up to xi times the finite-difference "
        "error (zero on quadratics, bilevel.darts.fd-hvp-error in general); at w = w* the "
        "virtual step does not move (w' = w*), so h_2 - grad F = grad^2_{aw} g (A^{-1} - xi I) "
        "grad_w f and ||A^{-1} - xi I|| = max over spec(A) in [mu, L] of |1/lambda - xi|. "
        "xi = 0 gives bilevel.darts.first-order-error; the best xi is (1/mu + 1/L)/2 with "
        "value ||B|| ||grad_w f|| (1/mu - 1/L)/2, and the bound beats the first-order one "
        "only for 0 < xi < 1/mu + 1/L. Steps in proofs_checks.proofs.symbolic_bilevel",
        rests_on=("bilevel.hypergradient.ift-identity", "bilevel.darts.fd-hvp-error"),
    ),
    tight=True,
    tight_note="attained for xi <= (1/mu + 1/L)/2 by the aligned bilevel quadratic "
    "(grad_w f along the eigenvector of mu)",
)

BOUNDS: tuple[Bound, ...] = (
    IFT_IDENTITY,
    ITD_ERROR,
    AID_NEUMANN_ERROR,
    FD_HVP_ERROR,
    HGD_INEXACT,
    HGD_ORDER,
    DARTS_GRADIENT_EVALUATIONS,
    DARTS_COST_RATIO,
    SUPERNET_MEMORY,
    DARTS_FIRST_ORDER_ERROR,
    DARTS_SECOND_ORDER_ERROR,
)
