"""Loaders of the application data: PneumoniaMNIST, the UCI sentiment sentences, and the
statsmodels sunspots and co2 series, with the text encoding and rolling-origin splits.

Reference values and where they come from:

* split sizes and class counts of PneumoniaMNIST: solvers/data/README.md (the official
  MedMNIST v2 split, Yang et al., Scientific Data 2023);
* 1,000 sentences per domain, 500 of each label: the UCI ``readme.txt`` shipped beside
  the sentences (Kotzias et al., KDD 2015);
* 309 yearly sunspot values 1700-2008 and 2,284 weekly co2 values with 59 missing: the
  statsmodels dataset descriptions (``statsmodels.datasets.sunspots`` / ``co2``);
* SHA-256 digests: computed on the files of the project's shared data folder when they
  were copied into the package (the copies are byte for byte).

Only the package copies are read; nothing outside the package.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from solvers.datasets import (
    OOV_INDEX,
    PAD_INDEX,
    PNEUMONIA_COUNTS,
    SENTIMENT_DOMAINS,
    Vocabulary,
    _parse_sentiment,
    _pneumonia_from_arrays,
    build_vocabulary,
    cross_domain_split,
    encode,
    load_co2,
    load_pneumonia,
    load_sentiment,
    load_sunspots,
    rolling_origin_splits,
    tokenize,
)
from theory.errors import InvalidParameterError, UnknownNameError

DATA = resources.files("solvers") / "data"
ROOT = Path(__file__).resolve().parents[1]

SHA256 = {
    "pneumoniamnist/pneumoniamnist.npz":
        "b455d41aa128b1b88affbaf491088e35336685affa0ae59342d25033c457f044",
    "pneumoniamnist/NOTICE.txt":
        "66a7db3c1677178fe1789f14e010b910bd3f062eb056caf861c97ce23cc35790",
    "sentiment/amazon_cells_labelled.txt":
        "47003fc0a0d4840b00e96e715b6189bad09e7443a3da41c4cbe12ffc79f86ae3",
    "sentiment/imdb_labelled.txt":
        "c662b9360c1652babb990d164835af12aa105db7991f1fdb19038115f0e93de8",
    "sentiment/yelp_labelled.txt":
        "b565b1eeb864d76842588c3a256731b08bcdd9faf6de507bfe211a96f8b81912",
    "sentiment/readme.txt":
        "736c26aa54e3614459e50314ece0698051f0923d108ed53938dcb1aa0483bfd4",
    "sentiment/NOTICE.txt":
        "0367989912539903ac7970ff78262c660a38d9088f1d71f562a3fd65a9ea6531",
}


# -- package data --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SHA256))
def test_package_copy_is_byte_for_byte(name: str) -> None:
    digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert digest == SHA256[name]


def test_every_data_file_is_declared_package_data() -> None:
    """A file under solvers/data that no package-data glob matches would not be installed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["solvers"]
    base = ROOT / "solvers"
    files = [p.relative_to(base).as_posix() for p in (base / "data").rglob("*") if p.is_file()]
    assert "data/pneumoniamnist/pneumoniamnist.npz" in files
    missing = [f for f in files if not any(fnmatch.fnmatchcase(f, g) for g in globs)]
    assert missing == []


# -- PneumoniaMNIST ------------------------------------------------------------------------

def test_pneumonia_sizes_shapes_and_class_counts() -> None:
    data = load_pneumonia()
    sizes = {}
    for split, (normal, pneumonia) in PNEUMONIA_COUNTS.items():
        images, labels = data.split(split)
        sizes[split] = len(labels)
        assert images.shape == (normal + pneumonia, 28, 28, 1)
        assert images.dtype == np.float32 and labels.dtype == np.int64
        assert labels.shape == (normal + pneumonia,)
        assert images.min() >= 0.0 and images.max() <= 1.0
        assert np.bincount(labels, minlength=2).tolist() == [normal, pneumonia]
        assert not images.flags.writeable and not labels.flags.writeable
    assert sizes == {"train": 4708, "val": 524, "test": 624}


def _official_arrays() -> dict[str, np.ndarray]:
    with resources.as_file(DATA / "pneumoniamnist" / "pneumoniamnist.npz") as path, \
            np.load(path) as raw:
        return {name: raw[name] for name in raw.files}


def test_pneumonia_pixels_are_the_file_bytes_over_255() -> None:
    test_images = _official_arrays()["test_images"]
    scaled = load_pneumonia().test_images[..., 0]
    np.testing.assert_array_equal(np.rint(scaled * 255).astype(np.uint8), test_images)


