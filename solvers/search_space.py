"""The hierarchical cell-based search space: cells, encodings, isomorphism, moves, skeletons.

Two cell families share one interface (:class:`CellSpace`):

* :class:`NB201Cell` — NAS-Bench-201 (Dong & Yang, ICLR 2020): 4 nodes, 6 edges i<-j (j < i),
  each one of 5 operations; 5^6 = 15,625 cells. The string format is the benchmark's
  ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``. ``canonical`` is the benchmark's own
  isomorphism key (``to_unique_str(consider_zero=True)`` of the NAS-Bench-201 code): a
  cell is rewritten as the expression it computes, with ``none`` as a zero, ``skip_connect``
  as the identity and sums sorted; it reproduces the 6,466 classes of the shipped table.
* :class:`DartsCell` — the DARTS cell (Liu, Simonyan & Yang, ICLR 2019): two input nodes,
  ``k`` intermediate nodes, intermediate node j has an edge from each of its 2 + j
  predecessors in the supernet and keeps two incoming edges, each with one non-zero
  operation, in the discrete cell.

Encodings: discrete operation indices per edge, continuous architecture logits alpha of
shape (edges, operations) with softmax per edge, and conversion both ways (argmax, or the
DARTS top-k rule for the DARTS cell). Moves: all one-edge neighbours and a uniform
one-edge mutation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["DARTS_OPS", "NB201_OPS", "CellSpace", "DartsCell", "MacroSkeleton", "NB201Cell",
           "softmax"]

NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
DARTS_OPS = ("none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
             "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5")
PARAMETER_FREE_OPS = frozenset({"none", "skip_connect", "max_pool_3x3", "avg_pool_3x3"})


def softmax(alpha: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise softmax of architecture logits (one row per edge)."""
    shifted = alpha - alpha.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    result: NDArray[np.float64] = weights / weights.sum(axis=-1, keepdims=True)
    return result


class CellSpace:
    """What every cell family provides."""

    ops: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]  # (to_node, from_node)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @property
    def n_ops(self) -> int:
        return len(self.ops)

    def validate(self, cell: Sequence[int]) -> tuple[int, ...]:
        """A cell as a tuple of operation indices, one per edge; raises on bad input."""
        values = tuple(int(v) for v in cell)
        if len(values) != self.n_edges:
            raise InvalidParameterError(f"a cell has one operation per edge ({self.n_edges})",
                                        f"{len(values)} operations")
        bad = [v for v in values if not 0 <= v < self.n_ops]
        if bad:
            raise InvalidParameterError(f"operation indices are in 0..{self.n_ops - 1}",
                                        f"{bad[0]}")
        return values

    def op_index(self, name: str) -> int:
        if name not in self.ops:
            raise InvalidParameterError(f"operation in {{{', '.join(self.ops)}}}", repr(name))
        return self.ops.index(name)

    # -- continuous encoding ------------------------------------------------------------
    def to_alpha(self, cell: Sequence[int], confidence: float = 5.0) -> NDArray[np.float64]:
        """Logits whose softmax puts most weight on the cell's operations."""
        values = self.validate(cell)
        alpha = np.zeros((self.n_edges, self.n_ops))
        alpha[np.arange(self.n_edges), values] = confidence
        return alpha

    def from_alpha(self, alpha: NDArray[np.float64]) -> tuple[int, ...]:
        """The discrete cell of the largest logit per edge (argmax)."""
        matrix = np.asarray(alpha, dtype=float)
        if matrix.shape != (self.n_edges, self.n_ops):
            raise InvalidParameterError(f"alpha has shape ({self.n_edges}, {self.n_ops})",
                                        f"shape {matrix.shape}")
        return tuple(int(i) for i in matrix.argmax(axis=1))

    # -- moves ----------------------------------------------------------------------
    def neighbours(self, cell: Sequence[int]) -> list[tuple[int, ...]]:
        """Every cell that differs in exactly one edge's operation."""
        values = self.validate(cell)
        result = []
        for edge in range(self.n_edges):
            for op in range(self.n_ops):
                if op != values[edge]:
                    result.append((*values[:edge], op, *values[edge + 1:]))
        return result

    def mutate(self, cell: Sequence[int], rng: np.random.Generator) -> tuple[int, ...]:
        """One edge chosen uniformly, its operation replaced by a different uniform one."""
        values = list(self.validate(cell))
        edge = int(rng.integers(self.n_edges))
        shift = int(rng.integers(1, self.n_ops))
        values[edge] = (values[edge] + shift) % self.n_ops
        return tuple(values)

    def random_cell(self, rng: np.random.Generator) -> tuple[int, ...]:
        return tuple(int(v) for v in rng.integers(0, self.n_ops, self.n_edges))


