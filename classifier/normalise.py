"""Vietnamese text normalisation: the same text typed five ways should look alike.

Online Vietnamese is typed with old- or new-style tone marks, in capitals, with letters
stretched for emphasis ("điiiii"), without any diacritics, or in teencode ("ko bít j"),
and the strongest cues of scams, gambling and grooming are the contact details and
money amounts themselves. Each step below is one small function (unit-tested on its
own); :func:`channels` chains them and :func:`channel_batch` does the same on many texts
at once (one regex pass over the joined batch), which is what keeps the model fast.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np

from classifier.teencode import TEENCODE


def _underthesea_tone_table() -> dict[str, str]:
    """underthesea's syllable table, imported without its side effects on logging.

    Importing underthesea calls ``logging.basicConfig`` and hangs a handler on stdout;
    stdout is where our JSON goes, and the face configures logging itself.
    """
    root = logging.getLogger()
    before = list(root.handlers)
    from underthesea.pipeline.text_normalize.text_normalizer import token_map

    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
    ours = logging.getLogger("underthesea")
    for handler in ours.handlers[:]:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            ours.removeHandler(handler)
    return dict(token_map)


SEPARATOR = "\n"  # between the texts of a batch; never left inside a text


def word_alternation(words: list[str] | set[str] | dict[str, str]) -> str:
    """A regex matching any of ``words``, shaped as a trie so it fails fast.

    Python's ``re`` tries alternatives one by one; sharing prefixes makes a miss cost one
    character test instead of one test per word.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


def nfc(text: str) -> str:
    """Compose decomposed letters (a + combining acute -> á): keyboards differ."""
    return unicodedata.normalize("NFC", text)


def lower(text: str) -> str:
    return text.lower()


# underthesea's own syllable table (what token_normalize looks up; it only rewrites
# syllables of up to six letters), as one trie-shaped pattern over whole words.
_TONES: dict[str, str] = {
    k: v for k, v in _underthesea_tone_table().items() if len(k) <= 6 and k != v
}
_MISPLACED = re.compile(r"(?<!\w)" + word_alternation(_TONES) + r"(?!\w)")


def fix_tone_marks(text: str) -> str:
    """Put tone marks in one place ("hoà" and "hòa", "thuỷ" and "thủy" become one form).

    Uses underthesea's syllable table (the one behind ``text_normalize``) word by word,
    without its tokenizer, so spacing and punctuation stay as typed.
    """
    return _MISPLACED.sub(lambda m: _TONES[m[0]], text)


# A letter followed by a run of itself, or by a run of one other letter: one pass finds
# both "điiii" (a run) and "quáaaa" (a toned vowel stretched with its bare letter).
_RUN = re.compile(r"([^\W\d_])(?:\1{2,}|([a-z])\2+)")


def _collapse(match: re.Match[str]) -> str:
    first, bare = match[1], match[2]
    if bare is None:  # the first letter repeated three or more times
        return first
    if bare == strip_accents(first) and bare != first:  # quáaaa -> quá
        return first
    run = len(match[0]) - 1
    return first + bare if run >= 3 else match[0]  # đẹppp -> đẹp; xoong stays


def collapse_repeats(text: str) -> str:
    """Stretched letters become one: "điiiii" -> "đi", "quáaaa" -> "quá" (the stretch
    of a toned vowel is typed with the bare letter)."""
    return _RUN.sub(_collapse, text)


# Entity masks: (kind, pattern, keeps the platform word). Order matters where two could
# start at the same place: specific platforms before generic URLs and handles, phones
# before money. All run as one alternation (one pass over the text, which is several
# times faster than one pass each); none crosses a line break (batches join on it).
_S = r"[^\S\n]"  # whitespace but not the batch separator
_PHONE = r"(?:\+?84|0)(?:[ .\-]?[\dx]){8,10}(?![\w])"
_TLDS = (
    "com|net|org|vn|info|biz|xyz|top|club|online|site|vip|bet|win|me|io|co|cc|tk|live|app|"
    "shop|store|pro|link|fun|asia|today|one|icu|cloud|tv|us|ru|cn|ws|bio|games?|casino"
)
_UNITS = "k|tr|triệu|trieu|củ|tỷ|tỏi|ty|nghìn|nghin|ngàn|ngan|đồng|dong|đ|vnđ|vnd|usd|usdt|lít|xị"
MASKS: tuple[tuple[str, str, bool], ...] = (
    ("email", r"[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", False),
    ("telegram", r"(?:https?://)?(?:t|telegram)\.me/[\w+]+", False),
    ("telegram", rf"(?:tele|telegram|tlg){_S}*[:\-]?{_S}*@[\w.]+", True),
    (
        "facebook",
        r"(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.com|fb\.me|m\.me)/[\w./?=-]+",
        False,
    ),
    ("facebook", rf"(?:fb|facebook|face){_S}*[:\-]?{_S}*@[\w.]+", True),
    ("zalo", r"(?:https?://)?zalo\.me/[\w./-]+", False),
    ("zalo", rf"(?:zalo|zl|dalo){_S}*[:\-.]?{_S}*(?:{_PHONE}|@[\w.]+)", True),
    ("url", r"(?:https?://|www\.)[^\s<>\"']+", False),
    ("url", rf"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?", False),
    ("handle", r"@[\w.]{2,}", False),
    ("phone", _PHONE, False),
    ("money", rf"\d+(?:[.,]\d+)*{_S}?(?:{_UNITS})\d{{0,3}}(?!\w)", False),
    ("money", rf"\${_S}?\d+(?:[.,]\d+)*", False),
)
MASK_TOKENS = tuple(sorted({f"_{kind}_" for kind, _p, _k in MASKS}))
_MASK = re.compile(
    r"(?<![\w.+@-])(?:" + "|".join(f"(?P<m{i}>{p})" for i, (_k, p, _w) in enumerate(MASKS)) + ")"
)
_WORD = re.compile(r"[a-z]+")


