"""The NAS methods on the MNIST supernet (issue 7): the stored latency table, reproducible
runs (across processes and with the memoised warm-up), the ``[nas_supernet]`` profile
section and the ``supernet-hypervolume`` figure.

The default part reads the stored table and the figure's data from hand-made traces; the
runs themselves (TensorFlow warm-up, about 10-30 s each) are marked slow.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.nas_comparison import RunData
from paper import figures as figs
from paper.reproduce import _nas_supernet_plan, load_profile
from solvers.supernet.latency_store import (
    describe_key,
    stored_keys,
    stored_latency,
    stored_machine,
    table_key,
)
from solvers.trace import VOLATILE_COLUMNS
from theory.errors import InvalidParameterError

# -- the stored latency table -------------------------------------------------------------------

NB201 = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
DARTS = ("none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
         "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5")


def test_the_stored_tables_cover_the_profiles_and_tests_and_say_where_they_were_measured(
        ) -> None:
    keys = set(stored_keys())
    for cell, ops in (("nb201", NB201), ("darts", DARTS)):
        for channels in (2, 4, 8):
            assert table_key(cell, channels, ops) in keys
            table = stored_latency(table_key(cell, channels, ops))
            assert table.shape == (2, len(ops))  # two stages of the default skeleton
            assert np.all(np.isfinite(table)) and np.all(table >= 0)
            assert table[:, 0].tolist() == [0.0, 0.0]  # "none" costs nothing
    machine = stored_machine()
    for field in ("platform", "cpu_model", "tensorflow", "date", "repeats", "command"):
        assert machine.get(field), field


def test_a_configuration_without_a_stored_table_names_rule_and_value() -> None:
    key = table_key("nb201", 5, NB201)
    with pytest.raises(InvalidParameterError) as info:
        stored_latency(key)
    message = str(info.value)
    assert "latency='stored' needs a stored latency table" in message
    assert describe_key(key) in message and "channels=5" in message
    assert "stored: (cell=nb201, channels=2" in message  # lists what is stored


def test_the_supernet_problem_checks_its_table_when_made() -> None:
    from solvers.registry import make_problem

    with pytest.raises(InvalidParameterError, match="channels=5"):
        make_problem("mnist-supernet", {"channels": 5})
    make_problem("mnist-supernet", {"channels": 5, "latency": "measured"})  # no table needed
    with pytest.raises(InvalidParameterError, match="latency"):
        make_problem("mnist-supernet", {"latency": "guessed"})


def test_the_stored_reference_point_needs_no_supernet() -> None:
    """With the stored table the reference point (and the figure's box) is fixed."""
    from solvers.registry import make_problem

    first = make_problem("mnist-supernet", {"channels": 4}).reference_point()
    second = make_problem("mnist-supernet", {"channels": 4}).reference_point()
    assert first.tolist() == second.tolist() and first[0] == 1.0 and np.all(first > 0)


# -- the profile section ------------------------------------------------------------------------

def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text('[checks]\nprofile = "quick"\n' + body)
    return path


@pytest.mark.parametrize(("body", "fragments"), [
    ("[nas_supernet]\nseeds = 1\n", ["nas_supernet.seeds >= 2", "nas_supernet.seeds=1"]),
    ("[nas_supernet]\nbudget = 1\n", ["nas_supernet.budget >= 2", "nas_supernet.budget=1"]),
    ("[nas_supernet]\neval_images = 5\n",
     ["10 <= nas_supernet.eval_images <= 2000", "nas_supernet.eval_images=5"]),
    ('[nas_supernet]\nmethods = ["darts"]\n', ["nas_supernet.methods in", "'darts'"]),
    ('[nas_supernet]\nmethods = ["hybrid", "hybrid"]\n', ["no repeats"]),
    ("[nas_supernet]\nmake = true\nchannels = 5\n",
     ["stored latency table", "nas_supernet.channels=5", "latency='stored'"]),
    ("[nas_supernet]\nmake = true\nhybrid_pop = 1\n",
     ["nas_supernet.hybrid_pop >= 2", "nas_supernet.hybrid_pop=1"]),
    ('[figures]\nmake = ["supernet-hypervolume"]\n',
     ["supernet-hypervolume only when nas_supernet.make = true"]),
    ("[supernet]\na_lr = 0\n", ["supernet.a_lr > 0", "supernet.a_lr=0"]),
])
def test_nas_supernet_errors_name_rule_and_value(tmp_path: Path, body: str,
                                                 fragments: list[str]) -> None:
    with pytest.raises(InvalidParameterError) as info:
        load_profile(_profile(tmp_path, body))
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_both_profiles_run_every_method_on_the_supernet(tmp_path: Path) -> None:
    quick, full = load_profile("quick"), load_profile("full")
    for profile in (quick, full):
        spec = profile.nas_supernet
        assert spec.make and "supernet-hypervolume" in profile.figures
        assert len(spec.methods) == 7 and spec.seeds >= 3
        specs = _nas_supernet_plan(spec).specs()
        assert len(specs) == 7 * spec.seeds
        assert {s.problem_config["latency"] for s in specs} == {"stored"}
        assert {s.problem_config["gradient_weight_step"] for s in specs} == {False}
        hybrid = next(s for s in specs if s.solver == "hybrid").solver_config
        assert hybrid["problem_refine_steps"] == spec.hybrid_refine_steps
        assert hybrid["max_queries"] == spec.budget
    assert full.nas_supernet.budget > quick.nas_supernet.budget
    assert full.nas_supernet.seeds > quick.nas_supernet.seeds
    default = load_profile(_profile(tmp_path, ""))
    assert not default.nas_supernet.make
    assert "supernet-hypervolume" not in default.figures


# -- the figure ---------------------------------------------------------------------------------

def _run(method: str, seed: int, hv: list[float], err: list[float]) -> RunData:
    q = np.arange(1, len(hv) + 1)
    trace = pd.DataFrame({"iteration": q, "evaluations": q, "hypervolume": hv,
                          "best_search_error": err})
    return RunData(method, seed, {"cell": "nb201"}, trace, {})


def test_supernet_anytime_data_divides_by_the_box_and_bands_the_mean() -> None:
    runs = [_run("a", 0, [1.0, 2.0, 2.0], [0.9, 0.8, 0.8]),
            _run("a", 1, [1.0, 1.0, 4.0], [0.7, 0.7, 0.6]),
            _run("b", 0, [0.5, 0.5, 0.5], [0.9, 0.9, 0.9]),
            _run("b", 1, [0.5, 1.5, 1.5], [0.95, 0.9, 0.85])]
    data = figs.supernet_anytime_data(runs, box_volume=4.0, label="nb201")
    assert [c.method for c in data.hypervolume] == ["a", "b"]
    a_hv, b_hv = data.hypervolume
    assert a_hv.center.tolist() == pytest.approx([0.25, 0.375, 0.75])  # mean / 4
    assert b_hv.center.tolist() == pytest.approx([0.125, 0.25, 0.25])
    assert np.all(a_hv.low <= a_hv.center) and np.all(a_hv.center <= a_hv.high)
    # a t band (a bootstrap over two seeds under-covers), clipped to the HV ratio's range [0, 1]
    assert a_hv.band == "t" and a_hv.n_runs.tolist() == [2, 2, 2]
    assert np.all(a_hv.low >= 0.0) and np.all(a_hv.high <= 1.0)
    assert a_hv.high[2] == 1.0  # mean 0.75, sd 0.35 at two seeds: the raw t band passes 1
    a_err = data.error[0]
    assert a_err.center.tolist() == pytest.approx([0.8, 0.75, 0.7])  # best so far, mean
    again = figs.supernet_anytime_data(runs, box_volume=4.0, label="nb201")
    assert again.hypervolume[0].low.tolist() == a_hv.low.tolist()  # deterministic
    with pytest.raises(InvalidParameterError, match="box_volume"):
        figs.supernet_anytime_data(runs, box_volume=0.0)
    with pytest.raises(InvalidParameterError, match="at least one run"):
        figs.supernet_anytime_data([], box_volume=1.0)


def test_supernet_anytime_figure_draws_both_panels() -> None:
    runs = [_run(m, s, [0.1 * (s + 1), 0.2, 0.3], [0.9, 0.8, 0.7])
            for m in ("hybrid", "random-search") for s in range(2)]
    fig = figs.supernet_anytime_figure(figs.supernet_anytime_data(runs, 1.0, "nb201"))
    left, right = fig.axes[:2]
    assert len(left.lines) == 2 and len(right.lines) == 2
    assert "hypervolume" in left.get_ylabel() and "one-shot" in right.get_ylabel()
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["hybrid",
                                                                    "random-search"]


# -- reproducible runs --------------------------------------------------------------------------

_RUN = """
import json, sys
from solvers.registry import make_problem, make_solver
from solvers.trace import TraceRecorder, VOLATILE_COLUMNS
out = {}
for method, params in json.loads(sys.argv[1]):
    problem = make_problem("mnist-supernet", json.loads(sys.argv[2]))
    recorder = TraceRecorder()
    make_solver(method, params).run(problem, 7, recorder)
    frame = recorder.to_frame().drop(columns=list(VOLATILE_COLUMNS))
    out.setdefault(method, []).append(json.dumps(frame.to_dict(orient="list")))  # exact
print("RESULT" + json.dumps(out))
"""

_PROBLEM = {"cell": "nb201", "channels": 2, "warmup_steps": 5, "batch": 8,
            "eval_images": 40}
_METHODS = [["random-search", {"max_queries": 6}],
            ["hybrid", {"max_queries": 8, "pop": 4, "n_refine": 1, "problem_refine_steps": 2,
                        "surrogate": "auto"}]]


def _traces(methods: list[list[object]], problem: dict[str, object]) -> dict[str, list[str]]:
    proc = subprocess.run([sys.executable, "-c", _RUN, json.dumps(methods),
                           json.dumps(problem)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    result: dict[str, list[str]] = json.loads(line[len("RESULT"):])
    return result


@pytest.mark.slow
def test_same_spec_same_trace_in_two_processes_and_after_the_memoised_warm_up() -> None:
    """Process A: random search, the hybrid (weight steps on the shared supernet), random
    search again (restored from the memo); process B: the hybrid first (fresh build). All
    traces of a method agree exactly, except the volatile columns."""
    a = _traces([*_METHODS, _METHODS[0]], _PROBLEM)
    b = _traces([_METHODS[1], _METHODS[0]], _PROBLEM)
    assert a["random-search"][0] == a["random-search"][1] == b["random-search"][0]
    assert a["hybrid"][0] == b["hybrid"][0]
    frame = pd.DataFrame(json.loads(a["hybrid"][0]))
    assert len(frame) == 8 and not set(VOLATILE_COLUMNS) & set(frame.columns)
    assert np.all(np.isfinite(frame["hypervolume"])) and math.isnan(
        frame["hypervolume_ratio"].iloc[-1])


@pytest.mark.slow
def test_two_live_problems_of_one_configuration_keep_their_own_state() -> None:
    """Alternating gradient calls on two problems sharing the memoised supernet give what
    each would give alone (the one handing over keeps its snapshot)."""
    from solvers.registry import make_problem

    alpha = np.zeros((6, 5))

    def calls(problems: list[object], order: list[int]) -> list[float]:
        return [float(problems[i].objective_gradients(alpha)[0][0])  # type: ignore[attr-defined]
                for i in order]

    solo = calls([make_problem("mnist-supernet", _PROBLEM)], [0, 0, 0])
    p, q = (make_problem("mnist-supernet", _PROBLEM) for _ in range(2))
    mixed = calls([p, q], [0, 1, 0, 1, 0])
    assert [mixed[0], mixed[2], mixed[4]] == solo
    assert [mixed[1], mixed[3]] == solo[:2]
