"""Operation counts of the building blocks (sorting, selection) as exact statements."""

from __future__ import annotations

from functools import partial

from theory.bound import Assumption, Bound, Direction, Mode, Source
from theory.symbols import M, N_points

DEB_2002 = partial(
    Source,
    authors="K. Deb, A. Pratap, S. Agarwal and T. Meyarivan",
    title="A fast and elitist multiobjective genetic algorithm: NSGA-II",
    venue="IEEE Transactions on Evolutionary Computation 6(2):182-197",
    year=2002,
)

FAST_NDS_COMPARISONS = Bound(
    id="nds.deb2002.pair-comparisons",
    family="complexity",
    title="Fast non-dominated sorting: every ordered pair compared once",
    quantity="pair_comparisons",
    quantity_description="dominance comparisons made by the first phase of fast "
    "non-dominated sorting (each costs M objective comparisons)",
    quantity_latex=r"C_{\mathrm{dom}}(N)",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=N_points * (N_points - 1),
    symbols={"N": "number of points sorted"},
    assumptions=(Assumption("N>=1", "at least one point", N_points >= 1),
                 Assumption("M>=1", "at least one objective", M >= 1)),
    source=DEB_2002(
        locator="Sec. III-A, fast-non-dominated-sort: each p is compared with every q in P, "
        "hence O(M N^2)",
        note="the self-comparison p = q of the published pseudo-code decides nothing and is"
        " skipped, so the count is exactly N(N-1); objective comparisons are M N(N-1)",
    ),
    tight=True,
)

BOUNDS: tuple[Bound, ...] = (FAST_NDS_COMPARISONS,)
