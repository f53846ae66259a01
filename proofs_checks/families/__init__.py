"""The empirical check families: each module holds one family's bounds against instrumented
runs (``Check`` subclasses, their sabotaged settings, and the run plans they register).

``bayesopt`` (GP-UCB), ``bilevel`` (hypergradient descent, DARTS's approximations),
``complexity`` (sorting, counting, search-space sizes), ``eda`` (the compact GA on
OneMax; the QEA's measured scaling), ``emo`` (SEMO/GSEMO and NSGA-II
variants), ``fedavg`` (FedAvg's O(1/T) bounds on federated convex runs), ``gradient`` (GD,
SGD), ``hybrid`` (the shipped hybrid optimiser's own theorems:
front-preserving pruning, the Armijo step, the certified smoothness constant), ``nsga2``
(NSGA-II on OneMinMax / LOTZ), ``nsga2_extra`` (NSGA-II with E extra candidates from a
refinement hook; not the shipped hybrid optimiser), ``progressive`` (successive halving,
Hyperband), ``supernet`` (the TensorFlow supernet). ``proofs_checks.registry`` lists them
all.
"""
