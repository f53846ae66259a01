"""solvers: problems with ground truth, instrumented algorithms, traces and the run store.

Knows nothing of bounds: it runs algorithms on problems and records what happened.
"""
