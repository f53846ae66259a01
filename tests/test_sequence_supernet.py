"""The sequence supernets (issue 18's text and time-series tasks): the 1-D operations keep
their shapes and the series operations are causal, the splits are stratified and leak
nothing, the stored latency table covers the problems, one-shot queries are reproducible by
seed, the architecture gradients are real, the solvers run on both problems, the retraining
functions return values in range, and bad input names the broken rule.

Tiny configurations (2-4 channels, a few warm-up steps) keep the default part quick; the
solver runs and retraining are marked slow.
"""

from __future__ import annotations

import numpy as np
import pytest

import solvers.supernet.sequence  # noqa: F401  (registers the 1-D operations with make_op)
from solvers.supernet.sequence_data import (
    SERIES_OPS,
    SERIES_PROTOCOLS,
    TEXT_OPS,
    op_params,
    sequence_space,
    series_data,
    text_data,
)
from theory.errors import InvalidParameterError

TINY_TEXT = {"channels": 2, "warmup_steps": 3, "batch": 16, "eval_size": 60}
TINY_SERIES = {"series": "sunspots", "channels": 2, "warmup_steps": 3, "batch": 16}


# -- operations --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [o for o in dict.fromkeys(TEXT_OPS + SERIES_OPS)])
def test_every_operation_keeps_the_shape_and_has_the_counted_parameters(name: str) -> None:
    import tensorflow as tf

    from solvers.supernet.ops import make_op

    x = tf.random.stateless_normal((3, 11, 4), seed=(1, 2))
    op = make_op(name, 4, affine=True)
    for training in (True, False):
        assert op.call(x, training=training).shape == x.shape
    assert sum(int(np.prod(v.shape)) for v in op.trainable_variables) == op_params(name, 4)


@pytest.mark.parametrize("name", [o for o in SERIES_OPS if o not in ("none", "skip_connect")])
def test_series_operations_are_causal(name: str) -> None:
    """Changing the inputs after step t leaves the outputs up to t unchanged (inference
    mode); the "same"-padded text convolution of the same width fails this test."""
    import tensorflow as tf

    from solvers.supernet.ops import make_op

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 16, 3)).astype(np.float32)
    changed = x.copy()
    changed[:, 9:, :] = rng.standard_normal((2, 7, 3))
    op = make_op(name, 3, affine=True)
    a = op.call(tf.constant(x), training=False).numpy()
    b = op.call(tf.constant(changed), training=False).numpy()
    np.testing.assert_array_equal(a[:, :9], b[:, :9])
    if name != "linear":  # a pointwise map never looks ahead; the others reach back
        assert not np.allclose(a[:, 9:], b[:, 9:])


def test_a_same_padded_convolution_is_not_causal() -> None:
    """The causality test above has the power to fail: the text conv_3 looks one step ahead."""
    import tensorflow as tf

    from solvers.supernet.ops import make_op

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 16, 3)).astype(np.float32)
    changed = x.copy()
    changed[:, 9:, :] += 1.0
    op = make_op("conv_3", 3, affine=True)
    a = op.call(tf.constant(x), training=False).numpy()
    b = op.call(tf.constant(changed), training=False).numpy()
    assert not np.allclose(a[:, 8], b[:, 8])


def test_image_operations_are_unchanged_by_the_rank_generic_batch_norm() -> None:
    """ops.Op._bn takes moments over all axes but the last: at rank 4 those are (0, 1, 2)."""
    import tensorflow as tf

    from solvers.supernet.ops import make_op

    x = tf.random.stateless_normal((2, 5, 5, 3), seed=(3, 4))
    op = make_op("nor_conv_3x3", 3, affine=False)
    out = op.call(x, training=True).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), 1.0, rtol=1e-3)


def test_the_cells_are_nas_bench_201_cells_over_the_sequence_operations() -> None:
    for family, ops in (("text", TEXT_OPS), ("series", SERIES_OPS)):
        space = sequence_space(family)
        assert space.ops == ops and space.n_edges == 6 and space.size == len(ops) ** 6
    with pytest.raises(InvalidParameterError, match="family in"):
        sequence_space("audio")


