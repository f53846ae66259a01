"""Every symbol the bounds use, declared once with its sympy assumptions.

``Symbol('L', positive=True)`` and ``Symbol('L')`` are different symbols to sympy, so every
bound takes its symbols from here (STYLE.md pattern 3). Names match the papers: ``N`` is
the number of iterations in the gradient bounds and the population size in the
evolutionary ones; no bound uses both meanings.
"""

from __future__ import annotations

import sympy as sp

# -- first-order methods -----------------------------------------------------------------
L = sp.Symbol("L", positive=True)  # Lipschitz constant of the gradient
mu = sp.Symbol("mu", positive=True)  # strong-convexity modulus
h = sp.Symbol("h", positive=True)  # absolute step size (as in Nesterov)
h_norm = sp.Symbol("h_norm", positive=True)  # normalised step: the step is h_norm / L
N_iter = sp.Symbol("N", integer=True, nonnegative=True)  # number of iterations
k = sp.Symbol("k", integer=True, nonnegative=True)  # iteration index
R = sp.Symbol("R", nonnegative=True)  # ||x_0 - x*||
f0_gap = sp.Symbol("Delta", nonnegative=True)  # f(x_0) - f*
sigma = sp.Symbol("sigma", nonnegative=True)  # std. dev. bound of the stochastic gradient
gamma = sp.Symbol("gamma", positive=True)  # constant SGD step
S1 = sp.Symbol("S_1", positive=True)  # sum of the SGD steps
S2 = sp.Symbol("S_2", positive=True)  # sum of the squared SGD steps
D_tilde = sp.Symbol("Dtilde", positive=True)  # free parameter of Ghadimi-Lan Cor. 2.2

# structural properties of an instance (boolean symbols an instance sets)
smooth = sp.Symbol("L_smooth")  # gradient is L-Lipschitz with the L given
convex = sp.Symbol("convex")
strongly_convex = sp.Symbol("mu_strongly_convex")  # mu-strongly convex with the mu given
bounded_below = sp.Symbol("bounded_below")  # f* > -infinity
unbiased = sp.Symbol("unbiased_oracle")  # E[G(x)] = grad f(x)
variance_bounded = sp.Symbol("variance_bounded")  # E||G(x) - grad f(x)||^2 <= sigma^2

# -- evolutionary multi-objective ----------------------------------------------------------
n = sp.Symbol("n", integer=True, positive=True)  # bit-string length
N_pop = sp.Symbol("N", integer=True, positive=True)  # population size
H_n = sp.Symbol("H_n", positive=True)  # harmonic number sum_{i=1}^n 1/i
p_sel = sp.Symbol("p_sel", positive=True)  # prob. a given parent is selected at least once
q_mut = sp.Symbol("q_mut", positive=True)  # n x P(mutation flips one given bit, no other)
no_crossover = sp.Symbol("no_crossover")
fair_or_uniform = sp.Symbol("fair_or_uniform_selection")
standard_mutation = sp.Symbol("one_bit_or_bitwise_mutation")

# -- complexity ----------------------------------------------------------------------------
M = sp.Symbol("M", integer=True, positive=True)  # number of objectives
N_points = sp.Symbol("N", integer=True, positive=True)  # number of points sorted
