"""Notice packages: what goes in, the files, the signature, and the bad inputs."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from test_notice_seed import T0, request, seed

from reports.errors import StoreError
from reports.models import Notice, NoticeItem
from reports.notice.build import NoticeError, build_notice
from reports.notice.document import schema_errors
from reports.notice.verify import verify_package
from reports.platforms import PlatformError, load_platforms
from reports.review import Decision, review
from reports.signing import SigningKeyError
from reports.store import Store

FILES = ["items.csv", "letter.html", "letter.pdf", "notice.json", "public_key.pem"]


def confirm(store: Store, *ids: int) -> None:
    review(store, [Decision(i, "confirm", "clear violation") for i in ids], reviewer="analyst1")


def test_package_holds_confirmed_and_trusted_items_and_verifies(
    store: Store, tmp_path: Path
) -> None:
    ids = seed(store)
    confirm(store, ids.gambling, ids.grooming)
    built = build_notice(store, request(tmp_path))
    pkg = tmp_path / "pkg"
    assert sorted(p.name for p in pkg.iterdir()) == sorted(
        [*FILES, "manifest.json", "manifest.sig"]
    )

    doc = json.loads((pkg / "notice.json").read_text(encoding="utf-8"))
    assert schema_errors(doc) == []
    assert doc["sequence"] == 1 and doc["previous_notice_ids"] == []
    assert doc["notice_id"] == built.notice_id
    assert doc["deadline_at"] == "2026-11-03T01:00:00Z"  # 24 h after issue
    by_url = {i["url"]: i for i in doc["items"]}
    # two confirmed texts and the trusted-list image; not the untrusted image, not example.vn
    assert len(by_url) == 3
    image = by_url["https://scontent.fbcdn.net/v/1.jpg"]
    assert image["human_reviewed"] is False
    assert image["detection"] == {
        "method": "hash_match",
        "hash_list": "trusted-list",
        "hash_list_version": 3,
        "list_entry": "trusted-list-0001",
        "algo": "pdq",
        "distance": 4.0,
    }
    assert image["dsa"]["keyword"] == "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
    assert image["hashes"]["pdq"] == "f0" * 32
    gambling = next(i for i in doc["items"] if i["category"] == "gambling")
    assert gambling["human_reviewed"] is True
    assert gambling["detection"]["score"] == 0.97
    assert gambling["dsa"]["category"] == "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"
    assert set(doc["legal_basis"]["by_category"]) == {"gambling", "csam_grooming"}
    assert "analyst1" not in (pkg / "notice.json").read_text(encoding="utf-8")  # role only

    rows = list(csv.DictReader((pkg / "items.csv").read_text(encoding="utf-8").splitlines()))
    assert sorted(r["item_id"] for r in rows) == sorted(built.item_ids)
    html = (pkg / "letter.html").read_text(encoding="utf-8")
    assert "YÊU CẦU GỠ BỎ NỘI DUNG VI PHẠM" in html and "Nghị định số 147/2024/NĐ-CP" in html
    assert (pkg / "letter.pdf").read_bytes().startswith(b"%PDF")
    assert verify_package(pkg).ok

    with store.session() as s:
        notice = s.scalars(select(Notice)).one()
        assert notice.platform == "facebook" and notice.status == "open"
        assert len(s.scalars(select(NoticeItem)).all()) == 3
    with pytest.raises(NoticeError, match="No confirmed finding"):  # nothing new to send
        build_notice(store, request(tmp_path, out="again"))
    assert not (tmp_path / "again").exists()


def test_openssl_alone_verifies_the_package(store: Store, tmp_path: Path) -> None:
    """Exactly the commands of the README (docs/takedown.md)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    ids = seed(store)
    confirm(store, ids.gambling)
    build_notice(store, request(tmp_path))
    pkg = tmp_path / "pkg"
    out = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "public_key.pem",
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.sig",
        ],
        cwd=pkg,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Signature Verified Successfully" in out.stdout
    manifest = json.loads((pkg / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == FILES
    for name, digest in manifest["files"].items():
        line = subprocess.run(
            ["openssl", "dgst", "-sha256", "-r", name],
            cwd=pkg,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert line.split()[0] == digest, name

    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", "public_key.pem", "-outform", "DER"],
        cwd=pkg,
        capture_output=True,
        check=True,
    ).stdout
    fp = (
        subprocess.run(
            ["openssl", "dgst", "-sha256", "-r"], input=der, capture_output=True, check=True
        )
        .stdout.split()[0]
        .decode()
    )
    notice = json.loads((pkg / "notice.json").read_text(encoding="utf-8"))
    assert fp == notice["sender"]["public_key_fingerprint"]

    (pkg / "manifest.json").write_bytes((pkg / "manifest.json").read_bytes().replace(b'"', b"'", 1))
    bad = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "public_key.pem",
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.sig",
        ],
        cwd=pkg,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0


@pytest.mark.parametrize("name", [*FILES, "manifest.json", "manifest.sig"])
def test_one_changed_byte_in_any_file_is_named(name: str, tmp_path: Path, sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store:
        ids = seed(store)
        confirm(store, ids.gambling)
        build_notice(store, request(tmp_path))
    pkg = tmp_path / "pkg"
    path = pkg / name
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256
    path.write_bytes(bytes(data))
    result = verify_package(pkg)
    assert not result.ok
    named = name if name != "manifest.json" else "manifest.sig"  # the signature breaks
    assert any(p.startswith(named) for p in result.problems), result.problems


def test_a_different_public_key_fails_and_an_extra_file_is_named(
    tmp_path: Path, sqlite_url: str
) -> None:
    with Store.open(sqlite_url) as store:
        ids = seed(store)
        confirm(store, ids.gambling)
        build_notice(store, request(tmp_path))
    pkg = tmp_path / "pkg"
    other = request(tmp_path / "other")  # creates another key pair
    other_pub = other.private_key.with_name("signing_key.pub.pem")
    result = verify_package(pkg, public_key=other_pub)
    assert any(p.startswith("manifest.sig") for p in result.problems)
    (pkg / "extra.txt").write_text("x")
    assert any(p.startswith("extra.txt") for p in verify_package(pkg).problems)


def test_unknown_platform_is_refused() -> None:
    platforms = load_platforms()
    with pytest.raises(PlatformError, match="Unknown platform 'myspace'"):
        platforms.get("myspace")
    assert platforms.get("example.vn").listed is False


def test_platform_of_a_url() -> None:
    p = load_platforms()
    assert p.platform_for_url("https://m.facebook.com/story.php?id=1") == "facebook"
    assert p.platform_for_url("https://vt.tiktok.com/abc") == "tiktok"
    assert p.platform_for_url("https://chat.zalo.me/x") == "zalo"
    assert p.platform_for_url("https://tin.example.com.vn/a") == "example.com.vn"
    assert p.platform_for_url("http://127.0.0.1:8080/a") == "127.0.0.1"


def test_workspace_platforms_file_fills_the_legal_entity(tmp_path: Path) -> None:
    override = tmp_path / "platforms.toml"
    override.write_text(
        '[zalo]\nlegal_entity = "Công ty Cổ phần VNG"\nemail = "x@vng.invalid"\n'
        '[baomoi]\nname = "Báo Mới"\ndomains = ["baomoi.com"]\n',
        encoding="utf-8",
    )
    p = load_platforms(override)
    assert p.get("zalo").legal_entity == "Công ty Cổ phần VNG"
    assert "zalo.me" in p.get("zalo").domains  # shipped fields kept
    assert p.platform_for_host("m.baomoi.com") == "baomoi"
    override.write_text("[zalo]\nphone = 1\n", encoding="utf-8")
    with pytest.raises(PlatformError, match="unknown field 'phone' in \\[zalo\\]"):
        load_platforms(override)


def test_no_confirmed_findings_writes_nothing(store: Store, tmp_path: Path) -> None:
    seed(store)  # texts are new, the only image match is on an untrusted list... and one trusted
    with store.session() as s:
        assert s.scalars(select(Notice)).all() == []
    with pytest.raises(NoticeError, match=r"No confirmed finding of platform 'example\.vn'"):
        build_notice(store, request(tmp_path, platform="example.vn"))
    assert not (tmp_path / "pkg").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pkg")] == []
    with store.session() as s:
        assert s.scalars(select(Notice)).all() == []


def test_missing_or_unreadable_key_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    confirm(store, ids.gambling)
    req = request(tmp_path)
    with pytest.raises(SigningKeyError, match="missing; run `tamsoat init`"):
        build_notice(store, request(tmp_path, private_key=tmp_path / "nope.pem"))
    req.private_key.write_text("not a key")
    with pytest.raises(SigningKeyError, match="not a readable PEM private key"):
        build_notice(store, req)
    assert not (tmp_path / "pkg").exists()
    with store.session() as s:
        assert s.scalars(select(Notice)).all() == []


def test_out_folder_in_the_way(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    confirm(store, ids.gambling)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "old.txt").write_text("x")
    with pytest.raises(StoreError, match="not an empty folder"):
        build_notice(store, request(tmp_path))


def test_deadline_is_configurable(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    confirm(store, ids.gambling)
    built = build_notice(store, request(tmp_path, deadline_hours=48))
    assert built.deadline_at == T0 + timedelta(hours=48)
