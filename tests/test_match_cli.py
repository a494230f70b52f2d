"""``tamsoat hash`` and ``tamsoat match`` as a user runs them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image

from hashes.samples import encode, scene


@pytest.fixture(autouse=True)
def workspace(run_cli) -> None:
    done = run_cli("init")
    assert done.returncode == 0, done.stderr


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_hash_prints_one_object_per_file_and_algo(run_cli, tmp_path: Path) -> None:
    a = write(tmp_path / "a.jpg", encode(scene(1)))
    b = write(tmp_path / "b.png", encode(scene(2), "PNG"))
    result = run_cli("hash", str(a), str(b), "--algo", "pdq", "--algo", "sha256")
    assert result.returncode == 0, result.stderr
    out = lines(result.stdout)
    assert [(o["path"], o["algo"]) for o in out] == [
        (str(a), "pdq"),
        (str(a), "sha256"),
        (str(b), "pdq"),
        (str(b), "sha256"),
    ]
    assert set(out[0]) == {"path", "algo", "hash", "quality"}
    assert isinstance(out[0]["quality"], int) and out[1]["quality"] is None
    assert out[1]["hash"] == hashlib.sha256(a.read_bytes()).hexdigest()


def test_hash_reports_bad_files_and_answers_the_others(run_cli, tmp_path: Path) -> None:
    good = write(tmp_path / "good.jpg", encode(scene(3)))
    empty = write(tmp_path / "empty.jpg", b"")
    text = write(tmp_path / "notes.jpg", b"hello")
    truncated = write(tmp_path / "cut.jpg", encode(scene(4))[:3000])
    result = run_cli(
        "hash", str(empty), str(good), str(text), str(truncated), str(tmp_path / "missing.jpg")
    )
    assert result.returncode == 2
    assert [o["path"] for o in lines(result.stdout)] == [str(good)]
    errors = result.stderr.splitlines()
    assert errors == [
        f"tamsoat: {empty}: empty input (0 bytes) is not an image.",
        f"tamsoat: {text}: not an image in a format we can read.",
        errors[2],
        f"tamsoat: {tmp_path / 'missing.jpg'}: no such file.",
    ]
    assert errors[2].startswith(f"tamsoat: {truncated}: truncated or corrupt JPEG image")


def test_match_finds_edited_copies_and_not_others(run_cli, tmp_path: Path) -> None:
    picture = scene(5, (800, 600))
    listed = write(tmp_path / "listed.jpg", encode(picture))
    pdq = lines(run_cli("hash", str(listed)).stdout)[0]["hash"]
    md5 = hashlib.md5(listed.read_bytes()).hexdigest()
    csv_file = tmp_path / "list.csv"
    csv_file.write_text(
        f"algo,hash,category,source,id\npdq,{pdq},csam_grooming,test,case-7\n"
        f"md5,{md5},csam_grooming,test,case-7-file\n",
        encoding="utf-8",
    )
    assert run_cli("hashlist", "import", str(csv_file), "--name", "hotline").returncode == 0

    smaller = write(tmp_path / "small.jpg", encode(picture.resize((400, 300)), quality=60))
    turned = write(tmp_path / "turned.jpg", encode(picture.transpose(Image.Transpose.ROTATE_90)))
    other = write(tmp_path / "other.jpg", encode(scene(6)))
    flat = write(tmp_path / "flat.png", encode(Image.new("RGB", (300, 300), "grey"), "PNG"))
    result = run_cli(
        "match",
        str(listed),
        str(smaller),
        str(turned),
        str(other),
        str(flat),
        "--hashlist",
        "hotline",
    )
    assert result.returncode == 0, result.stderr
    out = lines(result.stdout)
    assert sorted((o["path"], o["algo"]) for o in out) == [
        (str(listed), "md5"),
        (str(listed), "pdq"),
        (str(smaller), "pdq"),
    ]
    first = next(o for o in out if o["algo"] == "pdq" and o["path"] == str(listed))
    assert {"path", "algo", "hash", "list", "entry", "distance"} <= set(first)
    assert (first["list"], first["entry"], first["distance"]) == ("hotline", "case-7", 0)
    assert first["list_version"] == 1 and first["trusted"] is False
    assert f"{flat}: PDQ quality 0 is under 50" in result.stderr

    dihedral = run_cli("match", str(turned), "--dihedral")
    assert [o["variant"] for o in lines(dihedral.stdout)] == ["rotate270"]
    strict = run_cli("match", str(smaller), "--threshold", "0")
    assert strict.stdout == ""


def test_match_without_lists_says_what_to_do(run_cli, tmp_path: Path) -> None:
    image = write(tmp_path / "a.jpg", encode(scene(1)))
    result = run_cli("match", str(image))
    assert result.returncode == 2
    assert "no active hash list" in result.stderr and "hashlist import" in result.stderr


def test_match_names_an_unknown_list(run_cli, tmp_path: Path) -> None:
    image = write(tmp_path / "a.jpg", encode(scene(1)))
    result = run_cli("match", str(image), "--hashlist", "nope")
    assert result.returncode == 2 and "no hash list named 'nope'" in result.stderr
