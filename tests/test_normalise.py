"""Each normalisation step on Vietnamese examples, then the channels and the batch form."""

from __future__ import annotations

import pytest
from underthesea import text_normalize

from classifier.normalise import (
    MASK_TOKENS,
    channel_batch,
    channels,
    collapse_repeats,
    expand_teencode,
    fix_tone_marks,
    lower,
    mask_entities,
    nfc,
    normalise,
    squeeze_spaces,
    strip_accents,
    word_alternation,
)
from classifier.teencode import TEENCODE


def test_nfc_composes_letters_typed_as_base_plus_marks() -> None:
    decomposed = "Vie\u0302\u0323t Nam"  # e + circumflex + dot below
    assert decomposed != "Việt Nam"
    assert nfc(decomposed) == "Việt Nam"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hoà bình", "hòa bình"),
        ("thuỷ thủ", "thủy thủ"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("qúa đẹp", "quá đẹp"),
        ("Hoà", "Hòa"),
    ],
)
def test_tone_marks_put_in_one_place(typed: str, expected: str) -> None:
    assert fix_tone_marks(typed) == expected
    # the same choice as underthesea's text_normalize, which the step is built on
    assert fix_tone_marks(typed) == text_normalize(typed)


def test_tone_marks_keep_spacing_and_punctuation() -> None:
    # underthesea's text_normalize would re-tokenise "hoà," into "hòa ,"; ours keeps the text
    assert fix_tone_marks("Hoà, thuỷ!") == "Hòa, thủy!"
    assert fix_tone_marks("hòa thủy") == "hòa thủy"  # already in the chosen style


def test_lower_handles_vietnamese_capitals() -> None:
    assert lower("ĐÀ NẴNG ƠI") == "đà nẵng ơi"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("điiiii", "đi"),
        ("nhaaaa", "nha"),
        ("đẹppp", "đẹp"),
        ("quáaaaa", "quá"),
        ("xoong nồi", "xoong nồi"),
        ("hay quá", "hay quá"),
        ("2000", "2000"),
    ],
)
def test_stretched_letters_collapse(typed: str, expected: str) -> None:
    assert collapse_repeats(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vào nhacaiviet88.club nạp ngay", "vào _url_ nạp ngay"),
        ("xem tại https://abc.xyz/p?id=1 nhé", "xem tại _url_ nhé"),
        ("gọi 0912 345 678 hoặc +84 912.345.678", "gọi _phone_ hoặc _phone_"),
        ("sđt 09x1 234 567", "sđt _phone_"),
        ("kết bạn zalo 0987654321", "kết bạn zalo _zalo_"),
        ("zalo.me/0987654321", "_zalo_"),
        ("vào nhóm t.me/kiemtien24h", "vào nhóm _telegram_"),
        ("tele @banhang_x", "tele _telegram_"),
        ("ib facebook.com/be.xinh.99", "ib _facebook_"),
        ("fb: @be.xinh", "fb _facebook_"),
        ("theo dõi @anhtuan.official", "theo dõi _handle_"),
        ("mail hotro@congty.vn", "mail _email_"),
        ("nạp 500k nhận 1tr5", "nạp _money_ nhận _money_"),
        ("phí 35.000đ hoặc 2 triệu", "phí _money_ hoặc _money_"),
        ("giá $100", "giá _money_"),
    ],
)
def test_entities_masked_as_type_tokens(typed: str, expected: str) -> None:
    assert squeeze_spaces(mask_entities(typed)) == expected


def test_plain_numbers_and_words_are_not_masked() -> None:
    text = "năm 2024 có 3 đội và 12 cầu thủ. hẹn gặp lúc 9h"
    assert squeeze_spaces(mask_entities(text)) == text


def test_every_mask_kind_has_a_token() -> None:
    assert set(MASK_TOKENS) == {
        "_url_",
        "_phone_",
        "_zalo_",
        "_telegram_",
        "_facebook_",
        "_handle_",
        "_email_",
        "_money_",
    }


def test_squeeze_spaces_keeps_line_breaks_for_batches() -> None:
    assert squeeze_spaces(" a \t b\u00a0 c \n d ") == "a b c \n d"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Đà Nẵng", "Da Nang"),
        ("Tiếng Việt", "Tieng Viet"),
        ("ừ thì ổn", "u thi on"),
        ("khong dau", "khong dau"),
    ],
)
def test_accents_stripped(typed: str, expected: str) -> None:
    assert strip_accents(typed) == expected


@pytest.mark.parametrize("extra", ["", " Ǆ", " e\u0301"])  # letters stripped to two; a mark
def test_long_batches_are_stripped_like_short_texts(extra: str) -> None:
    pieces = ["Đà Nẵng 🎉 ", "Tiếng Việt ", "ừ thì ổn\n", "khong dau ", "Ωμέγα "]
    text = "".join(pieces) * 400 + extra
    assert strip_accents(text) == "".join(strip_accents(p) for p in pieces) * 400 + strip_accents(
        extra
    )
    assert strip_accents(text).count("Da Nang 🎉") == 400


def test_teencode_expanded_in_stripped_text() -> None:
    assert expand_teencode("ko bik j") == "khong biet gi"
    assert expand_teencode("ib mk qua zl nhe") == "nhan tin rieng minh qua zalo nhe"


def test_teencode_leaves_ordinary_words_alone() -> None:
    text = strip_accents("không có gì, mình biết rồi, cảm ơn bạn nhiều")
    assert expand_teencode(text) == text
    # keys are never ordinary syllables (a few common ones checked)
    for word in ("co", "khong", "ban", "minh", "roi", "di", "la", "ma", "em", "anh", "ke", "lai"):
        assert word not in TEENCODE


def test_word_alternation_matches_exactly_the_words() -> None:
    import re

    pattern = re.compile(r"(?<!\w)" + word_alternation(["ko", "kh", "khum", "k"]) + r"(?!\w)")
    assert pattern.findall("k ko kh khum khong kk") == ["k", "ko", "kh", "khum"]


def test_normalise_chains_the_steps() -> None:
    assert normalise("Hoà  bình QUÁAAA!!! zalo 0912345678") == "hòa bình quá!!! zalo _zalo_"


def test_channels() -> None:
    seen = channels("Ko bít làm j, IB zalo 0912345678 nhé")
    assert seen.normalised == "ko bít làm j, ib zalo _zalo_ nhé"
    assert seen.stripped == "ko bit lam j, ib zalo _zalo_ nhe"
    assert seen.expanded == "khong bit lam gi, nhan tin rieng zalo _zalo_ nhe"


def test_batch_equals_one_by_one() -> None:
    texts = ["Hoà bình\nthuỷ thủ", "", "ko bik j", "nạp 500K tại abc.xyz", "  ", "ĐIIIII"]
    batch = channel_batch(texts)
    assert batch.size == len(texts)
    for name in ("normalised", "stripped", "expanded"):
        assert batch.texts(name) == [getattr(channels(t), name) for t in texts]
    assert channel_batch([]).texts("normalised") == []
