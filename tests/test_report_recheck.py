"""The re-check library the crawler's recheck spider calls, repeat notices and the stats
built on them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from test_notice_seed import DRUGS, GAMBLING, GROOMING, IMAGE_SHA, PDQ, T0, request, seed

from reports.acks import import_acks, read_acks
from reports.errors import StoreError
from reports.notice.build import NoticeError, build_notice
from reports.recheck import RecheckTarget, due_items, judge, record_recheck
from reports.review import Decision, review
from reports.stats import compute_stats, plot_stats
from reports.store import Store

H = timedelta(hours=1)


def text_target(**kw: object) -> RecheckTarget:
    from reports.records import sha256_hex

    values: dict[str, object] = {
        "item_id": "i",
        "notice_id": "n",
        "platform": "p",
        "kind": "text",
        "url": "u",
        "page_url": "u",
        "deadline_at": T0,
        "status": "pending",
        "unit_key": "comment:1",
        "text_sha256": sha256_hex(GAMBLING),
        "excerpt": GAMBLING,
    }
    values.update(kw)
    return RecheckTarget(**values)  # type: ignore[arg-type]


def test_judge_text() -> None:
    t = text_target()
    assert judge(t, 404, None, None) == "removed"
    assert judge(t, 410, None, None) == "removed"
    assert judge(t, None, None, None) == "error"
    assert judge(t, 503, {"a": GAMBLING}, None) == "error"
    assert judge(t, 200, None, None) == "error"  # nothing extracted: cannot say
    assert judge(t, 200, {"comment:7": GAMBLING}, None) == "live"  # same text, new key
    assert judge(t, 200, [f"  {GAMBLING.upper()}  và thêm chữ"], None) == "live"  # excerpt
    assert judge(t, 200, {"comment:1": DRUGS}, None) == "removed"  # the unit is gone
    assert judge(t, 200, {}, None) == "removed"


def test_judge_image() -> None:
    t = text_target(
        kind="image",
        text_sha256=None,
        excerpt=None,
        image_sha256=IMAGE_SHA,
        image_hashes={"pdq": PDQ},
    )
    assert judge(t, 200, None, [{"sha256": IMAGE_SHA}]) == "live"
    near = "0f" + PDQ[2:]  # 8 bits differ
    assert judge(t, 200, None, [{"pdq": "00" * 32}, {"pdq": near}]) == "live"
    assert judge(t, 200, None, [{"pdq": "0f" * 32}]) == "removed"  # 256 bits differ
    assert judge(t, 200, None, []) == "removed"
    assert judge(t, 200, None, None) == "error"
    assert judge(t, 200, None, {"pdq": near}, max_distance={"pdq": 4}) == "removed"


def _sent(store: Store, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    ids = seed(store)
    review(
        store,
        [Decision(ids.gambling, "confirm", "cá độ"), Decision(ids.grooming, "confirm", "dụ dỗ")],
        reviewer="a1",
    )
    built = build_notice(store, request(tmp_path))
    doc = json.loads((tmp_path / "pkg" / "notice.json").read_text(encoding="utf-8"))
    names = {"gambling": "gambling", "csam_grooming": "grooming"}
    by_name = {
        "image" if i["content_type"] == "image" else names[i["category"]]: i["item_id"]
        for i in doc["items"]
    }
    return built.item_ids, by_name


def test_due_items_record_and_repeat_notice(store: Store, tmp_path: Path) -> None:
    item_ids, cat = _sent(store, tmp_path)
    targets = due_items(store, T0 + H, only_due=True)
    assert sorted(t.item_id for t in targets) == sorted(item_ids)
    text = next(t for t in targets if t.item_id == cat["gambling"])
    assert text.kind == "text" and text.unit_key == "comment:1" and text.excerpt == GAMBLING
    image = next(t for t in targets if t.kind == "image")
    assert image.image_hashes == {"pdq": PDQ} and image.image_sha256 == IMAGE_SHA

    # 5 h after the notice the gambling comment is gone; the others are still there
    removed = record_recheck(store, cat["gambling"], "removed", 404, None, T0 + 5 * H)
    assert removed.status == "removed" and removed.removed_at == T0 + 5 * H
    for t in targets:
        if t.item_id != cat["gambling"]:
            record_recheck(store, t.item_id, "live", 200, None, T0 + 5 * H)
    assert due_items(store, T0 + 6 * H, only_due=True) == []  # checked recently
    assert len(due_items(store, T0 + 6 * H, only_due=False)) == 2
    # after the deadline (24 h) a check is due again, whatever the interval
    due = due_items(store, T0 + 25 * H, only_due=True, interval_hours=1000)
    assert sorted(t.item_id for t in due) == sorted([cat["grooming"], cat["image"]])

    with pytest.raises(NoticeError, match="live after its deadline"):  # not checked after it
        build_notice(store, request(tmp_path, out="r0", repeat=True, now=T0 + 25 * H))
    record_recheck(store, cat["grooming"], "error", None, "timeout", T0 + 25 * H)
    record_recheck(store, cat["grooming"], "live", 200, None, T0 + 26 * H)
    repeat = build_notice(store, request(tmp_path, out="r1", repeat=True, now=T0 + 27 * H))
    doc = json.loads((tmp_path / "r1" / "notice.json").read_text(encoding="utf-8"))
    assert doc["sequence"] == 2 and repeat.sequence == 2
    first_notice_id = json.loads((tmp_path / "pkg" / "notice.json").read_text())["notice_id"]
    assert doc["previous_notice_ids"] == [first_notice_id]
    [item] = doc["items"]
    assert item["previous_item_ids"] == [cat["grooming"]]
    assert item["last_verified_live_at"] == "2026-11-03T03:00:00Z"
    assert "nhắc lại" in (tmp_path / "r1" / "letter.html").read_text(encoding="utf-8")

    # the re-check now targets the new item only
    due = due_items(store, T0 + 28 * H, only_due=False)
    assert item["item_id"] in {t.item_id for t in due}
    assert cat["grooming"] not in {t.item_id for t in due}
    record_recheck(store, item["item_id"], "removed", 410, None, T0 + 30 * H)

    [fb] = compute_stats(store)
    assert (fb.platform, fb.notices, fb.repeat_notices, fb.items, fb.removed) == (
        "facebook",
        2,
        1,
        3,
        2,
    )
    assert fb.share_removed == pytest.approx(2 / 3, abs=1e-3)
    assert fb.median_hours_to_removal == pytest.approx(17.5)  # 5 h and 30 h
    assert fb.share_removed_within_24h == pytest.approx(1 / 3, abs=1e-3)
    assert fb.share_removed_within_48h == pytest.approx(2 / 3, abs=1e-3)
    assert fb.live_past_deadline == 0  # the image was last seen live before the deadline
    record_recheck(store, image.item_id, "live", 200, None, T0 + 31 * H)
    assert compute_stats(store)[0].live_past_deadline == 1
    plot_stats(compute_stats(store), tmp_path / "stats.png")
    assert (tmp_path / "stats.png").read_bytes()[:4] == b"\x89PNG"


def test_live_again_after_removal_undoes_the_removal(store: Store, tmp_path: Path) -> None:
    _, cat = _sent(store, tmp_path)
    record_recheck(store, cat["gambling"], "removed", 404, None, T0 + 2 * H)
    back = record_recheck(store, cat["gambling"], "live", 200, None, T0 + 3 * H)
    assert back.status == "live" and back.removed_at is None
    assert cat["gambling"] in {t.item_id for t in due_items(store, T0 + 4 * H, only_due=False)}


def test_record_recheck_bad_input(store: Store, tmp_path: Path) -> None:
    _, cat = _sent(store, tmp_path)
    with pytest.raises(StoreError, match="No notice item"):
        record_recheck(store, "nope", "live", 200, None, T0)
    with pytest.raises(StoreError, match="Unknown re-check result"):
        record_recheck(store, cat["gambling"], "gone", 200, None, T0)


def test_ack_latency_in_stats(store: Store, tmp_path: Path) -> None:
    _, cat = _sent(store, tmp_path)
    f = tmp_path / "ack.csv"
    f.write_text(
        "item_id,status,reference,acknowledged_at\n"
        f"{cat['gambling']},removed,FB-1,2026-11-02T09:00:00+07:00\n"  # 1 h after issue
        f"{cat['grooming']},pending,FB-2,2026-11-02T04:00:00Z\n",  # 3 h
        encoding="utf-8",
    )
    import_acks(store, read_acks(f))
    [fb] = compute_stats(store)
    assert fb.acknowledged == 2 and fb.acknowledged_removed == 1
    assert fb.median_ack_hours == pytest.approx(2.0)
    assert fb.removed == 0  # an answer is not a removal: only a re-check is


def test_stats_empty(store: Store) -> None:
    assert compute_stats(store) == []
    assert GROOMING  # the seed texts are in use above
