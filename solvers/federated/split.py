"""Non-IID client shards by a Dirichlet split of the labels (Hsu, Qi and Brown, 2019).

For every class c a vector q_c ~ Dirichlet(alpha 1_K) is drawn and the (shuffled) examples of
class c are cut among the K clients in the proportions q_c. Small alpha gives each client a
few classes; ``alpha = inf`` is the limit q_c = 1/K: the class-stratified IID split (every
client receives floor or ceil of n_c / K examples of each class). Every client is guaranteed
at least ``min_size`` examples: the draw is repeated (from the same generator) until it holds,
as in the reference implementation of Hsu et al.; the number of redraws is capped.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["dirichlet_split", "label_distribution"]

#: redraws of the Dirichlet proportions before a too-small client is reported
MAX_REDRAWS = 1000


def dirichlet_split(labels: NDArray[np.integer], clients: int, alpha: float,
                    rng: np.random.Generator, min_size: int = 1) -> list[NDArray[np.int64]]:
    """Row indices of each client's shard (sorted), a partition of ``range(len(labels))``."""
    y = np.asarray(labels)
    if clients < 1:
        raise InvalidParameterError("clients >= 1", f"clients={clients}")
    if not alpha > 0:
        raise InvalidParameterError("alpha > 0 (inf: IID)", f"alpha={alpha}")
    if min_size * clients > len(y):
        raise InvalidParameterError("min_size * clients <= examples",
                                    f"min_size={min_size}, clients={clients}, n={len(y)}")
    classes = np.unique(y)
    for _ in range(MAX_REDRAWS):
        shards: list[list[NDArray[np.int64]]] = [[] for _ in range(clients)]
        for c in classes:
            rows = rng.permutation(np.flatnonzero(y == c))
            if math.isinf(alpha):
                cuts = np.round(np.arange(1, clients) * len(rows) / clients).astype(int)
            else:
                q = rng.dirichlet(np.full(clients, alpha))
                cuts = np.round(np.cumsum(q)[:-1] * len(rows)).astype(int)
            for k, part in enumerate(np.split(rows, cuts)):
                shards[k].append(part.astype(np.int64))
        out = [np.sort(np.concatenate(s)) for s in shards]
        if min(len(s) for s in out) >= min_size:
            return out
    raise InvalidParameterError(f"a Dirichlet({alpha}) split gives every client >= {min_size} "
                                f"examples within {MAX_REDRAWS} draws",
                                f"clients={clients}, n={len(y)}")


def label_distribution(labels: NDArray[np.integer], shards: list[NDArray[np.int64]],
                       classes: int) -> NDArray[np.float64]:
    """(clients, classes) share of each class within each client's shard."""
    y = np.asarray(labels)
    table = np.zeros((len(shards), classes))
    for k, rows in enumerate(shards):
        counts = np.bincount(y[rows], minlength=classes)
        table[k] = counts / max(counts.sum(), 1)
    return table
