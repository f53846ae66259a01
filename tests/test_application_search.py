"""paper.application_search: the plans it builds, the sizes it accepts, and (slow) one tiny
application experiment end to end through the run store."""

from __future__ import annotations

from pathlib import Path

import pytest

from paper.application_search import (
    TASKS,
    ApplicationSizes,
    application_experiment,
    format_outcome,
    search_plan,
    training_specs,
)
from solvers.lab import Lab
from solvers.store import RunStore
from theory.errors import InvalidParameterError, UnknownNameError

CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"


def test_sizes_name_the_broken_rule() -> None:
    with pytest.raises(InvalidParameterError, match="budget >= 2"):
        ApplicationSizes(budget=1)
    with pytest.raises(InvalidParameterError, match="include 'hybrid'"):
        ApplicationSizes(methods=("random-search",))
    with pytest.raises(InvalidParameterError, match="preset in"):
        ApplicationSizes(preset="medium")


def test_unknown_task_lists_the_known_ones() -> None:
    from paper.application_search import task

    with pytest.raises(UnknownNameError, match="pneumonia"):
        task("mri")


def test_search_plan_runs_every_method_on_the_task_problem() -> None:
    sizes = ApplicationSizes(budget=12, seeds=3, methods=("hybrid", "random-search"),
                             channels=4, warmup_steps=5)
    plan = search_plan(TASKS["pneumonia"], sizes)
    specs = plan.specs()
    assert len(specs) == 6 and plan.name == "applications.pneumonia.search"
    assert {s.problem for s in specs} == {"mnist-supernet"}
    assert all(s.problem_config["dataset"] == "pneumonia" and s.problem_config["channels"] == 4
               for s in specs)
    assert all(s.solver_config["max_queries"] == 12 for s in specs)
    hybrid = [s for s in specs if s.solver == "hybrid"]
    assert all(s.solver_config["pop"] == sizes.hybrid_pop for s in hybrid)


def test_training_specs_pair_each_seed_with_its_own_cell() -> None:
    sizes = ApplicationSizes(seeds=2, channels=4)
    specs = training_specs(TASKS["pneumonia"], sizes, {0: CELL, 1: CELL})
    models = [(s.solver_config["model"], s.seed) for s in specs]
    assert models == [(CELL, 0), (CELL, 1), ("resnet18", 0), ("resnet18", 1)]
    assert all(s.solver == "train-from-scratch" and s.solver_config["preset"] == "quick"
               for s in specs)
    with pytest.raises(InvalidParameterError, match="model is a cell"):
        training_specs(TASKS["pneumonia"], sizes, {0: "not-a-cell"})


@pytest.mark.slow
def test_pneumonia_experiment_end_to_end(tmp_path: Path) -> None:
    sizes = ApplicationSizes(budget=6, seeds=2, methods=("hybrid", "random-search"),
                             channels=4, warmup_steps=10, hybrid_pop=4)
    lab = Lab(RunStore(tmp_path), workers=1)
    outcome = application_experiment(lab, "pneumonia", sizes)
    assert set(outcome.cells) == {0, 1}
    assert [m.method for m in outcome.methods] == ["hybrid", "random-search"]
    assert all(0 <= m.final_hypervolume_share <= 1 for m in outcome.methods)
    accuracy = outcome.result.score("cell", "test_accuracy")
    assert accuracy is not None and 0.3 <= accuracy.point <= 1.0
    assert {t.text for t in outcome.result.targets} == {"test_accuracy >= 0.88",
                                                        "test_auc >= 0.96"}
    text = format_outcome(outcome)
    assert "resnet18" in text and "target:" in text
    again = application_experiment(lab, "pneumonia", sizes)
    assert again.executed == 0 and again.reused == outcome.executed + outcome.reused
