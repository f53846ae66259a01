"""Run plans: the runs a check, figure or command needs, declared once, by name.

A :class:`RunPlan` is concrete data: one entry per run group (solver, its parameters,
problem, its parameters) and the seeds; ``plan.specs()`` gives the validated run specs in a
fixed order (entry-major, then seed). A :class:`PlanRecipe` is a named family of plans: its
sizes per check profile (``quick``, ``full``) are data in the recipe, and ``build(sizes,
seed, **variant)`` turns sizes into a plan (``variant``: the settings a sabotage changes,
e.g. the selection operator). Recipes live in one registry, :data:`PLANS`, filled by the
modules that own them (``solvers.plans`` for the commands' NAS plans, the check families of
``proofs_checks`` for theirs) when they are imported.

A profile file overrides sizes by plan name (``[plans."nsga2.oneminmax-cover"] seeds =
10``); a check and a figure that name the same plan with the same profile get the same runs,
so a figure reuses the stored runs of the check it illustrates without copying numbers.
``nasbound plans`` lists the recipes, their sizes and which figures read them (the
figures' own registry, ``paper.reproduce.FIGURES``, says which plans each reads).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from solvers.store import RunSpec
from theory.errors import InvalidParameterError, UnknownNameError

__all__ = ["PLANS", "PROFILES", "PlanEntry", "PlanRecipe", "RunPlan", "override_sizes", "plan",
           "register_plan"]

#: the check profiles every recipe gives sizes for
PROFILES = ("quick", "full")

Sizes = Mapping[str, Any]


@dataclass(frozen=True)
class PlanEntry:
    """One run group of a plan: a solver with its parameters on one problem instance."""

    solver: str
    solver_params: Mapping[str, Any]
    problem: str
    problem_params: Mapping[str, Any]


@dataclass(frozen=True)
class RunPlan:
    """A named set of runs: every entry over seeds ``first_seed .. first_seed + seeds - 1``."""

    name: str
    entries: tuple[PlanEntry, ...]
    seeds: int
    first_seed: int = 0
    purpose: str = ""

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise InvalidParameterError("a plan runs seeds >= 1", f"seeds={self.seeds} "
                                        f"(plan {self.name!r})")

    def specs(self) -> list[RunSpec]:
        """The validated specs, entry-major then seed (the order runs are returned in)."""
        from solvers.execute import make_spec

        return [make_spec(e.solver, dict(e.solver_params), e.problem, dict(e.problem_params),
                          seed)
                for e in self.entries
                for seed in range(self.first_seed, self.first_seed + self.seeds)]

    def __len__(self) -> int:
        return len(self.entries) * self.seeds

    @classmethod
    def grid(cls, name: str, solver: str, problem: str,
             points: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]], seeds: int,
             first_seed: int = 0, purpose: str = "") -> RunPlan:
        """One solver on one problem: ``points`` = (solver params, problem params) pairs."""
        return cls(name, tuple(PlanEntry(solver, dict(s), problem, dict(p)) for s, p in points),
                   seeds, first_seed, purpose)

    def describe(self) -> str:
        """A few lines a person reads: what runs, on what, how many."""
        lines = [f"{self.name}: {len(self)} runs ({len(self.entries)} entries x {self.seeds} "
                 f"seeds from {self.first_seed})" + (f" -- {self.purpose}" if self.purpose
                                                     else "")]
        for e in self.entries:
            solver = ", ".join(f"{k}={v}" for k, v in e.solver_params.items())
            problem = ", ".join(f"{k}={v}" for k, v in e.problem_params.items())
            lines.append(f"  {e.solver}({solver}) on {e.problem}({problem})")
        return "\n".join(lines)


@dataclass(frozen=True)
class PlanRecipe:
    """A named family of run plans with its sizes per check profile (see module doc)."""

    name: str
    purpose: str
    sizes: Mapping[str, Sizes]
    build: Callable[..., RunPlan]
    variants: tuple[str, ...] = ()  # the keyword arguments ``build`` accepts besides sizes

    def __post_init__(self) -> None:
        missing = [p for p in PROFILES if p not in self.sizes]
        if missing:
            raise InvalidParameterError("a recipe gives sizes for every check profile "
                                        f"({', '.join(PROFILES)})",
                                        f"{self.name!r} lacks {missing}")

    def resolve(self, profile: str, overrides: Mapping[str, Any] | None = None) -> dict[str,
                                                                                          Any]:
        """The sizes of ``profile`` with ``overrides`` (a profile file's) applied."""
        if profile not in self.sizes:
            raise UnknownNameError("check profile", profile, list(self.sizes))
        return override_sizes(self.sizes[profile], overrides, f"plan {self.name!r}",
                              f"plans.{self.name}")

    def plan(self, profile: str = "quick", seed: int = 0,
             overrides: Mapping[str, Any] | None = None, **variant: Any) -> RunPlan:
        unknown = [k for k in variant if k not in self.variants]
        if unknown:
            raise InvalidParameterError(
                f"plan {self.name!r} varies only {', '.join(self.variants) or 'nothing'}",
                f"{unknown}")
        return self.build(self.resolve(profile, overrides), seed, **variant)


def _same_kind(default: Any, value: Any) -> bool:
    """Whether an override ``value`` has the type of the size's ``default`` (None: any)."""
    if default is None:
        return True
    if isinstance(default, tuple):
        return isinstance(value, (list, tuple)) and (not default or all(
            _same_kind(default[0], v) for v in value))
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def override_sizes(defaults: Mapping[str, Any], overrides: Mapping[str, Any] | None,
                   owner: str, where: str) -> dict[str, Any]:
    """``defaults`` with ``overrides`` applied: every key one of the sizes, every value of
    its default's type (lists become tuples). The one rule for the sizes of a plan
    (``[plans."NAME"]``) and of a check (``Check.SIZES``, ``[check_sizes."NAME"]``)."""
    sizes = dict(defaults)
    for key, value in (overrides or {}).items():
        if key not in sizes:
            raise InvalidParameterError(
                f"an override names a size of {owner}: one of its sizes ({', '.join(sizes)})",
                f"{key}={value!r}")
        if not _same_kind(sizes[key], value):
            raise InvalidParameterError(
                f"{where}.{key} has the type of its default ({type(sizes[key]).__name__}, "
                f"e.g. {sizes[key]!r})", f"{key}={value!r}")
        sizes[key] = tuple(value) if isinstance(value, list) else value
    return sizes


#: every recipe, by name
PLANS: dict[str, PlanRecipe] = {}


def register_plan(recipe: PlanRecipe) -> PlanRecipe:
    """Add a recipe to :data:`PLANS` (a name registered twice is an error)."""
    existing = PLANS.get(recipe.name)
    if existing is not None and existing is not recipe:
        raise InvalidParameterError("a plan name is registered once", repr(recipe.name))
    PLANS[recipe.name] = recipe
    return recipe


def plan(name: str, profile: str = "quick", seed: int = 0,
         overrides: Mapping[str, Mapping[str, Any]] | None = None, **variant: Any) -> RunPlan:
    """The plan ``name`` at ``profile``'s sizes, overridden by ``overrides[name]``."""
    if name not in PLANS:
        raise UnknownNameError("run plan", name, sorted(PLANS))
    return PLANS[name].plan(profile, seed, (overrides or {}).get(name), **variant)
