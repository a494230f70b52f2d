"""Teencode and chat abbreviations, written for this project, in accent-stripped form.

Keys are tokens that are *not* ordinary Vietnamese syllables even without their tone
marks, so expanding them never changes a normal sentence; ambiguous ones ("bn" = bạn or
bao nhiêu, "dk" = được or đăng ký, "tg" = thời gian) are left out on purpose. Values are
accent-stripped too, because the expansion channel is built on the accent-stripped text:
"ko", "khong" and "không" all meet there as "khong".
"""

from __future__ import annotations

TEENCODE: dict[str, str] = {
    # negation, particles, everyday words
    "k": "khong", "ko": "khong", "kh": "khong", "hok": "khong", "hem": "khong",
    "khum": "khong", "kg": "khong", "hk": "khong", "kq": "ket qua",
    "j": "gi", "ji": "gi", "z": "vay", "v": "vay", "zay": "vay", "zui": "vui",
    "r": "roi", "ruj": "roi", "rui": "roi", "dc": "duoc", "dzc": "duoc",
    "cx": "cung", "cug": "cung", "ms": "moi", "nx": "nua", "ntn": "nhu the nao",
    "bh": "bao gio", "bjo": "bao gio", "trc": "truoc", "sn": "sinh nhat",
    "ns": "noi", "nch": "noi chuyen", "lm": "lam", "wa": "qua", "qa": "qua",
    "bik": "biet", "bjk": "biet", "thik": "thich", "iu": "yeu", "iem": "em",
    "tks": "cam on", "thanks": "cam on", "thank": "cam on", "camon": "cam on",
    "xl": "xin loi", "sr": "xin loi", "sorry": "xin loi", "oke": "dong y",
    "ok": "dong y", "okela": "dong y", "uk": "u", "uh": "u", "uhm": "u",
    "hnay": "hom nay", "hqua": "hom qua", "ngta": "nguoi ta", "nguoita": "nguoi ta",
    # people and address
    "mn": "moi nguoi", "mng": "moi nguoi", "mk": "minh", "mik": "minh", "mjk": "minh",
    "ae": "anh em", "ny": "nguoi yeu", "bff": "ban than", "ck": "chong", "vk": "vo",
    "bme": "bo me", "bome": "bo me", "sis": "chi em", "bro": "anh em", "cj": "chi",
    "chj": "chi", "ad": "quan tri vien", "admin": "quan tri vien",
    # contact and platforms
    "ib": "nhan tin rieng", "inb": "nhan tin rieng", "inbox": "nhan tin rieng",
    "ibx": "nhan tin rieng", "pm": "nhan tin rieng", "nt": "nhan tin",
    "ntin": "nhan tin", "kb": "ket ban", "addfr": "ket ban", "sdt": "so dien thoai",
    "dt": "dien thoai", "fb": "facebook", "zl": "zalo", "dalo": "zalo",
    "tele": "telegram", "tt": "tiktok", "yt": "youtube", "gr": "nhom", "grp": "nhom",
    "cmt": "binh luan", "rep": "tra loi", "stt": "trang thai", "acc": "tai khoan",
    "tk": "tai khoan", "stk": "so tai khoan", "ctv": "cong tac vien",
    "mxh": "mang xa hoi", "onl": "truc tuyen", "online": "truc tuyen",
    "vid": "video", "clip": "video", "pic": "anh", "selfie": "anh",
    "videocall": "goi video",
    # money and selling
    "tr": "trieu", "ship": "giao hang", "cod": "giao hang", "freeship": "giao hang",
    "sll": "so luong lon", "sl": "so luong", "free": "mien phi",
    # gambling, drugs and vulgar shorthand the harmful corpus relies on
    "nhacai": "nha cai", "cado": "ca do", "xtc": "thuoc lac", "ecs": "thuoc lac",
    "dm": "dit me", "dmm": "dit me may", "dcm": "dit con me",
    "dkm": "dit con me", "dcmm": "dit con me may", "vl": "vai lon", "vkl": "vai ca lon",
    "vcl": "vai ca lon", "cl": "con lon", "clm": "con lon me", "cc": "cai con cac",
    "occho": "oc cho", "lz": "lon", "cmm": "con me may", "sex": "tinh duc",
    "sugar": "bao nuoi",
}
