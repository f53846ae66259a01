"""analysis: pure functions on run data (indicators, statistical tests, scaling fits).

Never runs a solver. Functions take plain arrays of one documented shape and return small
typed records with a point estimate and an interval or p-value. The shape of run data is
documented in ``analysis.comparison`` (a long table: method, problem, seed, measurement,
value) and that of anytime traces in ``analysis.runtime``.
"""