def test_pneumonia_known_duplicates() -> None:
    """Known facts of this file (found when it was copied): byte-identical images.

    The test split shares no image with train or validation; train and validation share
    8 images (same labels), train holds 18 repeated copies, test 3. Pinned here so that
    a change of file is noticed and so that users know the overlap exists.
    """
    data = load_pneumonia()

    def keys(images: np.ndarray) -> list[bytes]:
        return [hashlib.sha1(image.tobytes()).digest() for image in images]

    train, val, test = (keys(data.split(s)[0]) for s in ("train", "val", "test"))
    assert set(test).isdisjoint(train) and set(test).isdisjoint(val)
    assert len(set(train) & set(val)) == 8
    assert (len(train) - len(set(train)), len(val) - len(set(val)),
            len(test) - len(set(test))) == (18, 0, 3)


@pytest.mark.parametrize(("tamper", "rule"), [
    (lambda a: a.pop("val_labels"), "'val_labels' in the PneumoniaMNIST file"),
    (lambda a: a.update(train_images=a["train_images"][:-1]),
     "train_images.shape == (4708, 28, 28)"),
    (lambda a: a.update(test_images=a["test_images"].astype(np.float32)),
     "test_images.dtype == uint8"),
    (lambda a: a.update(val_labels=a["val_labels"].ravel()), "val_labels.shape == (524, 1)"),
    (lambda a: a.update(test_labels=np.where(a["test_labels"] == 1, 2, 0)),
     "test_labels in {0, 1}"),
    (lambda a: a.update(test_labels=a["test_labels"][::-1] * 0 + 1),
     "test (normal, pneumonia) counts == (234, 390)"),
])
def test_pneumonia_file_that_breaks_a_rule_is_refused(tamper, rule: str) -> None:
    arrays = _official_arrays()
    tamper(arrays)
    with pytest.raises(InvalidParameterError) as caught:
        _pneumonia_from_arrays(arrays)
    assert caught.value.rule == rule


def test_pneumonia_unknown_split() -> None:
    with pytest.raises(UnknownNameError, match="unknown split 'dev'"):
        load_pneumonia().split("dev")


# -- sentiment -----------------------------------------------------------------------------

def test_sentiment_every_domain_has_1000_rows_500_per_label() -> None:
    domains = load_sentiment()
    assert tuple(domains) == SENTIMENT_DOMAINS == ("amazon", "imdb", "yelp")
    for rows in domains.values():
        assert len(rows) == 1000
        assert sum(label for _, label in rows) == 500
        assert {label for _, label in rows} == {0, 1}
        assert all(s and s == s.strip() and "\t" not in s and "\n" not in s for s, _ in rows)


def test_sentiment_rows_match_the_file_lines_and_keep_quotes() -> None:
    """Every file line becomes one row in order; odd quotes are kept, not paired up."""
    domains = load_sentiment()
    for domain, name in zip(SENTIMENT_DOMAINS, ("amazon_cells", "imdb", "yelp"), strict=True):
        lines = (DATA / "sentiment" / f"{name}_labelled.txt").read_text("utf-8").splitlines()
        assert len(lines) == 1000
        first = lines[0].rpartition("\t")
        assert domains[domain][0] == (first[0].strip(), int(first[2]))
    amazon = domains["amazon"]
    assert amazon[469] == ('Looks great and is strong."', 1)  # file line 470: one quote
    assert amazon[14][0] == (
        'The design is very odd, as the ear "clip" is not very comfortable at all.')
    assert domains["imdb"][0] == (
        "A very, very, very slow-moving, aimless movie about a distressed, drifting young man.",
        0)
    assert "Aurvåg" in domains["imdb"][495][0]  # UTF-8 read as UTF-8


def test_load_sentiment_returns_fresh_lists() -> None:
    first = load_sentiment()
    first["amazon"].clear()
    assert len(load_sentiment()["amazon"]) == 1000


