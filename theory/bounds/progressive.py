"""Bounds of the progressive family (filled in by issue 3); see theory/registry.py."""

from __future__ import annotations

from theory.bound import Bound

BOUNDS: tuple[Bound, ...] = ()
