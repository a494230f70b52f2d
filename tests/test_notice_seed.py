"""A small store for the review and takedown tests: text and image findings on a listed
platform (facebook) and on an unlisted domain, plus a trusted and an untrusted hash list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reports.models import HashList, HashListEntry
from reports.notice.build import BuildRequest
from reports.notice.document import Sender
from reports.notice.legal import load_legal_texts
from reports.platforms import load_platforms
from reports.records import FindingRecord, ImageRecord, PageRecord, TextUnitRecord, sha256_hex
from reports.signing import PRIVATE_KEY_FILE, ensure_keypair
from reports.store import Store

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
GAMBLING = "Nạp 100k nhận 500k, rút tiền ngay tại nhacaiviet88.club, ib em nha"
GROOMING = "Em học lớp mấy rồi? Kết bạn Zalo anh tặng thẻ game, đừng kể với bố mẹ nhé"
DRUGS = "Bóng cười ship kín nội thành, inbox để lấy giá sỉ"
PDQ = "f0" * 32
IMAGE_SHA = "ab" * 32


@dataclass(frozen=True)
class Seeded:
    gambling: int
    grooming: int
    trusted_image: int
    untrusted_image: int
    drugs: int


def _text(
    store: Store,
    page_url: str,
    platform: str,
    key: str,
    text: str,
    labels: list[str],
    scores: dict[str, float],
) -> int:
    page_id = store.upsert_page(
        PageRecord(
            url=page_url, platform=platform, fetched_at=T0, status_code=200, title="Nhóm rao vặt"
        )
    )
    unit_id = store.upsert_text_unit(
        page_id,
        TextUnitRecord(
            unit_key=key,
            kind="comment",
            text_sha256=sha256_hex(text),
            chars=len(text),
            seen_at=T0,
            author="user",
            permalink=f"{page_url}?comment={key}",
        ),
    )
    return store.upsert_finding(
        FindingRecord(
            kind="text",
            page_url=page_url,
            subject=key,
            detector="model:test",
            url=f"{page_url}#{key}",
            platform=platform,
            labels=labels,
            decision="block",
            method="classifier",
            seen_at=T0,
            scores=scores,
            detector_version="tamsoat-clf 0.1",
            text_unit_id=unit_id,
            excerpt=text,
            explanation={labels[0]: [["nạp 100k", 0.9], ["thẻ game", 0.7]]},
        )
    )


def _hash_list(store: Store, name: str, trusted: bool) -> tuple[int, int]:
    with store.session() as s:
        hl = HashList(name=name, version=3, trusted=trusted, entry_count=1)
        s.add(hl)
        s.flush()
        entry = HashListEntry(
            list_id=hl.id,
            algo="pdq",
            hash=PDQ,
            category="csam_grooming",
            source="test",
            external_id=f"{name}-0001",
        )
        s.add(entry)
        s.flush()
        return hl.id, entry.id


def _image(store: Store, page_url: str, image_url: str, list_ids: tuple[int, int]) -> int:
    page_id = store.upsert_page(PageRecord(url=page_url, platform="facebook", fetched_at=T0))
    image_id = store.upsert_image(
        ImageRecord(
            url=image_url,
            seen_at=T0,
            sha256=IMAGE_SHA,
            hashes={"pdq": PDQ, "sha256": IMAGE_SHA},
            pdq_quality=90,
        )
    )
    store.add_image_occurrence(page_id, image_id, T0)
    return store.upsert_finding(
        FindingRecord(
            kind="image",
            page_url=page_url,
            subject=image_url,
            detector=f"list:{list_ids[0]}",
            url=image_url,
            platform="facebook",
            labels=["csam_grooming"],
            decision="block",
            method="hash_match",
            seen_at=T0,
            image_id=image_id,
            hash_list_id=list_ids[0],
            hash_list_version=3,
            hash_list_entry_id=list_ids[1],
            algo="pdq",
            distance=4,
        )
    )


def seed(store: Store) -> Seeded:
    fb = "https://www.facebook.com/groups/123/posts/456"
    return Seeded(
        gambling=_text(
            store,
            fb,
            "facebook",
            "comment:1",
            GAMBLING,
            ["gambling", "scam"],
            {"gambling": 0.97, "scam": 0.6},
        ),
        grooming=_text(
            store, fb, "facebook", "comment:2", GROOMING, ["csam_grooming"], {"csam_grooming": 0.91}
        ),
        trusted_image=_image(
            store,
            "https://www.facebook.com/photo/1",
            "https://scontent.fbcdn.net/v/1.jpg",
            _hash_list(store, "trusted-list", True),
        ),
        untrusted_image=_image(
            store,
            "https://www.facebook.com/photo/2",
            "https://scontent.fbcdn.net/v/2.jpg",
            _hash_list(store, "other-list", False),
        ),
        drugs=_text(
            store,
            "https://tin.example.vn/bai-1",
            "example.vn",
            "comment:9",
            DRUGS,
            ["drugs"],
            {"drugs": 0.88},
        ),
    )


def request(
    tmp_path: Path, out: str = "pkg", platform: str = "facebook", **kw: object
) -> BuildRequest:
    keys = tmp_path / "keys"
    ensure_keypair(keys)
    values: dict[str, object] = {
        "platform": load_platforms().get(platform),
        "out_dir": tmp_path / out,
        "private_key": keys / PRIVATE_KEY_FILE,
        "sender": Sender(
            organisation="VNCERT/CC", role="Chuyên viên phân tích", email="takedown@example.invalid"
        ),
        "legal": load_legal_texts(),
        "now": T0,
    }
    values.update(kw)
    return BuildRequest(**values)  # type: ignore[arg-type]