# -- data -------------------------------------------------------------------------------------
def test_the_in_domain_split_is_stratified_disjoint_and_seeded() -> None:
    a, b, c = text_data(0), text_data(0), text_data(1)
    assert (len(a.train_y), len(a.val_y), len(a.test_y)) == (2000, 500, 500)
    for y in (a.train_y, a.val_y, a.test_y):
        assert abs(int(y.sum()) - len(y) // 2) <= 3
    np.testing.assert_array_equal(a.train_x, b.train_x)
    assert not np.array_equal(a.train_x, c.train_x)
    assert a.train_x.shape[1] == 32 and a.train_x.dtype == np.int32
    assert a.vocabulary_size == int(a.train_x.max()) + 1 or a.train_x.max() < a.vocabulary_size


def test_the_cross_domain_split_tests_on_the_held_out_domain_only() -> None:
    from solvers.datasets import cross_domain_split

    data = text_data(0, held_out="yelp")
    assert len(data.test_y) == 1000 and len(data.train_y) + len(data.val_y) == 2000
    np.testing.assert_array_equal(data.test_y, cross_domain_split("yelp").test_labels)


@pytest.mark.parametrize("series", sorted(SERIES_PROTOCOLS))
def test_series_windows_end_before_the_first_test_origin(series: str) -> None:
    from solvers.datasets import rolling_origin_splits
    from solvers.supernet.sequence_data import load_series

    p = SERIES_PROTOCOLS[series]
    data = series_data(series)
    values = load_series(series)
    first = next(iter(rolling_origin_splits(values, p.n_origins, p.horizon, p.min_train)))[1][0]
    assert data.first_origin == first
    assert data.train_x.shape[1:] == (p.window, 2 if p.level_feature else 1)
    assert data.val_y.shape == (p.val_windows, p.horizon)
    # the last validation target is the value just before the first origin
    last = data.val_y[-1, -1] * data.scale + values[first - p.horizon - 1]
    assert last == pytest.approx(values[first - 1], rel=1e-5)
    np.testing.assert_allclose(data.train_x[:, -1, 0], 0.0)  # level-relative inputs


# -- latency table and costs --------------------------------------------------------------------
def test_the_stored_latency_tables_cover_the_problems_and_name_the_machine() -> None:
    from solvers.supernet.sequence_latency import (
        STORED_CHANNELS,
        sequence_latency,
        stored_sequence_machine,
    )

    for channels in STORED_CHANNELS:
        for family, length in (("text", 32), *(("series", p.window)
                                               for p in SERIES_PROTOCOLS.values())):
            ops = sequence_space(family).ops
            table = sequence_latency(family, channels, length, ops)
            assert table.shape == (len(ops),) and np.all(table >= 0) and table[0] == 0.0
    machine = stored_sequence_machine()
    for key in ("cpu_model", "tensorflow", "date", "repeats", "command"):
        assert machine.get(key), key
    with pytest.raises(InvalidParameterError, match="channels=5"):
        sequence_latency("text", 5, 32, TEXT_OPS)


def test_expected_costs_have_the_exact_gradient() -> None:
    from solvers.supernet.sequence_data import SequenceCosts, params_table

    costs = SequenceCosts(TEXT_OPS, np.linspace(0, 1, 8), params_table("text", 4), 2)
    alpha = np.random.default_rng(0).standard_normal((6, 8))
    value, grad = costs.expected_kparams(alpha)
    step = 1e-6
    for e, o in ((0, 3), (5, 7)):
        shifted = alpha.copy()
        shifted[e, o] += step
        assert (costs.expected_kparams(shifted)[0] - value) / step == pytest.approx(
            grad[e, o], rel=1e-4, abs=1e-9)
    lat, par = costs.discrete([("gru",), (), (), ("conv_3",), (), ()])
    assert lat == pytest.approx(2 * (1.0 + 2 / 7)) and par == pytest.approx(
        2 * (op_params("gru", 4) + op_params("conv_3", 4)) / 1e3)


# -- problems ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def problems() -> dict[str, object]:
    from solvers.registry import make_problem

    return {"text": make_problem("sentiment-supernet", TINY_TEXT),
            "series": make_problem("series-supernet", TINY_SERIES)}


@pytest.mark.parametrize("family", ["text", "series"])
def test_one_shot_queries_are_reproducible_by_seed(problems: dict[str, object],
                                                   family: str) -> None:
    from solvers.registry import make_problem

    first = problems[family]
    name, config = (("sentiment-supernet", TINY_TEXT) if family == "text"
                    else ("series-supernet", TINY_SERIES))
    rng = np.random.default_rng(5)
    cells = [first.space.random_cell(rng) for _ in range(3)]  # type: ignore[attr-defined]
    a = first.evaluate(cells)  # type: ignore[attr-defined]
    first.objective_gradients(np.zeros((6, 8)))  # type: ignore[attr-defined]  # moves weights
    second = make_problem(name, config)  # restores the warm snapshot
    np.testing.assert_array_equal(second.evaluate(cells), a)  # type: ignore[attr-defined]
    assert a.shape == (3, 3) and np.all(np.isfinite(a)) and np.all(a >= 0)
    if family == "text":
        assert np.all(a[:, 0] <= 1)
    assert np.all(a <= second.reference_point() + 1e-12) or family == "series"  # type: ignore[attr-defined]


@pytest.mark.parametrize("family", ["text", "series"])
def test_objective_gradients_are_finite_with_the_alpha_shape(problems: dict[str, object],
                                                            family: str) -> None:
    problem = problems[family]
    alpha = np.random.default_rng(0).standard_normal((6, 8))
    values, grads = problem.objective_gradients(alpha)  # type: ignore[attr-defined]
    assert values.shape == (3,) and grads.shape == (3, 6, 8)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))
    assert np.any(grads[0] != 0)  # the architecture gradient is real
    with pytest.raises(InvalidParameterError, match="alpha is finite with shape"):
        problem.objective_gradients(np.zeros((6, 5)))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "config", "fragment"), [
    ("sentiment-supernet", {"channels": 0}, "1 <= channels <= 256"),
    ("sentiment-supernet", {"eval_size": 5}, "10 <= eval_size <= 500"),
    ("sentiment-supernet", {"channels": 5}, "needs a stored sequence latency table"),
    ("series-supernet", {"series": "airline"}, "series in {sunspots, co2}"),
    ("series-supernet", {"latency": "guessed"}, "latency in {stored, measured}"),
])
def test_bad_problem_configurations_name_the_rule(name: str, config: dict[str, object],
                                                  fragment: str) -> None:
    from solvers.registry import make_problem

    with pytest.raises(InvalidParameterError) as info:
        make_problem(name, config)
    assert fragment in str(info.value)