@pytest.mark.parametrize(("text", "rule"), [
    ("good\t1\nno label here\n", "toy line 2 is 'sentence<TAB>0|1'"),
    ("good\t2\n", "toy line 1 is 'sentence<TAB>0|1'"),
    ("\t1\n", "toy line 1 is 'sentence<TAB>0|1'"),
    ("good\t1\nbad\t0\n", "toy: 500 sentences labelled 0 and 500 labelled 1"),
])
def test_sentiment_malformed_text_is_refused(text: str, rule: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _parse_sentiment(text, "toy")
    assert caught.value.rule == rule


def test_sentiment_parser_takes_the_label_after_the_last_tab() -> None:
    lines = "".join(f"a\tb {i}\t{i % 2}\n" for i in range(1000))
    rows = _parse_sentiment(lines, "toy")
    assert rows[3] == ("a\tb 3", 1)


@pytest.mark.parametrize("held_out", SENTIMENT_DOMAINS)
def test_cross_domain_split_is_two_against_one_and_disjoint(held_out: str) -> None:
    domains = load_sentiment()
    split = cross_domain_split(held_out)
    others = [d for d in SENTIMENT_DOMAINS if d != held_out]
    assert split.held_out == held_out and list(split.train_domains) == others
    assert list(split.test) == domains[held_out]
    assert list(split.train) == domains[others[0]] + domains[others[1]]
    assert len(split.train) == 2000 and len(split.test) == 1000
    assert split.train_labels.sum() == 1000 and split.test_labels.sum() == 500
    assert split.train_sentences[0] == domains[others[0]][0][0]
    # disjoint as sources; one sentence ("Very disappointing.") is written in two domains
    shared = set(split.train_sentences) & set(split.test_sentences)
    assert len(shared) <= 1


def test_cross_domain_split_unknown_domain() -> None:
    with pytest.raises(UnknownNameError, match="unknown domain 'twitter'"):
        cross_domain_split("twitter")


def test_tokenize() -> None:
    assert tokenize("Don't buy it!!") == ["don't", "buy", "it", "!", "!"]
    assert tokenize("10/10 -- GREAT, crêpe; ok?") == ["10", "10", "great", "crêpe", "ok", "?"]
    assert tokenize("   ") == []


def test_vocabulary_counts_orders_and_reserves_two_indices() -> None:
    vocabulary = build_vocabulary(["b a a", "c b a", "d"], min_count=2)
    assert vocabulary.tokens == ("a", "b")  # a: 3, b: 2; c and d below min_count
    assert len(vocabulary) == 4
    assert (vocabulary.index("a"), vocabulary.index("b"), vocabulary.index("zzz")) == (2, 3, 1)
    assert "a" in vocabulary and "c" not in vocabulary
    ties = build_vocabulary(["z y x", "x y z"], min_count=1)
    assert ties.tokens == ("x", "y", "z")


def test_vocabulary_is_deterministic_under_reordering() -> None:
    sentences = cross_domain_split("yelp").train_sentences
    vocabulary = build_vocabulary(sentences, min_count=2)
    order = np.random.default_rng(np.random.SeedSequence(18)).permutation(len(sentences))
    assert build_vocabulary([sentences[i] for i in order], min_count=2) == vocabulary
    assert build_vocabulary(sentences, min_count=3) != vocabulary
    assert 1000 < len(vocabulary) < 3000


def test_vocabulary_is_the_same_in_another_process() -> None:
    sentences = cross_domain_split("imdb").train_sentences
    here = build_vocabulary(sentences, min_count=2).tokens
    script = ("from solvers.datasets import build_vocabulary, cross_domain_split; "
              "import hashlib; t = build_vocabulary(cross_domain_split('imdb')"
              ".train_sentences, 2).tokens; print(hashlib.sha256('\\n'.join(t).encode())"
              ".hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    assert out == hashlib.sha256("\n".join(here).encode()).hexdigest()


def test_encode_pads_truncates_and_marks_unknown_tokens() -> None:
    vocabulary = build_vocabulary(["good food", "good service", "bad food"], min_count=2)
    assert vocabulary.tokens == ("food", "good")
    out = encode(["good food", "Good, bad food good food", "", "terrible"], vocabulary, 4)
    assert out.dtype == np.int32 and out.shape == (4, 4)
    assert out.tolist() == [
        [3, 2, PAD_INDEX, PAD_INDEX],
        [3, OOV_INDEX, 2, 3],  # truncated to the first 4 tokens
        [PAD_INDEX] * 4,
        [OOV_INDEX, PAD_INDEX, PAD_INDEX, PAD_INDEX],
    ]
    assert encode([], vocabulary, 3).shape == (0, 3)


def test_encode_real_split_uses_train_vocabulary() -> None:
    split = cross_domain_split("amazon")
    vocabulary = build_vocabulary(split.train_sentences, min_count=1)
    train = encode(split.train_sentences, vocabulary, 32)
    test = encode(split.test_sentences, vocabulary, 32)
    assert not (train == OOV_INDEX).any()  # every training token is in its vocabulary
    assert (test == OOV_INDEX).any()  # the held-out domain has words the others lack
    assert train.max() == len(vocabulary) - 1


@pytest.mark.parametrize(("call", "rule"), [
    (lambda: build_vocabulary("a sentence", 1), "sentences is a sequence of str"),
    (lambda: build_vocabulary(["a", 3], 1), "every sentence is a str"),  # type: ignore[list-item]
    (lambda: build_vocabulary(["a"], 0), "min_count >= 1"),
    (lambda: build_vocabulary(["a"], 1.5), "min_count is an int >= 1"),  # type: ignore[arg-type]
    (lambda: build_vocabulary(["a"], True), "min_count is an int >= 1"),
    (lambda: encode(["a"], build_vocabulary(["a"], 1), 0), "max_len >= 1"),
    (lambda: encode(["a"], {"a": 2}, 3), "vocabulary comes from build_vocabulary"),  # type: ignore[arg-type]
])
def test_text_arguments_are_validated(call, rule: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        call()
    assert caught.value.rule == rule


def test_vocabulary_type_is_frozen() -> None:
    vocabulary = Vocabulary(("a",), 1)
    with pytest.raises(AttributeError):
        vocabulary.tokens = ("b",)  # type: ignore[misc]


# -- time series ---------------------------------------------------------------------------

def test_sunspots() -> None:
    values = load_sunspots()
    assert values.dtype == np.float64 and values.shape == (309,)
    assert np.isfinite(values).all() and not values.flags.writeable
    assert values[:3].tolist() == [5.0, 11.0, 16.0]  # 1700-1702
    assert values[-1] == 2.9  # 2008
    assert values.min() >= 0


def test_co2_is_weekly_with_linear_fill() -> None:
    from statsmodels.datasets import co2

    raw = co2.load_pandas().data["co2"].to_numpy()
    values = load_co2()
    assert values.dtype == np.float64 and values.shape == (2284,)
    assert np.isfinite(values).all() and not values.flags.writeable
    missing = np.isnan(raw)
    assert missing.sum() == 59
    np.testing.assert_array_equal(values[~missing], raw[~missing])
    observed = np.flatnonzero(~missing)
    np.testing.assert_allclose(values, np.interp(np.arange(len(raw)), observed, raw[observed]),
                               rtol=0, atol=1e-9)
    # the 18-week gap of 1964 (weeks 304..321) lies on the line between its two neighbours
    assert missing[304:322].all() and not missing[303] and not missing[322]
    gap = values[303:323]
    np.testing.assert_allclose(np.diff(gap), (raw[322] - raw[303]) / 19, atol=1e-9)


def _splits(*args, **kwargs) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(rolling_origin_splits(*args, **kwargs))


def test_rolling_origin_small_case_by_hand() -> None:
    assert len(_splits(np.arange(10.0), 3, 2, 6)) == 3  # 6 + 2 + 2 == 10: just fits
    splits = _splits(np.arange(10.0), 3, 2, 4)
    assert [(tr.tolist(), te.tolist()) for tr, te in splits] == [
        (list(range(6)), [6, 7]),
        (list(range(7)), [7, 8]),
        (list(range(8)), [8, 9]),
    ]
    stepped = _splits(10, 2, 2, 4, step=3)
    assert [(len(tr), te.tolist()) for tr, te in stepped] == [(5, [5, 6]), (8, [8, 9])]


@pytest.mark.parametrize(("n", "origins", "horizon", "min_train", "step"), [
    (309, 20, 10, 200, 1), (2284, 12, 52, 1000, 26), (5, 1, 1, 4, 1), (30, 6, 3, 10, 2),
])
def test_rolling_origin_train_strictly_before_test(n, origins, horizon, min_train, step) -> None:
    splits = _splits(np.zeros(n), origins, horizon, min_train, step=step)
    assert len(splits) == origins
    starts = [int(te[0]) for _, te in splits]
    assert np.all(np.diff(starts) == step)
    for train, test in splits:
        assert train.dtype == np.intp and test.dtype == np.intp
        assert train.tolist() == list(range(len(train)))  # expanding, from the first value
        assert len(train) >= min_train
        assert train.max() < test.min()  # strictly before the test window
        assert test.tolist() == list(range(test[0], test[0] + horizon))
        assert test.max() < n
    assert splits[-1][1][-1] == n - 1  # the last window ends at the series' end


@pytest.mark.parametrize(("args", "kwargs", "rule"), [
    ((np.zeros(10), 3, 2, 7), {}, "min_train + horizon + (n_origins - 1) * step <= len(series)"),
    ((np.zeros(10), 1, 2, 4), {"step": 0}, "step >= 1"),
    ((np.zeros(10), 0, 2, 4), {}, "n_origins >= 1"),
    ((np.zeros(10), 1, 0, 4), {}, "horizon >= 1"),
    ((np.zeros(10), 1, 2, 0), {}, "min_train >= 1"),
    ((np.zeros(10), 1, 2.0, 4), {}, "horizon is an int >= 1"),
    ((np.zeros((5, 2)), 1, 1, 1), {}, "series.ndim == 1"),
    ((True, 1, 1, 1), {}, "series.ndim == 1"),
])
def test_rolling_origin_arguments_are_checked_at_the_call(args, kwargs, rule: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        rolling_origin_splits(*args, **kwargs)  # no next(): the check is eager
    assert caught.value.rule == rule


def test_rolling_origin_on_real_series_fits() -> None:
    splits = _splits(load_co2(), 10, 52, 1500, step=52)
    assert splits[0][1][0] == 2284 - 52 - 9 * 52
