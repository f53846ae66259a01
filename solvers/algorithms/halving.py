"""Successive halving and Hyperband: exact schedules and instrumented simulators.

* ``sh_schedule(n, budget)``: Sequential Halving (Karnin, Koren & Somekh, ICML 2013, round
  budget and survivor rule included; Jamieson & Talwalkar, AISTATS 2016, restate it for
  non-stochastic arms): ceil(log2 n) rounds; in round k every arm of S_k is pulled
  ``floor(B / (|S_k| ceil(log2 n)))`` times and the ceil(|S_k|/2) arms with the best
  empirical means survive.
* ``simulate_sequential_halving``: the algorithm on Gaussian arms with known means, many
  independent replicates at once. The empirical mean of t i.i.d. N(mu, s^2) pulls is
  N(mu, s^2/t), and it is drawn as such (exact in distribution, one draw per arm and round);
  an arm with no pull in a round (budget too small) gets mean -inf there, ties go to the
  smaller index. The rewards come only from ``GaussianArms.sample_means``, which counts
  every pull it serves, per round, replicate and arm, into a ``PullLedger`` (the
  instrumentation the checks read: the algorithm has no other source of rewards).
* ``hyperband_brackets(R, eta)``: the brackets of one Hyperband iteration (Li, Jamieson,
  DeSalvo, Rostamizadeh & Talwalkar, JMLR 2018, Algorithm 1), run as the algorithm runs
  them: a bracket s starts n = ceil(B/R eta^s/(s+1)) configurations at resource
  r = R eta^-s and each rung keeps the best floor(n_i/eta); B = (s_max + 1) R,
  s_max = floor(log_eta R). Arithmetic is exact (``fractions.Fraction``), so a non-integer
  eta (outside the paper's assumptions) is simulated exactly too; losses of configurations
  are drawn from a seeded generator and only decide who survives. Observed losses come only
  from ``_observe``, which counts every configuration it evaluates and the resource it
  spends, per bracket and rung, into a ``ResourceLedger``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["GaussianArms", "HyperbandBracket", "PullLedger", "ResourceLedger", "SHRound",
           "ceil_log2", "floor_log", "hyperband_brackets", "sh_schedule",
           "simulate_sequential_halving"]


def ceil_log2(n: int) -> int:
    """ceil(log2 n) in exact integer arithmetic (n >= 1)."""
    if n < 1:
        raise InvalidParameterError("n >= 1", f"n={n}")
    return (n - 1).bit_length()


def floor_log(value: Fraction | int, base: Fraction | int) -> int:
    """floor(log_base value) exactly: the largest s with base^s <= value (value >= 1)."""
    v, b = Fraction(value), Fraction(base)
    if v < 1 or b <= 1:
        raise InvalidParameterError("R >= 1 and eta > 1", f"R={value}, eta={base}")
    s = 0
    while b ** (s + 1) <= v:
        s += 1
    return s


@dataclass(frozen=True)
class SHRound:
    arms: int  # |S_k|
    pulls_per_arm: int  # floor(B / (|S_k| ceil(log2 n)))

    @property
    def pulls(self) -> int:
        return self.arms * self.pulls_per_arm


def sh_schedule(n: int, budget: int, keep: str = "ceil",
                share: str = "ceil") -> list[SHRound]:
    """The rounds of Sequential Halving with n arms and budget B (n >= 2, B >= 0).

    ``keep="floor"`` keeps floor(|S_k|/2) arms (a variant, not Karnin et al.'s rule) instead
    of ceil(|S_k|/2); ``share="floor"`` divides the budget by floor(log2 n) instead of the
    number of rounds ceil(log2 n). Both variants exist to break the bounds' assumptions.
    """
    if n < 2 or budget < 0:
        raise InvalidParameterError("n >= 2 and budget >= 0", f"n={n}, budget={budget}")
    if keep not in ("ceil", "floor") or share not in ("ceil", "floor"):
        raise InvalidParameterError("keep and share in {ceil, floor}",
                                    f"keep={keep!r}, share={share!r}")
    rounds = ceil_log2(n)
    divisor = rounds if share == "ceil" else n.bit_length() - 1
    alive = n
    schedule = []
    for _ in range(rounds):
        schedule.append(SHRound(alive, budget // (alive * divisor)))
        alive = -(-alive // 2) if keep == "ceil" else max(alive // 2, 1)
    return schedule


@dataclass
class PullLedger:
    """Every pull the arms served, by round: ``pulls[k][r, a]`` pulls of arm a in round k of
    replicate r, and ``asked[k][r, a]`` whether the algorithm asked arm a for rewards in
    that round (also with zero pulls, when the round budget is too small)."""

    pulls: list[NDArray[np.int64]] = field(default_factory=list)
    asked: list[NDArray[np.bool_]] = field(default_factory=list)

    def total(self) -> NDArray[np.int64]:
        """Pulls over all rounds, per replicate."""
        if not self.pulls:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(sum(p.sum(axis=1) for p in self.pulls), dtype=np.int64)


class GaussianArms:
    """Gaussian arms N(mu_a, s^2) that count every pull they serve into a ``PullLedger``.

    ``sample_means(alive, t)`` returns, for every (replicate, arm) entry of ``alive``, the
    empirical mean of t fresh pulls, drawn as N(mu, s^2/t) (exact in distribution), and adds
    t pulls to that arm in the current round; t = 0 gives -inf and draws nothing. This is
    the only source of rewards of the simulator, so its count is what the algorithm used.
    """

    def __init__(self, means: NDArray[np.float64], noise_std: float, replicates: int,
                 rng: np.random.Generator, ledger: PullLedger | None = None) -> None:
        self.means = means
        self.noise_std = noise_std
        self.replicates = replicates
        self.rng = rng
        self.ledger = ledger if ledger is not None else PullLedger()

    def new_round(self) -> None:
        n = len(self.means)
        self.ledger.pulls.append(np.zeros((self.replicates, n), dtype=np.int64))
        self.ledger.asked.append(np.zeros((self.replicates, n), dtype=np.bool_))

    def sample_means(self, alive: NDArray[np.int64], t: int) -> NDArray[np.float64]:
        rows = np.arange(self.replicates)[:, None]
        np.add.at(self.ledger.pulls[-1], (rows, alive), t)
        self.ledger.asked[-1][rows, alive] = True
        if t <= 0:
            return np.full(alive.shape, -np.inf)
        noise = self.rng.standard_normal(alive.shape)
        estimate: NDArray[np.float64] = self.means[alive] + self.noise_std / math.sqrt(t) * noise
        return estimate


def simulate_sequential_halving(means: NDArray[np.floating], noise_std: float, budget: int,
                                replicates: int, rng: np.random.Generator,
                                keep: str = "ceil", share: str = "ceil",
                                ledger: PullLedger | None = None
                                ) -> tuple[NDArray[np.int64], list[SHRound]]:
    """The arm each replicate returns, and the schedule it ran (the same for all).

    ``keep`` and ``share`` select the survivor rule and the round budget as in
    ``sh_schedule`` (the defaults are Karnin et al.'s algorithm). ``ledger``, when given,
    receives the pulls the arms served (``GaussianArms``).
    """
    mu = np.asarray(means, dtype=np.float64)
    if mu.ndim != 1 or len(mu) < 2:
        raise InvalidParameterError("at least two arms", f"means of shape {mu.shape}")
    if not noise_std > 0 or replicates < 1:
        raise InvalidParameterError("noise_std > 0 and replicates >= 1",
                                    f"noise_std={noise_std}, replicates={replicates}")
    schedule = sh_schedule(len(mu), budget, keep=keep, share=share)
    arms = GaussianArms(mu, noise_std, replicates, rng, ledger)
    alive = np.tile(np.arange(len(mu)), (replicates, 1))  # (replicates, |S_k|)
    for step in schedule:
        arms.new_round()
        estimate = arms.sample_means(alive, step.pulls_per_arm)
        size = alive.shape[1]
        survivors = -(-size // 2) if keep == "ceil" else max(size // 2, 1)
        order = np.argsort(-estimate, axis=1, kind="stable")[:, :survivors]
        alive = np.sort(np.take_along_axis(alive, order, axis=1), axis=1)
    return alive[:, 0].astype(np.int64), schedule


@dataclass(frozen=True)
class HyperbandBracket:
    """One bracket as run: configurations evaluated and resource per configuration by rung."""

    s: int
    n: int
    r: Fraction
    rung_sizes: tuple[int, ...]
    rung_resources: tuple[Fraction, ...]

    @property
    def budget(self) -> Fraction:
        return sum((Fraction(m) * res for m, res in
                    zip(self.rung_sizes, self.rung_resources, strict=True)), Fraction(0))


@dataclass
class ResourceLedger:
    """What Hyperband's evaluations cost, by (bracket s, rung i): ``evaluated[(s, i)]`` the
    configurations evaluated, ``resource[(s, i)]`` the resource given to each, ``spent`` the
    resource of the whole iteration (sum of resource over every evaluation made)."""

    evaluated: dict[tuple[int, int], int] = field(default_factory=dict)
    resource: dict[tuple[int, int], set[Fraction]] = field(default_factory=dict)
    spent: Fraction = Fraction(0)


def _observe(losses: NDArray[np.float64], alive: NDArray[np.int64], r_i: Fraction,
             rng: np.random.Generator, ledger: ResourceLedger, key: tuple[int, int]
             ) -> NDArray[np.float64]:
    """The observed losses of the configurations ``alive`` at resource r_i (loss plus
    N(0, 1/r_i) noise), counted into ``ledger``: the only evaluation Hyperband makes."""
    ledger.evaluated[key] = ledger.evaluated.get(key, 0) + len(alive)
    ledger.resource.setdefault(key, set()).add(r_i)
    ledger.spent += len(alive) * r_i
    observed: NDArray[np.float64] = (losses[alive] + rng.standard_normal(len(alive))
                                     / math.sqrt(r_i))
    return observed


def hyperband_brackets(max_resource: int | Fraction, eta: int | Fraction,
                       rng: np.random.Generator, ledger: ResourceLedger | None = None
                       ) -> list[HyperbandBracket]:
    """Run one Hyperband iteration's brackets s = s_max..0 on random configurations.

    Each configuration has a loss drawn uniformly; its observed loss at resource r is that
    loss plus N(0, 1/r) noise (any values do: only the counts are checked). Survivors of a
    rung are the floor(n_i/eta) smallest observed losses, as in Algorithm 1. ``ledger``,
    when given, receives what every evaluation cost (``_observe``).
    """
    big_r, e = Fraction(max_resource), Fraction(eta)
    if big_r < 1 or e <= 1:
        raise InvalidParameterError("R >= 1 and eta > 1", f"R={max_resource}, eta={eta}")
    ledger = ledger if ledger is not None else ResourceLedger()
    s_max = floor_log(big_r, e)
    budget = (s_max + 1) * big_r
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil(budget / big_r * e**s / (s + 1))
        r = big_r / e**s
        losses = rng.uniform(size=n)
        sizes: list[int] = []
        resources: list[Fraction] = []
        alive = np.arange(n)
        for i in range(s + 1):
            r_i = r * e**i
            sizes.append(len(alive))
            resources.append(r_i)
            observed = _observe(losses, alive, r_i, rng, ledger, (s, i))
            keep = math.floor(Fraction(len(alive)) / e)
            alive = alive[np.argsort(observed, kind="stable")[:keep]]
        brackets.append(HyperbandBracket(s, n, r, tuple(sizes), tuple(resources)))
    return brackets
