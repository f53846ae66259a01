"""analysis: pure functions on run data (indicators, statistical tests, scaling fits).

Never runs a solver. Functions take plain arrays of one documented shape and return small
typed records with a point estimate and an interval or p-value.
"""
