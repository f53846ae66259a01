"""The symbolic proofs: every derived constant and algebraic step of the bound catalogue
re-derived with sympy (``symbolic`` for the first-order and EMO bounds, ``symbolic_bilevel``,
``symbolic_counting``, ``symbolic_emo``, ``symbolic_nsga2_extra`` (NSGA-II with extra
candidates), ``symbolic_hybrid`` (the shipped hybrid optimiser); ``symbolic_all`` runs them
all). Each proof is a checked chain of equalities and inequalities, not a run.
"""