def test_bad_retraining_input_names_the_rule() -> None:
    from solvers.supernet.sequence import retrain_series, retrain_text

    with pytest.raises(InvalidParameterError, match="at most one operation for each"):
        retrain_text([("conv_3",)] * 5, held_out=None)
    with pytest.raises(InvalidParameterError, match="derived operations in"):
        retrain_text([("causal_conv_2",), (), (), (), (), ()], held_out=None)
    with pytest.raises(InvalidParameterError, match="epochs >= 1"):
        retrain_series([()] * 6, series="co2", epochs=0)
    with pytest.raises(InvalidParameterError, match="series in"):
        retrain_series([()] * 6, series="airline")


# -- solvers and retraining (slow) -----------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", ["sentiment-supernet", "series-supernet"])
@pytest.mark.parametrize(("method", "params"), [
    ("hybrid", {"max_queries": 8, "pop": 4, "n_refine": 1, "problem_refine_steps": 2,
                "surrogate": "auto"}),
    ("darts", {"steps": 3}),
])
def test_the_hybrid_and_darts_run_on_the_sequence_problems(name: str, method: str,
                                                           params: dict[str, object]) -> None:
    from solvers.registry import make_problem, make_solver
    from solvers.trace import TraceRecorder

    problem = make_problem(name, TINY_TEXT if name == "sentiment-supernet" else TINY_SERIES)
    recorder = TraceRecorder()
    make_solver(method, params).run(problem, 3, recorder)
    frame = recorder.to_frame()
    assert len(frame) >= 3 and np.all(np.isfinite(frame["f_error"]))


@pytest.mark.slow
def test_text_retraining_returns_accuracies_in_range() -> None:
    from solvers.supernet.sequence import retrain_text

    cell = [("conv_3",), ("gru",), (), ("skip_connect",), (), ()]
    for held_out in (None, "imdb"):
        result = retrain_text(cell, held_out=held_out, channels=4, epochs=1, embed_dim=8)
        assert 0 <= result["test_accuracy"] <= 1 and 0 <= result["val_accuracy"] <= 1
        assert result["train_seconds"] > 0 and result["latency_ms"] > 0
        assert result["params"] > result["cell_params"] > 0


def test_series_retraining_forecasts_the_reference_origins() -> None:
    from solvers.forecasting import rolling_forecasts
    from solvers.supernet.sequence import retrain_series
    from solvers.supernet.sequence_data import load_series

    result = retrain_series([("causal_conv_2",), (), (), ("linear",), (), ()],
                            series="sunspots", n_origins=3, horizon=2, epochs=1, channels=2)
    reference = rolling_forecasts(load_series("sunspots"), "arima", 3, 2, min_train=200)
    np.testing.assert_array_equal(result.origins, reference.origins)
    np.testing.assert_array_equal(result.actual, reference.actual)
    np.testing.assert_allclose(result.naive_scale, reference.naive_scale)
    assert result.forecasts.shape == (3, 2) and np.all(np.isfinite(result.forecasts))
    assert result.params > 0 and result.train_seconds > 0 and result.val_rmse > 0
