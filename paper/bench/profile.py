"""Where the time of a real-coded NSGA-II run goes: pyinstrument's call tree of our NSGA-II on
ZDT1 (population 100, 250 generations, a few seeds), cut to the frames above a share of the
total. The same run the peer benchmark times, so its top lines explain its figure."""

from __future__ import annotations

from solvers.algorithms.nsga2 import NSGA2, NSGA2Config
from solvers.problems.zdt import ZDT1, ZDTConfig
from solvers.trace import TraceRecorder

__all__ = ["nsga2_profile_text"]


def _profile(seeds: int, generations: int):  # type: ignore[no-untyped-def]
    from pyinstrument import Profiler

    problem = ZDT1(ZDTConfig(n_var=30))
    NSGA2(NSGA2Config(pop=100, max_generations=2)).run(problem, 0, TraceRecorder())  # warm
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for seed in range(seeds):
        NSGA2(NSGA2Config(pop=100, max_generations=generations)).run(problem, seed,
                                                                     TraceRecorder())
    profiler.stop()
    return profiler


def nsga2_profile_text(seeds: int = 3, generations: int = 250, lines: int = 15) -> str:
    """The top ``lines`` functions by own (self) time, pyinstrument's flat rendering."""
    profiler = _profile(seeds, generations)
    text = str(profiler.output_text(unicode=False, color=False, flat=True, flat_time="self",
                                    time="seconds"))
    rows = [line for line in text.splitlines() if line.lstrip()[:1].isdigit()]
    return "\n".join(rows[:lines])  # "seconds  function  file:line", largest first
