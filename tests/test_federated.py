"""Federated optimisation: FedAvg on convex problems, the Li et al. bounds, Dask clients.

* FedAvg with E = 1 and full participation is SGD on F = sum p_k F_k with the averaged
  noise (exact, on the same draws);
* aggregation is the shard-size-weighted mean, renormalised over the clients that reported;
* the Dirichlet split is a seeded partition and tends to the stratified IID split as
  alpha grows;
* the bounds' values by hand, the as-stated checks pass and the constant-step sabotage fails;
* kill-a-client: on a LocalCluster of 3 single-threaded workers a client's worker process
  is ended (``os._exit``) in round 2; the round completes with the other two, the loss is
  recorded, the earlier rounds are intact in the trace and the journal.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

from proofs_checks.check import CheckContext, Outcome
from proofs_checks.families.fedavg import CHECKS, FedAvgFullCheck
from solvers.federated.convex import (
    FedAvgConfig,
    FederatedLogistic,
    FederatedLogisticConfig,
    FederatedQuadratic,
    FederatedQuadraticConfig,
    run_fedavg,
    run_fedavg_distributed,
    simulate,
)
from solvers.federated.runtime import (
    ClientUpdate,
    DaskRunner,
    FaultPlan,
    InProcessRunner,
    aggregate,
)
from solvers.federated.split import dirichlet_split, label_distribution
from solvers.lab import Lab
from solvers.store import RunStore
from solvers.trace import VOLATILE_COLUMNS, TraceRecorder
from tests.verdicts import assert_expected_verdict
from theory.errors import InvalidParameterError
from theory.registry import get_bound


def test_fedavg_e1_full_is_sgd_on_the_average() -> None:
    problem = FederatedQuadratic(FederatedQuadraticConfig(clients=3, dim=3,
                                                          weights="unbalanced"))
    config = FedAvgConfig(rounds=40, local_steps=1)
    result = simulate(problem, config, [7])
    rng = np.random.default_rng(np.random.SeedSequence([7, 0xFEDA]))
    w = problem.initial_point(rng, config.x0_radius)
    noise = problem.draws(rng, 40)
    etas = 2.0 / (problem.mu * (max(8 * problem.L / problem.mu, 1) + np.arange(40)))
    for t in range(40):
        grad = problem.p @ (problem.client_gradients(np.repeat(w[None], 3, 0)) + noise[t])
        w = w - etas[t] * grad
        assert result.gaps[0, t + 1] == pytest.approx(problem.value(w) - problem.f_star,
                                                      rel=1e-12, abs=1e-15)


def test_ground_truth_of_the_problems() -> None:
    quad = FederatedQuadratic(FederatedQuadraticConfig(heterogeneity=1.0))
    grad = quad.p @ quad.client_gradients(np.repeat(quad.w_star[None], quad.N, 0))
    assert np.linalg.norm(grad) < 1e-12 and quad.gamma_het > 0
    iid = FederatedQuadratic(FederatedQuadraticConfig(heterogeneity=0.0))
    assert iid.gamma_het == pytest.approx(0.0, abs=1e-12)
    logistic = FederatedLogistic(FederatedLogisticConfig())
    g = logistic.p @ logistic.client_gradients(np.repeat(logistic.w_star[None], 4, 0))
    assert np.linalg.norm(g) < 1e-10 and logistic.gamma_het >= -1e-12
    # the minibatch oracle is unbiased and its variance is below sigma_k^2
    w = np.ones((1, 4, 4))
    rng = np.random.default_rng(0)
    draws = np.stack([logistic.draws(rng, 1)[0] for _ in range(4000)])
    grads = logistic.stochastic_gradients(np.repeat(w, 4000, 0), draws)
    mean = grads.mean(axis=0)
    assert np.allclose(mean, logistic.client_gradients(w)[0], atol=0.05)
    variance = np.mean(np.sum((grads - mean) ** 2, axis=-1), axis=0)
    assert np.all(variance <= logistic.sigma_sq * 1.05)


def test_same_seed_same_trace_other_seed_other_trace() -> None:
    problem = FederatedQuadratic(FederatedQuadraticConfig())
    config = FedAvgConfig(rounds=20, participation="scheme-I", K=2)
    frames = []
    for seed in (3, 3, 4):
        recorder = TraceRecorder()
        run_fedavg(problem, config, seed, recorder)
        frames.append(recorder.to_frame().drop(columns=list(VOLATILE_COLUMNS)))
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])
    # a seed's run does not depend on the other seeds simulated with it
    alone = simulate(problem, config, [4]).gaps[0]
    assert np.array_equal(simulate(problem, config, [3, 4]).gaps[1], alone)


def test_aggregation_is_weighted_by_shard_size_and_renormalised() -> None:
    a = ClientUpdate(0, {"w": [np.array([0.0, 0.0])]}, 1.0)
    b = ClientUpdate(1, {"w": [np.array([4.0, 8.0])]}, 3.0)
    assert np.allclose(aggregate([a, b])["w"][0], [3.0, 6.0])
    assert np.allclose(aggregate([b])["w"][0], [4.0, 8.0])  # the lost one renormalised out
    with pytest.raises(InvalidParameterError):
        aggregate([])


def test_dirichlet_split_is_seeded_partition_and_tends_to_iid() -> None:
    labels = np.repeat(np.arange(10), 100)
    first = dirichlet_split(labels, 4, 0.5, np.random.default_rng(1))
    again = dirichlet_split(labels, 4, 0.5, np.random.default_rng(1))
    other = dirichlet_split(labels, 4, 0.5, np.random.default_rng(2))
    assert all(np.array_equal(x, y) for x, y in zip(first, again, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(first, other, strict=True))
    assert np.array_equal(np.sort(np.concatenate(first)), np.arange(1000))

    def skew(alpha: float) -> float:
        shards = dirichlet_split(labels, 4, alpha, np.random.default_rng(0))
        return float(np.abs(label_distribution(labels, shards, 10) - 0.1).max())

    assert skew(math.inf) <= 0.01  # stratified: 25 of each class per client
    assert skew(1e6) < 0.02 < skew(1.0) and skew(0.1) > skew(1.0)
    with pytest.raises(InvalidParameterError, match="alpha > 0"):
        dirichlet_split(labels, 4, 0.0, np.random.default_rng(0))


def test_bound_values_by_hand() -> None:
    constants = {"L": 2.0, "mu": 1.0, "T": 100, "E": 2, "Gamma": 0.1, "G": 1.0,
                 "S_sigma": 0.5, "D0": 4.0, "K": 2, "N_out": 2}
    # kappa 2, gamma 16, B = 0.5 + 1.2 + 8 = 9.7: 2/115 (19.4 + 32)
    assert get_bound("fedavg.full.li2020-thm1").evaluate(**constants) == \
        pytest.approx(2 / 115 * 51.4)
    # C = 4 * 4 / 2 = 8: 2/115 (2 (17.7) + 32)
    assert get_bound("fedavg.scheme-i.li2020-thm2").evaluate(**constants) == \
        pytest.approx(2 / 115 * 67.4)
    # C = (2/3) 8: 2/115 (2 (9.7 + 16/3) + 32)
    assert get_bound("fedavg.scheme-ii.li2020-thm3").evaluate(**constants) == \
        pytest.approx(2 / 115 * (2 * (9.7 + 16 / 3) + 32))


@pytest.fixture(scope="module")
def context() -> CheckContext:
    return CheckContext(profile="quick", lab=Lab(RunStore("unused-fedavg")))


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_as_stated_holds_and_constant_step_fails(check, context: CheckContext) -> None:
    for setting in ("as-stated", "constant-step"):
        assert_expected_verdict(check, setting, check.run(context, setting), lists_failed=True)
    held = check.run(context, "as-stated")
    assert 0 < held.tightness < 1 and held.triviality.ratio < 1


def test_gamma_omitted_probe_reports_no_counterexample(context: CheckContext) -> None:
    result = FedAvgFullCheck().run(context, "Gamma-omitted")
    assert result.probe and result.outcome is Outcome.HOLDS
    assert result.details["probe_finding"].startswith("no counterexample found")


def test_in_process_runner_survives_a_failing_client() -> None:
    recorder = TraceRecorder()
    with InProcessRunner(FaultPlan(fail=((1, 0),), kill=((2, 2),))) as runner:
        outcome = run_fedavg_distributed("federated-quadratic", {"clients": 3},
                                         FedAvgConfig(rounds=4), 0, recorder, runner)
    assert list(recorder.column("clients_reported")) == [3, 2, 2, 3]
    assert set(outcome.lost) == {1, 2} and "ClientFailure" in outcome.lost[1][0]


def test_kill_a_client_on_a_local_cluster(tmp_path) -> None:
    """A worker process dies in round 2: that round aggregates the other two clients."""
    journal = tmp_path / "rounds.jsonl"
    recorder = TraceRecorder()
    start = time.perf_counter()
    with DaskRunner(workers=3, round_timeout=120.0, faults=FaultPlan(kill=((2, 1),))) as runner:
        outcome = run_fedavg_distributed("federated-quadratic", {"clients": 3},
                                         FedAvgConfig(rounds=5, local_steps=2), 0, recorder,
                                         runner, journal=journal)
    seconds = time.perf_counter() - start
    reported = list(recorder.column("clients_reported"))
    assert reported == [3, 3, 2, 3, 3], reported
    assert list(recorder.column("lost_clients")) == ["", "", "1", "", ""]
    assert set(outcome.lost) == {2} and "KilledWorker" in outcome.lost[2][1]
    gaps = recorder.column("gap")
    assert np.all(np.isfinite(gaps)) and gaps[-1] < gaps[0]
    # the rounds before the loss are exactly what the in-process runner computes
    reference = TraceRecorder()
    run_fedavg_distributed("federated-quadratic", {"clients": 3},
                           FedAvgConfig(rounds=2, local_steps=2), 0, reference,
                           InProcessRunner())
    assert np.array_equal(gaps[:2], reference.column("gap"))
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [line["round"] for line in lines] == [0, 1, 2, 3, 4]
    assert lines[2]["lost"].keys() == {"1"}
    assert seconds < 240


@pytest.mark.slow
def test_federated_search_in_process_tiny() -> None:
    from solvers.federated.nas import FederatedNASConfig, run_federated_search

    config = FederatedNASConfig(clients=3, rounds=2, warmup_rounds=1, local_steps=2,
                                channels=4, stages=1, retrain_rounds=2, retrain_local_steps=2,
                                retrain_channels=4, runner="in-process", latency_repeats=2,
                                n_train=300, n_val=300, n_test=200)
    recorder = TraceRecorder()
    outcome = run_federated_search(config, 0, recorder,
                                   faults=FaultPlan(fail=((1, 2),)))
    assert len(recorder) == 4
    assert list(recorder.column("clients_reported")) == [3, 2, 3, 3]
    assert outcome.summary["params"] > 0 and outcome.summary["latency_ms"] > 0
    assert outcome.summary["search_bytes_per_round"] > 0
