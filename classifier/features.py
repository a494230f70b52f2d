"""N-gram counts over one normalisation channel, computed a whole batch at a time.

scikit-learn's vectorizers build a Python string for every n-gram, which would make the
classifier slower than the word segmenter it must beat by five times. Here a batch is
one string (texts joined by a line break): characters become small integer codes in one
NumPy array, every character n-gram becomes one exact 64-bit key (8 bits a character,
so nothing collides and every key can be spelled back for explanations), and syllables
are looked up in a dictionary once each. Vocabularies are sorted NumPy arrays (and the
syllables one joined string), which skops saves as plain data.
"""

from __future__ import annotations

import re
import string
import unicodedata
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from classifier.normalise import SEPARATOR, ChannelBatch

CHANNELS = ("normalised", "stripped", "expanded")


def _alphabet() -> str:
    """Code 0 separates texts, 1 is a space, 2 any other character, then these."""
    viet = []
    tones = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    for vowel in "aăâeêioôơuưy":
        viet.append(vowel)
        viet.extend(unicodedata.normalize("NFC", vowel + tone) for tone in tones)
    return string.digits + string.ascii_lowercase + "đ" + "".join(viet) + string.punctuation


ALPHABET = _alphabet()
_OTHER = 2
_CODE_TABLE = np.full(0x10000, _OTHER, dtype=np.uint8)
_CODE_TABLE[ord(SEPARATOR)] = 0
for _ch in " \t\r\f\v":
    _CODE_TABLE[ord(_ch)] = 1
for _i, _ch in enumerate(ALPHABET):
    _CODE_TABLE[ord(_ch)] = 3 + _i
_DECODE = ["\n", " ", "\N{REPLACEMENT CHARACTER}", *ALPHABET]
assert len(_DECODE) <= 256


def _codes(text: str) -> np.ndarray:
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    codes = _CODE_TABLE[np.minimum(points, 0xFFFF)]
    codes[points > 0xFFFF] = _OTHER
    return codes.astype(np.int64)


def _char_keys(text: str, n_min: int, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc index, key) of every character n-gram that stays inside one text."""
    codes = _codes(text)
    is_sep = codes == 0
    doc_of = np.cumsum(is_sep) - is_sep  # texts before each position
    sep_cum = np.concatenate([[0], np.cumsum(is_sep)])
    docs, keys = [], []
    for n in range(n_min, n_max + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        key = np.full(m, n << 40, dtype=np.int64)
        for k in range(n):
            key |= codes[k : k + m] << (8 * k)
        inside = sep_cum[n : n + m] - sep_cum[:m] == 0
        docs.append(doc_of[:m][inside])
        keys.append(key[inside])
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(docs), np.concatenate(keys)


def _spell_char_key(key: int) -> str:
    n = key >> 40
    return "".join(_DECODE[(key >> (8 * k)) & 0xFF] for k in range(n))


def _count_matrix(docs: np.ndarray, cols: np.ndarray, n_docs: int, n_cols: int) -> sp.csr_matrix:
    """Rows of counts from (doc, column) pairs: scipy sums the repeats row by row, which
    is about twice as fast as one global sort of the pairs."""
    counts = sp.csr_matrix((np.ones(len(cols), np.float64), (docs, cols)), shape=(n_docs, n_cols))
    counts.sum_duplicates()
    return counts


def _frequent(docs: np.ndarray, keys: np.ndarray, min_df: int) -> np.ndarray:
    """Sorted keys that occur in at least ``min_df`` texts."""
    pairs = np.unique(np.stack([keys, docs]), axis=1)
    uniq, df = np.unique(pairs[0], return_counts=True)
    return np.asarray(uniq[df >= min_df], dtype=np.int64)


_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing


class KeyTable:
    """Open-addressing hash table over non-negative int64 keys: vectorised lookups.

    ``np.searchsorted`` over a large vocabulary costs a cache miss per step; here the
    keys sit in their slots (load factor at most 1/4), so one gather and one comparison
    settle almost every lookup.
    """

    def __init__(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.slot_keys = np.full(1 << bits, -1, dtype=np.int64)
        self.slot_values = np.full(1 << bits, -1, dtype=np.int64)
        pending = np.arange(len(keys))
        home = self._home(keys)
        while len(pending):
            slot = home[pending]
            free = self.slot_keys[slot] == -1
            first = np.zeros(len(pending), bool)
            _, winners = np.unique(slot[free], return_index=True)
            first[np.flatnonzero(free)[winners]] = True
            self.slot_keys[slot[first]] = keys[pending[first]]
            self.slot_values[slot[first]] = pending[first]
            pending = pending[~first]
            home[pending] = (home[pending] + 1) & self.mask

    def _home(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * _MIX) >> self.shift).astype(np.int64)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of each key in the vocabulary (-1 if absent), and which keys were found."""
        index = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys))
        slot = self._home(keys)
        while len(active):
            there = self.slot_keys[slot]
            hit = there == keys
            index[active[hit]] = self.slot_values[slot[hit]]
            going_on = ~hit & (there != -1)
            active, slot, keys = active[going_on], (slot[going_on] + 1) & self.mask, keys[going_on]
        return index, index >= 0