class NB201Cell(CellSpace):
    """The NAS-Bench-201 cell; edge order is the benchmark string's order."""

    def __init__(self) -> None:
        self.ops = NB201_OPS
        self.edges = tuple((to, frm) for to in range(1, 4) for frm in range(to))

    @property
    def size(self) -> int:
        return self.n_ops**self.n_edges

    def all_cells(self) -> Iterator[tuple[int, ...]]:
        return itertools.product(range(self.n_ops), repeat=self.n_edges)

    def to_string(self, cell: Sequence[int]) -> str:
        values = self.validate(cell)
        groups = []
        position = 0
        for node in range(1, 4):
            parts = [f"{self.ops[values[position + j]]}~{j}" for j in range(node)]
            position += node
            groups.append("|" + "|".join(parts) + "|")
        return "+".join(groups)

    def from_string(self, text: str) -> tuple[int, ...]:
        """Parse ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``; a malformed string raises."""
        rule = "a NAS-Bench-201 cell string is |op~0|+|op~0|op~1|+|op~0|op~1|op~2|"
        groups = text.strip().split("+")
        if len(groups) != 3:
            raise InvalidParameterError(rule, repr(text))
        values: list[int] = []
        for node, group in enumerate(groups, start=1):
            if not (group.startswith("|") and group.endswith("|")):
                raise InvalidParameterError(rule, repr(text))
            parts = group[1:-1].split("|")
            if len(parts) != node:
                raise InvalidParameterError(rule, repr(text))
            for j, part in enumerate(parts):
                name, sep, source = part.partition("~")
                if not sep or source != str(j):
                    raise InvalidParameterError(rule, repr(text))
                values.append(self.op_index(name))
        return tuple(values)

    def canonical(self, cell: Sequence[int]) -> str:
        """The NAS-Bench-201 isomorphism key (``to_unique_str(consider_zero=True)``)."""
        values = self.validate(cell)
        nodes = {0: "0"}
        position = 0
        for node in range(1, 4):
            terms = []
            for source in range(node):
                op = self.ops[values[position + source]]
                incoming = nodes[source]
                if op == "none" or incoming == "#":
                    terms.append("#")
                elif op == "skip_connect":
                    terms.append(incoming)
                else:
                    terms.append(f"({incoming})@{op}")
            position += node
            nodes[node] = "+".join(sorted(terms))
        return nodes[3]


class DartsCell(CellSpace):
    """The DARTS cell with ``k`` intermediate nodes over ``ops`` (``none`` first)."""

    def __init__(self, intermediate_nodes: int = 4, ops: tuple[str, ...] = DARTS_OPS) -> None:
        if intermediate_nodes < 1:
            raise InvalidParameterError("intermediate_nodes >= 1",
                                        f"intermediate_nodes={intermediate_nodes}")
        if len(ops) < 2 or ops[0] != "none":
            raise InvalidParameterError("the DARTS operation set starts with 'none' and has "
                                        "at least one other operation", f"ops={ops}")
        self.k = intermediate_nodes
        self.ops = ops
        self.edges = tuple((2 + j, source) for j in range(self.k) for source in range(2 + j))

    @property
    def discrete_size(self) -> int:
        """Discrete cells: node j keeps 2 of its 2 + j inputs, each with a non-zero op."""
        per_node = [math.comb(2 + j, 2) * (self.n_ops - 1) ** 2 for j in range(self.k)]
        return math.prod(per_node)

    def derive(self, alpha: NDArray[np.float64]) -> list[tuple[tuple[str, int], ...]]:
        """The DARTS discretisation: per node, the two incoming edges with the strongest
        non-zero operation (softmax weight), each with that operation."""
        weights = softmax(np.asarray(alpha, dtype=float))
        if weights.shape != (self.n_edges, self.n_ops):
            raise InvalidParameterError(f"alpha has shape ({self.n_edges}, {self.n_ops})",
                                        f"shape {weights.shape}")
        genotype = []
        start = 0
        for j in range(self.k):
            count = 2 + j
            block = weights[start:start + count, 1:]
            strength = block.max(axis=1)
            keep = sorted(np.argsort(-strength, kind="stable")[:2].tolist())
            genotype.append(tuple((self.ops[1 + int(block[e].argmax())], int(e)) for e in keep))
            start += count
        return genotype


@dataclass(frozen=True)
class MacroSkeleton:
    """The network around the cells: a stem, stages of cells, reductions between stages.

    The NAS-Bench-201 skeleton is ``MacroSkeleton.nb201()``: stem 3x3 convolution to 16
    channels, 3 stages of 5 cells at 16/32/64 channels, a residual reduction block between
    stages, then BN-ReLU, global average pooling and a linear classifier.
    """

    stem_channels: int = 16
    stage_channels: tuple[int, ...] = (16, 32, 64)
    cells_per_stage: int = 5
    input_channels: int = 3
    input_size: int = 32
    num_classes: int = 10

    def __post_init__(self) -> None:
        if self.cells_per_stage < 1 or not self.stage_channels:
            raise InvalidParameterError("at least one stage with at least one cell",
                                        f"stages={self.stage_channels}, "
                                        f"cells_per_stage={self.cells_per_stage}")

    @classmethod
    def nb201(cls, num_classes: int = 10) -> MacroSkeleton:
        return cls(num_classes=num_classes)
