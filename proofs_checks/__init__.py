"""proofs_checks: every bound of the catalogue held against instrumented runs.

A check binds a Bound to problem instances (drawn by Hypothesis or fixed grids) and to a
solver's runs, measures the bound's quantity in the traces, and returns a CheckResult with
the evidence: instances tried, violations with the smallest counterexample, the test
statistic and p-value at a stated level, and the tightness (measured / bound).
"""
