"""Bounds of Bayesian optimisation: GP-UCB regret and maximum information gain.

Source: Srinivas, Krause, Kakade & Seeger (ICML 2010). Setting: a kernel k with
k(x, x) <= 1, observations y_t = f(x_t) + eps_t with noise variance sigma^2, GP-UCB picks
x_t = argmax mu_{t-1}(x) + beta_t^{1/2} sigma_{t-1}(x); the cumulative regret is
R_T = sum_{t<=T} (f(x*) - f(x_t)) and gamma_T = max_{|A| = T} 1/2 log det(I + sigma^-2 K_A)
the maximum information gain. The regret bounds hold with probability >= 1 - delta,
simultaneously for all T >= 1 (Mode.HIGH_PROBABILITY; the checks test the level delta).
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from theory.bound import Assumption, Bound, Direction, Mode, Source

SRINIVAS_2010 = partial(
    Source,
    authors="N. Srinivas, A. Krause, S. M. Kakade and M. Seeger",
    title="Gaussian Process Optimization in the Bandit Setting: No Regret and Experimental "
    "Design",
    venue="ICML 2010, pp. 1015-1022 (arXiv:0912.3995)",
    year=2010,
)
#: where the numbers below were read: the longer version arXiv:0912.3995 (its footnote 1: "the
#: longer version of our paper in ICML 2010"); Theorems 1-5 are in the main text, Lemma 5.3 in
#: Appendix A.1, which the 8-page ICML paper does not print
LONG_VERSION = "arXiv:0912.3995 (longer version of the ICML paper)"

# -- symbols (declared once here; theory.symbols has no bandit symbols) -------------------
T = sp.Symbol("T", integer=True, positive=True)  # horizon
D_size = sp.Symbol("D_size", integer=True, positive=True)  # |D|
delta = sp.Symbol("delta", positive=True)  # failure probability
s_noise = sp.Symbol("sigma", positive=True)  # noise standard deviation of the model
gamma_T = sp.Symbol("gamma_T", positive=True)  # (an upper bound on) max information gain
B_norm = sp.Symbol("B", positive=True)  # RKHS norm bound
f_norm = sp.Symbol("f_norm", nonnegative=True)  # ||f||_k of the instance
k_max = sp.Symbol("k_max", positive=True)  # max_x k(x, x)
d_dim = sp.Symbol("d", integer=True, positive=True)  # input dimension
nu = sp.Symbol("nu", positive=True)  # Matern smoothness
log_sum = sp.Symbol("S_T", nonnegative=True)  # sum_t log(1 + sigma^-2 sigma_{t-1}^2(x_t))
sigma_det = sp.Symbol("sigma_det", positive=True)  # noise std used in the determinant

f_prior = sp.Symbol("f_sampled_from_GP_prior")
gauss_noise = sp.Symbol("gaussian_noise_with_model_variance")
bounded_noise = sp.Symbol("noise_bounded_by_sigma")
finite_domain = sp.Symbol("finite_domain")
compact_convex = sp.Symbol("compact_convex_domain")

C1 = 8 / sp.log(1 + s_noise**-2)
BETA_T1 = 2 * sp.log(D_size * T**2 * sp.pi**2 / (6 * delta))
BETA_T3 = 2 * B_norm**2 + 300 * gamma_T * sp.log(T / delta) ** 3

A_KMAX = Assumption("k(x,x)<=1", "the kernel is bounded: k(x, x) <= 1 on D", k_max <= 1)
A_DELTA = Assumption("0<delta<1", "the failure probability is in (0, 1)", delta < 1)
A_FINITE = Assumption("finite-D", "the domain D is finite", finite_domain)
A_PRIOR = Assumption("f~GP(0,k)", "f is a sample of the GP with mean 0 and covariance k "
                     "(the kernel GP-UCB uses)", f_prior)
A_GAUSS = Assumption("noise-N(0,sigma^2)", "the noise is i.i.d. N(0, sigma^2) with the sigma "
                     "of the bound and of the posterior", gauss_noise)

_REGRET = dict(
    family="bayesopt",
    quantity="cumulative_regret",
    quantity_description="R_T = sum_{t=1}^{T} (f(x*) - f(x_t)) of GP-UCB; the claim holds "
    "with probability >= 1 - delta for all T >= 1 at once",
    quantity_latex="R_T",
    direction=Direction.UPPER,
    mode=Mode.HIGH_PROBABILITY,
)

GPUCB_FINITE = Bound(
    id="bayesopt.gp-ucb.finite-regret",
    title="GP-UCB on a finite domain, f drawn from the GP prior: regret bound",
    expression=sp.sqrt(C1 * T * BETA_T1 * gamma_T),
    symbols={"T": "horizon", "D_size": "|D|, the number of domain points",
             "delta": "failure probability", "sigma": "noise standard deviation",
             "gamma_T": "maximum information gain after T steps (or an upper bound on it)"},
    definitions={"C1": "8 / log(1 + sigma^-2)",
                 "beta_t": "2 log(|D| t^2 pi^2 / (6 delta)), the schedule GP-UCB runs with",
                 "gamma_T": "max over multisets A of T points of 1/2 log det(I + sigma^-2 K_A);"
                 " the checks use (1 - 1/e)^-1 times the greedy value, an upper bound"},
    assumptions=(A_KMAX, A_DELTA, A_FINITE, A_PRIOR, A_GAUSS),
    source=SRINIVAS_2010(
        locator=f"Theorem 1 ({LONG_VERSION}, Sec. 4)",
        note="Pr{R_T <= sqrt(C1 T beta_T gamma_T) for all T >= 1} >= 1 - delta with "
        "beta_t = 2 log(|D| t^2 pi^2/(6 delta)) and C1 = 8/log(1 + sigma^-2)",
    ),
    **_REGRET,  # type: ignore[arg-type]
)

GPUCB_RKHS = Bound(
    id="bayesopt.gp-ucb.rkhs-regret",
    title="GP-UCB, f of bounded RKHS norm, bounded noise: regret bound",
    expression=sp.sqrt(C1 * T * BETA_T3 * gamma_T),
    symbols={"T": "horizon", "delta": "failure probability",
             "sigma": "noise bound (and the model's noise standard deviation)",
             "B": "bound on the RKHS norm ||f||_k",
             "gamma_T": "maximum information gain after T steps (or an upper bound on it)"},
    definitions={"C1": "8 / log(1 + sigma^-2)",
                 "beta_t": "2 B^2 + 300 gamma_t log^3(t / delta), the schedule GP-UCB runs "
                 "with (gamma_t replaced by the same upper bound)"},
    assumptions=(
        A_KMAX, A_DELTA,
        Assumption("||f||_k<=B", "f lies in the RKHS of k with norm at most B",
                   f_norm <= B_norm),
        Assumption("noise-bounded", "the noise is a martingale difference sequence bounded "
                   "by sigma in absolute value", bounded_noise),
    ),
    source=SRINIVAS_2010(
        locator=f"Theorem 3 ({LONG_VERSION}, Sec. 4)",
        note="Pr{R_T <= sqrt(C1 T beta_T gamma_T) for all T >= 1} >= 1 - delta for f in the "
        "RKHS of k and noise with zero mean given the history, bounded by sigma almost surely."
        " arXiv:0912.3995 writes the norm bound on the square, ||f||_k^2 <= B, with beta_t = "
        "2 B + 300 gamma_t log^3(t/delta); here B bounds ||f||_k itself, so its B^2 is their B",
    ),
    notes="a larger beta_t than the theorem's (an upper bound on gamma_t in it) keeps the "
    "proof valid: it only needs beta_t above the confidence width and nondecreasing",
    **_REGRET,  # type: ignore[arg-type]
)

INFO_GAIN_IDENTITY = Bound(
    id="bayesopt.info-gain.lemma5.3",
    family="bayesopt",
    title="Information gain of the chosen points equals the sum of posterior variance terms",
    quantity="information_gain_logdet",
    quantity_description="1/2 log det(I + sigma^-2 K_T) of the T points GP-UCB chose "
    "(K_T their kernel matrix, repeats allowed)",
    quantity_latex=r"\tfrac12\log\det(I+\sigma^{-2}K_T)",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=log_sum / 2,
    symbols={"S_T": "sum_{t=1}^{T} log(1 + sigma^-2 sigma_{t-1}^2(x_t)), the posterior "
             "variance terms GP-UCB saw at its own choices"},
    definitions={"S_T": "sigma_{t-1}^2(x_t) is the posterior variance at the t-th chosen "
                 "point given the first t-1 observations, with noise variance sigma^2"},
    assumptions=(
        Assumption("same-sigma", "the determinant and the posterior variances use the same "
                   "noise variance", sp.Eq(sigma_det, s_noise)),
    ),
    source=SRINIVAS_2010(
        locator=f"Lemma 5.3 ({LONG_VERSION}, Appendix A.1)",
        note="I(y_T; f_T) = 1/2 sum_t log(1 + sigma^-2 sigma_{t-1}^2(x_t)); the left side is "
        "1/2 log det(I + sigma^-2 K_T) (their Sec. 2.2)",
    ),
    tight=True,
    notes="proved by the chain rule of mutual information, or the matrix determinant lemma "
    "det [[A, b], [b', c]] = det(A) (c - b' A^-1 b) (proofs_checks.proofs.symbolic_counting)",
)

_GAMMA = dict(
    family="bayesopt",
    quantity="max_information_gain",
    quantity_description="gamma_T, the maximum over T-point multisets of 1/2 log det(I + "
    "sigma^-2 K_A), as a function of T (d, nu, sigma and the kernel fixed)",
    quantity_latex=r"\gamma_T",
    direction=Direction.UPPER,
    mode=Mode.ORDER,
    order_variable="T",
)
A_COMPACT = Assumption("compact-convex-D", "D is a compact convex subset of R^d",
                       compact_convex)

GAMMA_LINEAR = Bound(
    id="bayesopt.info-gain.linear-order",
    title="Maximum information gain, linear kernel: O(d log T)",
    expression=d_dim * sp.log(T),
    symbols={"T": "number of points", "d": "input dimension"},
    assumptions=(A_KMAX, A_COMPACT),
    source=SRINIVAS_2010(locator=f"Theorem 5, item 1 (finite spectrum; {LONG_VERSION}, "
                         "Sec. 5.2)",
                         note="gamma_T = O(d log T) for d-dimensional Bayesian linear "
                         "regression, D compact convex in R^d, k(x, x') <= 1"),
    **_GAMMA,  # type: ignore[arg-type]
)

GAMMA_SE = Bound(
    id="bayesopt.info-gain.se-order",
    title="Maximum information gain, squared exponential kernel: O((log T)^(d+1))",
    expression=sp.log(T) ** (d_dim + 1),
    symbols={"T": "number of points", "d": "input dimension"},
    assumptions=(A_KMAX, A_COMPACT),
    source=SRINIVAS_2010(locator=f"Theorem 5, item 2 (exponential spectral decay; "
                         f"{LONG_VERSION}, Sec. 5.2)",
                         note="gamma_T = O((log T)^(d+1)) for the squared exponential kernel"),
    **_GAMMA,  # type: ignore[arg-type]
)

GAMMA_MATERN = Bound(
    id="bayesopt.info-gain.matern-order",
    title="Maximum information gain, Matern kernel (nu > 1): "
    "O(T^(d(d+1)/(2 nu + d(d+1))) log T)",
    expression=T ** (d_dim * (d_dim + 1) / (2 * nu + d_dim * (d_dim + 1))) * sp.log(T),
    symbols={"T": "number of points", "d": "input dimension", "nu": "Matern smoothness"},
    assumptions=(A_KMAX, A_COMPACT,
                 Assumption("nu>1", "the Matern smoothness exceeds 1", nu > 1)),
    source=SRINIVAS_2010(locator=f"Theorem 5, item 3 (power-law spectral decay; "
                         f"{LONG_VERSION}, Sec. 5.2)",
                         note="gamma_T = O(T^(d(d+1)/(2nu+d(d+1))) log T) for Matern kernels "
                         "with nu > 1"),
    **_GAMMA,  # type: ignore[arg-type]
)

BOUNDS: tuple[Bound, ...] = (GPUCB_FINITE, GPUCB_RKHS, INFO_GAIN_IDENTITY, GAMMA_LINEAR,
                             GAMMA_SE, GAMMA_MATERN)
