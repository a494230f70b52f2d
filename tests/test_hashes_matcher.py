"""The matcher: entries of several lists and algorithms, thresholds, quality, dihedral."""

from __future__ import annotations

import hashlib

import pytest
from PIL import Image

from hashes import hash_bytes
from hashes.api import ImageHashes
from hashes.errors import InvalidHash
from hashes.matcher import ListEntry, Matcher, random_hashes
from hashes.samples import encode, scene


def entry(
    n: int,
    algo: str,
    value: str,
    *,
    name: str = "ncmec",
    trusted: bool = False,
    category: str = "csam_grooming",
) -> ListEntry:
    return ListEntry(
        n, 1 if name == "ncmec" else 2, name, 3, algo, value, category, trusted, f"ext-{n}"
    )


def flip(value: str, bits: int) -> str:
    number = int(value, 16)
    for i in range(bits):
        number ^= 1 << (i * 7 % (len(value) * 4))
    return f"{number:0{len(value)}x}"


@pytest.fixture
def picture() -> bytes:
    return encode(scene(21, (640, 480)))


def test_pdq_match_within_threshold_only(picture: bytes) -> None:
    image = hash_bytes(picture, ["pdq"])
    pdq = image.hashes["pdq"]
    matcher = Matcher.build(
        [
            entry(1, "pdq", flip(pdq, 31)),
            entry(2, "pdq", flip(pdq, 32)),
            *(entry(10 + i, "pdq", h) for i, h in enumerate(random_hashes(500, 256))),
        ]
    )
    found = matcher.match(image)
    assert [(m.entry_id, m.distance) for m in found] == [(1, 31)]
    m = found[0]
    assert (m.list_name, m.list_version, m.category, m.external_id) == (
        "ncmec",
        3,
        "csam_grooming",
        "ext-1",
    )
    assert m.query_hash == pdq and m.hash == flip(pdq, 31) and not m.exact
    assert [x.entry_id for x in matcher.match(image, threshold=40)] == [1, 2]
    assert matcher.match(image, threshold={"pdq": 10}) == []


def test_exact_hashes_are_plain_lookups(picture: bytes) -> None:
    md5 = hashlib.md5(picture).hexdigest()
    sha = hashlib.sha256(picture).hexdigest()
    matcher = Matcher.build(
        [entry(1, "md5", md5.upper()), entry(2, "sha256", sha), entry(3, "sha256", flip(sha, 1))]
    )
    image = hash_bytes(picture, matcher.algos)
    found = matcher.match(image)
    assert sorted((m.algo, m.entry_id, m.distance) for m in found) == [
        ("md5", 1, 0),
        ("sha256", 2, 0),
    ]
    assert all(m.exact for m in found)


def test_the_same_hash_in_two_lists_matches_both(picture: bytes) -> None:
    image = hash_bytes(picture, ["phash"])
    value = image.hashes["phash"]
    matcher = Matcher.build(
        [entry(1, "phash", value), entry(2, "phash", value, name="iwf", trusted=True)]
    )
    found = matcher.match(image)
    assert {(m.list_name, m.trusted) for m in found} == {("ncmec", False), ("iwf", True)}


def test_low_quality_pdq_is_recorded_but_not_matched() -> None:
    flat = hash_bytes(encode(Image.new("RGB", (300, 200), (90, 90, 90))), ["pdq"])
    assert flat.pdq_quality is not None and flat.pdq_quality < 50
    matcher = Matcher.build([entry(1, "pdq", flat.hashes["pdq"])])
    assert matcher.match(flat) == []
    assert [m.distance for m in matcher.match(flat, min_quality=0)] == [0]
    assert Matcher.build([entry(1, "pdq", flat.hashes["pdq"])], min_pdq_quality=0).match(flat)


def test_a_flat_picture_matches_no_perceptual_hash_only_exact_ones() -> None:
    data = encode(Image.new("RGB", (300, 200), (10, 200, 10)))
    flat = hash_bytes(data, ["pdq", "phash", "md5"])
    other_flat = hash_bytes(encode(Image.new("RGB", (500, 400), (250, 250, 250))), ["phash"])
    assert other_flat.hashes["phash"] == flat.hashes["phash"]  # degenerate: they collide
    matcher = Matcher.build(
        [entry(1, "phash", other_flat.hashes["phash"]), entry(2, "md5", flat.hashes["md5"])]
    )
    assert [(m.algo, m.entry_id) for m in matcher.match(flat)] == [("md5", 2)]


def test_dihedral_matching_finds_a_rotated_copy() -> None:
    original = scene(22, (500, 360))
    listed = hash_bytes(encode(original), ["pdq"])
    rotated = hash_bytes(encode(original.transpose(Image.Transpose.ROTATE_90)), ["pdq"])
    matcher = Matcher.build([entry(1, "pdq", listed.hashes["pdq"])])
    assert matcher.match(rotated) == []
    found = matcher.match(rotated, dihedral=True)
    assert len(found) == 1 and found[0].distance <= 31 and found[0].variant is not None


def test_algorithms_without_entries_are_ignored(picture: bytes) -> None:
    matcher = Matcher.build([entry(1, "dhash", "0" * 16)])
    assert matcher.algos == ("dhash",)
    assert matcher.match(ImageHashes(hashes={"pdq": "0" * 64})) == []


def test_a_bad_entry_is_refused_at_build() -> None:
    with pytest.raises(InvalidHash, match="pdq hash must be 64 hex digits"):
        Matcher.build([entry(1, "pdq", "abc")])


def test_matches_are_ordered_closest_first(picture: bytes) -> None:
    image = hash_bytes(picture, ["pdq"])
    pdq = image.hashes["pdq"]
    matcher = Matcher.build(
        [entry(1, "pdq", flip(pdq, 20)), entry(2, "pdq", flip(pdq, 3)), entry(3, "pdq", pdq)]
    )
    assert [m.entry_id for m in matcher.match(image)] == [3, 2, 1]