def _mask_one(match: re.Match[str]) -> str:
    kind, _pattern, keeps_word = MASKS[int(str(match.lastgroup)[1:])]
    if keeps_word:
        word = _WORD.match(match[0])
        return f" {word[0] if word else kind} _{kind}_ "
    return f" _{kind}_ "


# Every entity has a digit, "@", "$", "/" or a dot inside a word: lines without one skip
# the (slower) full pattern.
_MAY_HAVE_ENTITY = re.compile(r"[\d@$/]|\w\.\w")


def mask_entities(text: str) -> str:
    """Replace URLs, phones, Zalo/Telegram/Facebook handles and money with type tokens.

    "zalo 0912 345 678" -> "zalo _zalo_", "nạp 500k" -> "nạp _money_": the kind of
    contact or amount is the cue; the particular number never generalises.
    Expects lower-cased text; works line by line.
    """
    if SEPARATOR not in text:
        return _MASK.sub(_mask_one, text) if _MAY_HAVE_ENTITY.search(text) else text
    return SEPARATOR.join(
        _MASK.sub(_mask_one, line) if _MAY_HAVE_ENTITY.search(line) else line
        for line in text.split(SEPARATOR)
    )


_SPACES = re.compile(" {2,}")
# Whitespace other than the space and the batch separator (a charset: scanned fast).
_OTHER_WHITESPACE = re.compile(
    "[\t\r\f\v\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


def squeeze_spaces(text: str) -> str:
    """Any run of whitespace other than a line break becomes one space."""
    return _SPACES.sub(" ", _OTHER_WHITESPACE.sub(" ", text)).strip(" ")


def _strip_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c)
        )
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D"})
    for code in range(0x300, 0x370):  # stray combining marks
        table[code] = None
    return table


_STRIP = _strip_table()
# The same table as an array over the Basic Multilingual Plane, for whole batches:
# one gather instead of a dictionary lookup per character (about four times faster).
_STRIP_ARRAY = np.arange(0x10000, dtype=np.uint32)
for _code, _base in _STRIP.items():
    if _base is not None and len(_base) == 1:
        _STRIP_ARRAY[_code] = ord(_base)
# Characters the array cannot rewrite: dropped marks and letters stripped to two ("Ǆ").
_STRIP_ELSEWISE = re.compile(
    "[" + re.escape("".join(chr(c) for c, b in _STRIP.items() if b is None or len(b) != 1)) + "]"
)
_ARRAY_FROM = 4096  # characters: below this, str.translate is faster


def strip_accents(text: str) -> str:
    """Remove every diacritic ("Đà Nẵng" -> "Da Nang"): many people type without them."""
    if len(text) < _ARRAY_FROM or _STRIP_ELSEWISE.search(text):
        return text.translate(_STRIP)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    stripped = np.where(points <= 0xFFFF, _STRIP_ARRAY[np.minimum(points, 0xFFFF)], points)
    return stripped.tobytes().decode("utf-32-le")


_TEEN_WORD = re.compile(r"(?<!\w)" + word_alternation(TEENCODE) + r"(?!\w)")


def expand_teencode(stripped: str) -> str:
    """Expand teencode in accent-stripped text ("ko bik j" -> "khong biet gi")."""
    return _TEEN_WORD.sub(lambda m: TEENCODE.get(m[0], m[0]), stripped)


def normalise(text: str) -> str:
    """The normalised channel: NFC, lower case, one tone style, no stretching, masked."""
    text = nfc(text).replace(SEPARATOR, " ")
    return _normalise_joined(text)


def _normalise_joined(text: str) -> str:
    return squeeze_spaces(mask_entities(collapse_repeats(fix_tone_marks(lower(text)))))


@dataclass(frozen=True)
class Channels:
    """One text seen three ways; the model reads n-grams from each."""

    normalised: str
    stripped: str
    expanded: str


def channels(text: str) -> Channels:
    norm = normalise(text)
    stripped = strip_accents(norm)
    return Channels(norm, stripped, expand_teencode(stripped))


@dataclass(frozen=True)
class ChannelBatch:
    """Many texts, each channel joined by :data:`SEPARATOR` (text i is line i)."""

    size: int
    normalised: str
    stripped: str
    expanded: str

    def texts(self, channel: str) -> list[str]:
        if self.size == 0:
            return []
        return str(getattr(self, channel)).split(SEPARATOR)


def channel_batch(texts: list[str]) -> ChannelBatch:
    """:func:`channels` for many texts, one regex pass per step over the joined batch."""
    joined = nfc(SEPARATOR.join(t.replace(SEPARATOR, " ") for t in texts))
    norm = SEPARATOR.join(line.strip(" ") for line in _normalise_joined(joined).split(SEPARATOR))
    stripped = strip_accents(norm)
    return ChannelBatch(len(texts), norm, stripped, expand_teencode(stripped))
