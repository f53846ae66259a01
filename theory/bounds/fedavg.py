"""FedAvg on non-IID data: the O(1/T) bounds of Li, Huang, Yang, Wang and Zhang (ICLR 2020).

The federated objective is F(w) = sum_k p_k F_k(w) over N devices with weights p_k
(p_k >= 0, sum p_k = 1). FedAvg runs E local SGD steps on each participating device, then
the server averages. Every step counts: T is the number of local SGD iterations (so
T / E communication rounds), w_T the server's model after the last round.

Assumptions (Sec. 3.1 of the paper, as predicates an instance sets):

1. every F_k is L-smooth;                       (``L_smooth``)
2. every F_k is mu-strongly convex;             (``mu_strongly_convex``)
3. E||grad F_k(w, xi) - grad F_k(w)||^2 <= sigma_k^2 along the iterates;  (``variance_bounded``)
4. E||grad F_k(w, xi)||^2 <= G^2 along the iterates (k = 1..N, t = 1..T-1). (``gradient_bounded``)

Heterogeneity is Gamma = F* - sum_k p_k F_k* >= 0 (zero for IID data as T grows).

Theorem 1 (full participation), with kappa = L/mu, gamma = max{8 kappa, E} and the step
eta_t = 2/(mu (gamma + t)):

    E[F(w_T)] - F* <= kappa / (gamma + T - 1) * (2 B / mu + mu gamma / 2 * ||w_0 - w*||^2),
    B = sum_k p_k^2 sigma_k^2 + 6 L Gamma + 8 (E - 1)^2 G^2.

Theorems 2 and 3 (partial participation, K devices per round) replace B by B + C:
scheme I (K indices drawn i.i.d. with replacement by p, simple average of the K models)
C = 4/K E^2 G^2; scheme II (K indices uniformly without replacement, balanced data
p_k = 1/N, simple average) C = (N - K)/(N - 1) * 4/K E^2 G^2.

Indexing. The paper writes the start as w_1; here ``D0 = ||w_0 - w*||^2`` is the squared
distance of the start and T counts the SGD steps taken from it with eta_t, t = 0..T-1.
The proof's recursion Delta_{t+1} <= (1 - mu eta_t) Delta_t + eta_t^2 B gives, for this
indexing, Delta_T <= max{4B/mu^2, gamma D0}/(gamma + T), hence a value below the
expression encoded here by the factor (gamma + T - 1)/(gamma + T): the encoded bound is the
paper's expression and, read with this indexing, conservative (never optimistic).

These are upper bounds in expectation (Mode.EXPECTATION): the checks test the mean over
seeds against them and report the tightness measured / bound (the bounds are loose by
orders of magnitude on the instances we can build: the 8 (E-1)^2 G^2 and 4 E^2 G^2 / K
terms dominate).
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from theory.bound import Assumption, Bound, Direction, Mode, Source, approx_eq
from theory.symbols import L, mu, smooth, strongly_convex, variance_bounded

__all__ = ["BOUNDS", "FEDAVG_FULL", "FEDAVG_SCHEME_I", "FEDAVG_SCHEME_II", "b_term",
           "c_scheme_i", "c_scheme_ii", "gamma_of"]

LI_2020 = partial(
    Source,
    authors="X. Li, K. Huang, W. Yang, S. Wang and Z. Zhang",
    title="On the Convergence of FedAvg on Non-IID Data",
    venue="ICLR 2020 (arXiv:1907.02189v4)",
    year=2020,
    locator_checked=False,
    note="tried: the search tool's stored pages (arXiv 1907.02189 copies on deeplearn.org, "
    "arxiv-vanity, a raw-TeX data set) gave the abstract and the introduction; the theorem "
    "statements were not read there, so the constants (gamma = max{8 kappa, E}, eta_t = "
    "2/(mu(gamma+t)), B = sum p_k^2 sigma_k^2 + 6 L Gamma + 8 (E-1)^2 G^2, C = 4 E^2 G^2 / K "
    "and (N-K)/(N-1) 4 E^2 G^2 / K) are quoted from the published text as recalled and must "
    "be verified against Sec. 3.2-3.3 of the PDF",
)

# -- symbols (declared once here: only this family uses them) -----------------------------
T_steps = sp.Symbol("T", integer=True, positive=True)  # local SGD iterations in total
E_local = sp.Symbol("E", integer=True, positive=True)  # local steps between averagings
K_part = sp.Symbol("K", integer=True, positive=True)  # devices per round
N_out = sp.Symbol("N_out", integer=True, positive=True)  # devices left out: N - K
Gamma = sp.Symbol("Gamma", nonnegative=True)  # heterogeneity F* - sum p_k F_k*
G = sp.Symbol("G", nonnegative=True)  # bound on the stochastic gradient's norm
S_sigma = sp.Symbol("S_sigma", nonnegative=True)  # sum_k p_k^2 sigma_k^2
D0 = sp.Symbol("D0", nonnegative=True)  # ||w_0 - w*||^2
eta0 = sp.Symbol("eta_0", positive=True)  # the first local step the run took

gradient_bounded = sp.Symbol("gradient_bounded")  # Assumption 4 with the G given
decaying_step = sp.Symbol("step_decays_1_over_t")  # eta_t = eta_0 gamma/(gamma + t)
gamma_exact = sp.Symbol("Gamma_exact")  # Gamma is F* - sum p_k F_k* of the instance
scheme_i = sp.Symbol("sampling_scheme_I")
scheme_ii = sp.Symbol("sampling_scheme_II")
balanced = sp.Symbol("balanced_p")  # p_k = 1/N for every k


def gamma_of(L_: sp.Expr, mu_: sp.Expr, E_: sp.Expr) -> sp.Expr:
    """gamma = max{8 kappa, E} (Theorem 1)."""
    return sp.Max(8 * L_ / mu_, E_)


def b_term() -> sp.Expr:
    """B = sum p_k^2 sigma_k^2 + 6 L Gamma + 8 (E - 1)^2 G^2 (Theorem 1)."""
    return S_sigma + 6 * L * Gamma + 8 * (E_local - 1) ** 2 * G**2


def c_scheme_i() -> sp.Expr:
    """C = 4/K E^2 G^2 (Theorem 2, scheme I)."""
    return 4 * E_local**2 * G**2 / K_part


def c_scheme_ii() -> sp.Expr:
    """C = (N - K)/(N - 1) 4/K E^2 G^2 (Theorem 3, scheme II), written with N_out = N - K
    (>= 1 under the theorem's K < N), so that no denominator vanishes: (N - K)/(N - 1) =
    N_out/(N_out + K - 1)."""
    return N_out / (N_out + K_part - 1) * 4 * E_local**2 * G**2 / K_part


def _rate(b: sp.Expr) -> sp.Expr:
    kappa = L / mu
    gam = gamma_of(L, mu, E_local)
    return kappa / (gam + T_steps - 1) * (2 * b / mu + mu * gam / 2 * D0)


_SYMBOLS = {
    "L": "smoothness constant of every F_k",
    "mu": "strong-convexity modulus of every F_k",
    "T": "local SGD iterations in total (T/E communication rounds)",
    "E": "local SGD steps between two averagings",
    "Gamma": "heterogeneity F* - sum_k p_k F_k*",
    "G": "bound on sqrt(E||grad F_k(w, xi)||^2) along the iterates (Assumption 4)",
    "S_sigma": "sum_k p_k^2 sigma_k^2 (Assumption 3)",
    "D0": "||w_0 - w*||^2",
}

A_SMOOTH = Assumption("L-smooth", "every F_k is L-smooth (Assumption 1)", smooth)
A_STRONG = Assumption("mu-strongly-convex", "every F_k is mu-strongly convex (Assumption 2)",
                      strongly_convex)
A_VARIANCE = Assumption("variance-sigma_k^2", "E||grad F_k(w, xi) - grad F_k(w)||^2 <= "
                        "sigma_k^2 (Assumption 3)", variance_bounded)
A_GRADIENT = Assumption("bounded-gradient-G^2", "E||grad F_k(w_t^k, xi_t^k)||^2 <= G^2 for "
                        "every k and t (Assumption 4, along the iterates)", gradient_bounded)
A_GAMMA = Assumption("Gamma-definition", "Gamma is the instance's F* - sum_k p_k F_k*",
                     gamma_exact)
A_DECAY = Assumption("decaying-step", "the step decays as eta_t = eta_0 gamma / (gamma + t) "
                     "(t counts local iterations)", decaying_step)
A_STEP0 = Assumption("step-2/(mu gamma)", "the first step is eta_0 = 2/(mu gamma), gamma = "
                     "max{8 L/mu, E}",
                     approx_eq(eta0 * mu * gamma_of(L, mu, E_local), sp.Integer(2)))
A_E = Assumption("E>=1", "at least one local step per round", E_local >= 1)

_COMMON = (A_SMOOTH, A_STRONG, A_VARIANCE, A_GRADIENT, A_GAMMA, A_DECAY, A_STEP0, A_E)

_Q = "final_gap"
_Q_TEXT = "F(w_T) - F* of the server's model after T local iterations (T/E rounds)"
_Q_LATEX = r"F(w_T)-F^\star"

FEDAVG_FULL = Bound(
    id="fedavg.full.li2020-thm1",
    family="fedavg",
    title="FedAvg, full device participation, strongly convex non-IID: O(1/T)",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=_rate(b_term()),
    symbols=_SYMBOLS,
    assumptions=_COMMON,
    source=LI_2020(locator="Theorem 1 (Sec. 3.2), Assumptions 1-4 (Sec. 3.1)"),
    definitions={"gamma": "max{8 L/mu, E}", "B": "S_sigma + 6 L Gamma + 8 (E-1)^2 G^2"},
    notes="upper bound in expectation; the check reports measured/bound (tightness)",
    quantity=_Q, quantity_description=_Q_TEXT, quantity_latex=_Q_LATEX,
)

FEDAVG_SCHEME_I = Bound(
    id="fedavg.scheme-i.li2020-thm2",
    family="fedavg",
    title="FedAvg, partial participation, scheme I (with replacement by p_k)",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=_rate(b_term() + c_scheme_i()),
    symbols={**_SYMBOLS, "K": "devices sampled per round"},
    assumptions=(*_COMMON,
                 Assumption("scheme-I", "S_t: K indices i.i.d. with replacement, P(k) = p_k; "
                            "the server takes the simple average of the K models "
                            "(Assumption 5)", scheme_i)),
    source=LI_2020(locator="Theorem 2 and Assumption 5 (Sec. 3.3)"),
    definitions={"gamma": "max{8 L/mu, E}", "C": "4 E^2 G^2 / K"},
    notes="upper bound in expectation over the sampling and the SGD noise",
    quantity=_Q, quantity_description=_Q_TEXT, quantity_latex=_Q_LATEX,
)

FEDAVG_SCHEME_II = Bound(
    id="fedavg.scheme-ii.li2020-thm3",
    family="fedavg",
    title="FedAvg, partial participation, scheme II (uniform without replacement, balanced)",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=_rate(b_term() + c_scheme_ii()),
    symbols={**_SYMBOLS, "K": "devices sampled per round",
             "N_out": "devices not sampled per round, N - K"},
    assumptions=(*_COMMON,
                 Assumption("scheme-II", "S_t: K indices uniformly without replacement; the "
                            "server takes the simple average (Assumption 6)", scheme_ii),
                 Assumption("balanced", "p_k = 1/N for every device (Assumption 6)",
                            balanced),
                 Assumption("1<=K<N", "at least one and fewer than N devices per round "
                            "(N_out = N - K >= 1)", sp.And(K_part >= 1, N_out >= 1))),
    source=LI_2020(locator="Theorem 3 and Assumption 6 (Sec. 3.3)"),
    definitions={"gamma": "max{8 L/mu, E}", "C": "(N-K)/(N-1) 4 E^2 G^2 / K"},
    notes="upper bound in expectation over the sampling and the SGD noise",
    quantity=_Q, quantity_description=_Q_TEXT, quantity_latex=_Q_LATEX,
)

BOUNDS: tuple[Bound, ...] = (FEDAVG_FULL, FEDAVG_SCHEME_I, FEDAVG_SCHEME_II)
