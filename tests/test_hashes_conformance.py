"""PDQ against Meta's reference hashes in ../shared/conformance/pdq."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hashes import hash_bytes
from hashes.algorithms import get

pytestmark = pytest.mark.shared


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


@pytest.fixture
def pdq_dir(shared_dir: Path) -> Path:
    folder = shared_dir / "conformance" / "pdq"
    if not (folder / "expected.csv").exists():
        pytest.fail(f"{folder}/expected.csv is missing from ../shared")
    return folder


def test_every_reference_image_within_16_bits(pdq_dir: Path) -> None:
    with (pdq_dir / "expected.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) >= 10
    distances = {}
    for row in rows:
        data = (pdq_dir / "images" / row["file"]).read_bytes()
        distances[row["file"]] = hamming(hash_bytes(data, ["pdq"]).hashes["pdq"], row["pdq_hex"])
    assert max(distances.values()) <= 16, distances
    # Meta's tolerance is 16; the project aims at 10 and a mean well under it.
    assert sum(distances.values()) / len(distances) <= 6, distances


def test_every_bridge_edit_matches_the_original_at_the_default_threshold(
    pdq_dir: Path,
) -> None:
    folder = pdq_dir / "bridge-mods"
    original = hash_bytes((folder / "aaa-orig.jpg").read_bytes(), ["pdq"])
    threshold = get("pdq").default_threshold
    edits = sorted(p for p in folder.glob("*.jpg") if p.name != "aaa-orig.jpg")
    assert len(edits) >= 10
    for path in edits:
        edited = hash_bytes(path.read_bytes(), ["pdq"])
        assert hamming(edited.hashes["pdq"], original.hashes["pdq"]) <= threshold, path.name
        assert edited.pdq_quality is not None and edited.pdq_quality >= 50


def test_dihedral_reference_images_match_the_original_variants(pdq_dir: Path) -> None:
    images = pdq_dir / "images"
    original = hash_bytes(
        (images / "reg-test-input__dih__bridge-1-original.jpg").read_bytes(), ["pdq"]
    )
    turned = sorted(images.glob("reg-test-input__dih__bridge-*.jpg"))
    assert len(turned) == 8
    for path in turned:
        value = hash_bytes(path.read_bytes(), ["pdq"]).hashes["pdq"]
        best = min(hamming(value, variant) for variant in original.pdq_dihedral)
        assert best <= 31, path.name