class _Featurizer(TransformerMixin, BaseEstimator):
    channel: str
    _table: KeyTable | None = None

    def _text(self, batch: ChannelBatch) -> str:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}; expected one of {CHANNELS}")
        return str(getattr(batch, self.channel))

    def feature_name(self, column: int) -> str:
        raise NotImplementedError


class CharNgrams(_Featurizer):
    """Counts of character n-grams (n_min..n_max, across spaces) of one channel."""

    def __init__(
        self, channel: str = "normalised", n_min: int = 2, n_max: int = 5, min_df: int = 2
    ) -> None:
        self.channel = channel
        self.n_min = n_min
        self.n_max = n_max
        self.min_df = min_df

    def fit(self, X: ChannelBatch, y: Any = None) -> CharNgrams:
        docs, keys = _char_keys(self._text(X), self.n_min, self.n_max)
        self.vocabulary_ = _frequent(docs, keys, self.min_df)
        self._table = None
        return self

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_table", None)  # rebuilt from vocabulary_ on first use
        return state

    @property
    def table(self) -> KeyTable:
        if self._table is None:
            self._table = KeyTable(self.vocabulary_)
        return self._table

    def transform(self, X: ChannelBatch) -> sp.csr_matrix:
        docs, keys = _char_keys(self._text(X), self.n_min, self.n_max)
        cols, found = self.table.find(keys)
        return _count_matrix(docs[found], cols[found], X.size, len(self.vocabulary_))

    def feature_name(self, column: int) -> str:
        return _spell_char_key(int(self.vocabulary_[column]))


_SYLLABLE = re.compile(r"\w+|\n")


class SyllableNgrams(_Featurizer):
    """Counts of syllable (space-separated word) unigrams and bigrams of one channel."""

    _index: dict[str, int] | None = None
    _names: list[str] | None = None

    def __init__(self, channel: str = "normalised", min_df: int = 2) -> None:
        self.channel = channel
        self.min_df = min_df

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_index", None)  # both rebuilt from syllables_ on first use
        state.pop("_names", None)
        state.pop("_table", None)
        return state

    def _ids(self, text: str, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Syllable ids of a batch (-1 unknown, -2 between texts) and each one's text."""
        tokens = _SYLLABLE.findall(text)
        ids = np.fromiter(map(index.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        is_sep = ids == -2
        docs = np.cumsum(is_sep) - is_sep
        return ids, docs

    def _bigrams(
        self, ids: np.ndarray, docs: np.ndarray, size: int
    ) -> tuple[np.ndarray, np.ndarray]:
        left, right = ids[:-1], ids[1:]
        ok = (left >= 0) & (right >= 0)
        return docs[:-1][ok], left[ok] * size + right[ok]

    def fit(self, X: ChannelBatch, y: Any = None) -> SyllableNgrams:
        text = self._text(X)
        every: dict[str, int] = {SEPARATOR: -2}
        for token in _SYLLABLE.findall(text):
            if token not in every:
                every[token] = len(every) - 1
        ids, docs = self._ids(text, every)
        keep = _frequent(docs[ids >= 0], ids[ids >= 0], self.min_df)
        tokens = list(every)[1:]
        names = sorted(tokens[i] for i in keep)
        self.syllables_ = SEPARATOR.join(names)
        self._names, self._index = None, None
        ids, docs = self._ids(text, self.index)
        bi_docs, bi_keys = self._bigrams(ids, docs, len(names))
        self.bigrams_ = _frequent(bi_docs, bi_keys, self.min_df)
        self._table = None
        return self

    @property
    def table(self) -> KeyTable:
        if self._table is None:
            self._table = KeyTable(self.bigrams_)
        return self._table

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            index = {name: i for i, name in enumerate(self.names)}
            index[SEPARATOR] = -2
            self._index = index
        return self._index

    def transform(self, X: ChannelBatch) -> sp.csr_matrix:
        index = self.index
        size = len(self.names)
        ids, docs = self._ids(self._text(X), index)
        uni = ids >= 0
        bi_docs, bi_keys = self._bigrams(ids, docs, size)
        cols, found = self.table.find(bi_keys)
        all_docs = np.concatenate([docs[uni], bi_docs[found]])
        all_cols = np.concatenate([ids[uni], size + cols[found]])
        return _count_matrix(all_docs, all_cols, X.size, size + len(self.bigrams_))

    @property
    def names(self) -> list[str]:
        if self._names is None:
            self._names = self.syllables_.split(SEPARATOR) if self.syllables_ else []
        return self._names

    def feature_name(self, column: int) -> str:
        names = self.names
        size = len(names)
        if column < size:
            return names[column]
        key = int(self.bigrams_[column - size])
        return f"{names[key // size]} {names[key % size]}"
