"""NAS-Bench-201 problem and the analytic cost model (checked against Keras models).

Reference values and where they come from:

* the ResNet-like cell (benchmark index 11472) has 93.91 % 200-epoch CIFAR-10 test accuracy
  in NATS-Bench (solvers/data/README.md);
* parameter counts are derived by hand from the NAS-Bench-201 skeleton in the comments,
  and checked against ``keras.Model.trainable_weights`` of the same network.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from solvers.cost_model import (
    NB201_SKELETON,
    cell_memory_units,
    cost_table,
    network_cost,
    operation_costs,
    parameter_count,
)
from solvers.datasets import NB201_DEVICES, latency_column, load_nb201
from solvers.problems.nb201 import NB201Config, NB201Problem
from solvers.registry import make_problem
from solvers.search_space import MacroSkeleton, NB201Cell
from theory.errors import InvalidParameterError, UnknownNameError

SPACE = NB201Cell()
RESNET = "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"
ALL_NONE = (0,) * 6
ALL_SKIP = (1,) * 6
ALL_CONV3 = (3,) * 6

# -- hand derivation of the parameters outside the cells (CIFAR-10 skeleton) ---------------
STEM = 3 * 16 * 9 + 2 * 16  # conv 3x3 (no bias) + BN affine = 464
RED1 = 9 * 16 * 32 + 2 * 32 + 9 * 32 * 32 + 2 * 32 + 16 * 32  # 14,464
RED2 = 9 * 32 * 64 + 2 * 64 + 9 * 64 * 64 + 2 * 64 + 32 * 64  # 57,600
HEAD = 2 * 64 + 64 * 10 + 10  # BN + linear = 778
FIXED = STEM + RED1 + RED2 + HEAD  # 73,306


def conv_params(k: int) -> int:
    """One ReLU-Conv(kxk)-BN edge in every cell: 5 cells per stage at 16/32/64 channels."""
    return sum(5 * (k * k * c * c + 2 * c) for c in (16, 32, 64))


@pytest.fixture(scope="module")
def problem() -> NB201Problem:
    return NB201Problem(NB201Config())


# =========================================================================================
# the problem
# =========================================================================================
def test_objectives_are_the_table_values(problem: NB201Problem) -> None:
    table = load_nb201()
    row = table[table["arch_str"] == RESNET].iloc[0]
    cell = problem.parse(RESNET)
    f = problem.evaluate([cell])[0]
    assert f[0] == pytest.approx(100.0 - row["cifar10_val_12ep"])
    assert f[1] == pytest.approx(row["hwnasbench_c10_pixel3_latency_ms"])
    assert f[2] == pytest.approx(parameter_count(cell) / 1e6)
    report = problem.report([cell])
    assert int(report["nb201_index"][0]) == 11472
    assert report["test_accuracy"][0] == pytest.approx(93.91, abs=0.005)
    # every cell's objectives match its row of the benchmark table
    rng = np.random.default_rng(0)
    for index in rng.choice(len(table), 50, replace=False):
        row = table.iloc[int(index)]
        got = problem.evaluate([problem.parse(row["arch_str"])])[0]
        assert got[0] == pytest.approx(100.0 - row["cifar10_val_12ep"])
        assert got[1] == pytest.approx(row["hwnasbench_c10_pixel3_latency_ms"])


def test_settings_change_the_objectives() -> None:
    cell = SPACE.from_string(RESNET)
    c100 = NB201Problem(NB201Config(dataset="cifar100", device="raspi4", memory="activations"))
    f = c100.evaluate([cell])[0]
    table = load_nb201().set_index("arch_str")
    expected = table.loc[[RESNET], "cifar100_val_12ep"].to_numpy(float)[0]
    assert f[0] == pytest.approx(100.0 - expected)
    assert f[1] == pytest.approx(table.loc[RESNET, latency_column("raspi4")])
    skeleton = MacroSkeleton(num_classes=100)
    assert f[2] == pytest.approx(network_cost(cell, skeleton).peak_activation_bytes / 1e6)
    imagenet = NB201Problem(NB201Config(dataset="imagenet16-120"))
    assert imagenet.report([cell])["params_m"][0] == pytest.approx(
        parameter_count(cell, MacroSkeleton(num_classes=120, input_size=16)) / 1e6)


def test_ground_truth_front_and_reference_point(problem: NB201Problem) -> None:
    table = problem.objective_table()
    assert table.shape == (15_625, 3)
    reference = problem.reference_point()
    assert np.all(table < reference)
    front = problem.pareto_front()
    # brute force: no front point is dominated by any cell
    for point in front:
        dominated = np.all(table <= point, axis=1) & np.any(table < point, axis=1)
        assert not dominated.any()
    # and every cell off the front is dominated by (or equal to) a front point
    on_front = set(problem.pareto_cells())
    assert len(on_front) == len(front)
    off = np.array([r for r, c in enumerate(SPACE.all_cells()) if c not in on_front])
    sample = np.random.default_rng(1).choice(off, 300, replace=False)
    for r in sample:
        assert np.any(np.all(front <= table[r], axis=1))
    import moocore

    subset = table[np.random.default_rng(2).choice(len(table), 200, replace=False)]
    assert moocore.hypervolume(subset, ref=reference) <= problem.max_hypervolume()


def test_query_seconds_model(problem: NB201Problem) -> None:
    cell = SPACE.from_string(RESNET)
    latency = load_nb201().set_index("arch_str").loc[[RESNET], "help_1080ti_256_latency_ms"]
    latency = latency.to_numpy(float)[0]
    expected = 12 * math.ceil(25_000 / 256) * 3.0 * latency / 1000.0
    assert problem.query_seconds([cell])[0] == pytest.approx(expected)


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "fragment"), [
    ("|nor_conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", "'nor_conv_5x5'"),
    ("|none~0|+|none~0|none~1|", "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|"),
    ("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "|op~0|+|op~0|op~1|"),
    ("none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|op~0|+|op~0|op~1|"),
    ("|none|+|none~0|none~1|+|none~0|none~1|none~2|", "|op~0|+|op~0|op~1|"),
    ("", "|op~0|+|op~0|op~1|"),
])
def test_malformed_cell_strings_are_rejected(problem: NB201Problem, text: str,
                                             fragment: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        problem.parse(text)
    assert fragment in str(info.value)


def test_unknown_op_names_the_operation_set() -> None:
    with pytest.raises(InvalidParameterError) as info:
        SPACE.op_index("conv_7x7")
    message = str(info.value)
    assert "'conv_7x7'" in message
    for op in SPACE.ops:
        assert op in message


def test_unknown_device_and_dataset_are_rejected() -> None:
    with pytest.raises(InvalidParameterError) as info:
        make_problem("nb201", {"device": "pixel9"})
    assert "device in {" in str(info.value) and "device='pixel9'" in str(info.value)
    assert "pixel3" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        make_problem("nb201", {"dataset": "mnist"})
    assert "dataset='mnist'" in str(info.value)
    with pytest.raises(InvalidParameterError):
        make_problem("nb201", {"memory": "flops"})
    with pytest.raises(UnknownNameError) as lookup:
        latency_column("pixel9")
    assert "unknown device 'pixel9'" in str(lookup.value)


@pytest.mark.parametrize("cells", [[(0, 1, 2, 3, 4, 5)], [(0, 1, 2)], [(0, 1, 2, 3, 4, -1)],
                                   "|none~0|"])
def test_bad_cells_are_rejected(problem: NB201Problem, cells: Any) -> None:
    with pytest.raises(InvalidParameterError):
        problem.evaluate(cells)
    with pytest.raises(InvalidParameterError):
        problem.report(cells)


def test_every_device_has_a_latency_column() -> None:
    table = load_nb201()
    for device in NB201_DEVICES:
        assert latency_column(device) in table.columns


# =========================================================================================
# the cost model
# =========================================================================================
def test_parameter_counts_by_hand() -> None:
    assert FIXED == 73_306
    assert parameter_count(ALL_NONE) == FIXED
    assert parameter_count(ALL_SKIP) == FIXED
    assert parameter_count((4,) * 6) == FIXED  # 3x3 average pooling has no parameters
    assert parameter_count(ALL_CONV3) == FIXED + 6 * conv_params(3) == 1_531_546
    assert parameter_count(SPACE.from_string(RESNET)) == FIXED + 2 * conv_params(3) == 559_386
    assert parameter_count((2,) * 6) == FIXED + 6 * conv_params(1)


def test_costs_are_additive_and_the_table_is_in_cell_order() -> None:
    fixed_p, per_p, fixed_f, per_f = operation_costs(NB201_SKELETON)
    table = cost_table(NB201_SKELETON)
    cells = list(SPACE.all_cells())
    rng = np.random.default_rng(3)
    for r in rng.choice(len(cells), 40, replace=False):
        cost = network_cost(cells[int(r)])
        assert table["params"][r] == cost.params == fixed_p + per_p[list(cells[int(r)])].sum()
        assert table["flops"][r] == cost.flops == fixed_f + per_f[list(cells[int(r)])].sum()
        assert table["peak_activation_bytes"][r] == cost.peak_activation_bytes
    # a conv3x3 edge in a 32x32x16 cell: 32*32*16*16*9 MACs; over the network
    assert per_f[3] == 5 * (32 * 32 * 16 * 16 * 9 + 16 * 16 * 32 * 32 * 9 + 8 * 8 * 64 * 64 * 9)


def test_peak_memory_units_by_hand() -> None:
    # all none: the input has no consumer and is freed; each node is a materialised zero
    assert cell_memory_units(ALL_NONE) == 1
    # all conv3x3: node 3's first edge holds nodes 0, 1, 2, ReLU and conv outputs = 5
    assert cell_memory_units(ALL_CONV3) == 5
    # all skip: node 2 = copy of node 0 + node 1 in place; 3 nodes alive + node 3's copy = 4
    assert cell_memory_units(ALL_SKIP) == 4
    # the whole network: the largest of the stage-1 cells (16 x 32 x 32 floats per unit)
    # and the first reduction block (2 x 16x32x32 + 32x16x16 floats)
    unit = 16 * 32 * 32 * 4
    assert network_cost(ALL_CONV3).peak_activation_bytes == 5 * unit
    assert network_cost(ALL_NONE).peak_activation_bytes == (2 * 16 * 32 * 32 + 32 * 16 * 16) * 4


def test_bad_cells_in_the_cost_model() -> None:
    with pytest.raises(InvalidParameterError):
        parameter_count((0, 1, 2, 3, 4, 5))
    with pytest.raises(InvalidParameterError):
        network_cost((0, 1))


# -- the same networks in TensorFlow --------------------------------------------------------
@pytest.fixture(scope="module")
def keras_builder() -> Any:
    """TensorFlow imported once for the module (slow: seconds)."""
    pytest.importorskip("tensorflow")
    from solvers.tf_models import build_nb201_model, trainable_parameter_count

    def count(cell: tuple[int, ...], skeleton: MacroSkeleton = NB201_SKELETON) -> int:
        return trainable_parameter_count(build_nb201_model(cell, skeleton))

    return count


MIXED = tuple(int(v) for v in np.random.default_rng(7).integers(0, 5, 6))


@pytest.mark.parametrize("cell", [ALL_NONE, ALL_SKIP, ALL_CONV3, MIXED],
                         ids=["all-none", "all-skip", "all-conv3x3", "mixed"])
def test_parameter_count_matches_keras(keras_builder: Any, cell: tuple[int, ...]) -> None:
    assert keras_builder(cell) == parameter_count(cell)


def test_parameter_count_matches_keras_on_another_skeleton(keras_builder: Any) -> None:
    skeleton = MacroSkeleton(num_classes=120, input_size=16, cells_per_stage=1)
    for cell in [(2, 4, 3, 1, 0, 2), (4, 4, 1, 0, 1, 3)]:
        assert keras_builder(cell, skeleton) == parameter_count(cell, skeleton)


def test_every_operation_pair_is_counted_consistently() -> None:
    # additivity: changing one edge changes the count by the per-op difference
    _, per_p, _, _ = operation_costs(NB201_SKELETON)
    for a, b in itertools.combinations(range(5), 2):
        base = (0, 1, 2, 3, 4, 0)
        changed = (a, *base[1:])
        other = (b, *base[1:])
        assert parameter_count(other) - parameter_count(changed) == per_p[b] - per_p[a]
