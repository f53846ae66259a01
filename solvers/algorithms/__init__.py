"""Instrumented algorithms; ``solvers.registry`` maps names to them."""
