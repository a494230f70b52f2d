"""Conformance of every hash algorithm: one base class, one subclass per algorithm."""

from __future__ import annotations

import io
from typing import ClassVar

import numpy as np
import pdqhash
import pytest
from PIL import Image

from hashes import ALGO_NAMES, algorithms, hash_bytes
from hashes.decode import decode
from hashes.errors import InvalidHash, UnknownAlgorithm
from hashes.pdq import DIHEDRAL_NAMES, pdq_from_luma
from hashes.samples import encode, scene

IMAGES = tuple(encode(scene(seed)) for seed in range(4))


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


class AlgorithmConformance:
    """What every algorithm promises; subclasses set ``name`` and ``bits``."""

    name: ClassVar[str]
    bits: ClassVar[int]

    @pytest.fixture
    def images(self) -> list[bytes]:
        return list(IMAGES)

    def compute(self, data: bytes) -> str:
        return hash_bytes(data, [self.name]).hashes[self.name]

    def test_registered_with_its_width(self) -> None:
        algo = algorithms.get(self.name.upper())
        assert algo.name == self.name
        assert algo.bits == self.bits
        assert algo.hex_length == self.bits // 4

    def test_hash_is_lower_case_hex_of_the_declared_length(self, images: list[bytes]) -> None:
        value = self.compute(images[0])
        assert len(value) == self.bits // 4
        assert value == value.lower()
        int(value, 16)

    def test_same_bytes_same_hash(self, images: list[bytes]) -> None:
        assert self.compute(images[1]) == self.compute(images[1])

    def test_distance_is_hamming_symmetric_and_zero_to_itself(self, images: list[bytes]) -> None:
        algo = algorithms.get(self.name)
        a, b = self.compute(images[0]), self.compute(images[1])
        assert algo.distance(a, a) == 0
        assert algo.distance(a, b) == algo.distance(b, a) == hamming(a, b)

    def test_validate_normalises_case_and_space(self, images: list[bytes]) -> None:
        value = self.compute(images[0])
        assert algorithms.get(self.name).validate(f" {value.upper()}\n") == value

    @pytest.mark.parametrize("bad", ["", "0", "g" * 64, "x" * 16])
    def test_validate_rejects_wrong_length_or_non_hex(self, bad: str) -> None:
        with pytest.raises(InvalidHash, match=self.name):
            algorithms.get(self.name).validate(bad)

    def test_validate_names_the_bad_character(self) -> None:
        text = "0" * (self.bits // 4 - 1) + "z"
        with pytest.raises(InvalidHash, match="'z'"):
            algorithms.get(self.name).validate(text)

    def test_unrelated_pictures_are_far_apart(self, images: list[bytes]) -> None:
        algo = algorithms.get(self.name)
        values = [self.compute(data) for data in images]
        threshold = max(algo.default_threshold, 0)
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                assert algo.distance(values[i], values[j]) > threshold


class PerceptualConformance(AlgorithmConformance):
    def test_survives_recompression_and_resizing(self) -> None:
        algo = algorithms.get(self.name)
        original = scene(7, (800, 600))
        base = self.compute(encode(original, quality=95))
        for variant in (
            encode(original, quality=60),
            encode(original.resize((400, 300)), quality=85),
            encode(original, "PNG"),
        ):
            assert algo.distance(base, self.compute(variant)) <= algo.default_threshold

    def test_needs_a_decodable_image(self) -> None:
        from hashes.errors import DecodeError

        with pytest.raises(DecodeError):
            self.compute(b"not an image at all")


class ExactConformance(AlgorithmConformance):
    def test_hashes_the_original_bytes(self, images: list[bytes]) -> None:
        import hashlib

        assert self.compute(images[0]) == hashlib.new(self.name, images[0]).hexdigest()

    def test_one_changed_byte_changes_the_hash(self, images: list[bytes]) -> None:
        changed = images[0][:-3] + bytes([images[0][-3] ^ 1]) + images[0][-2:]
        assert self.compute(changed) != self.compute(images[0])

    def test_works_on_any_bytes_without_decoding(self) -> None:
        result = hash_bytes(b"plain text", [self.name])
        assert result.width is None and len(result.hashes[self.name]) == self.bits // 4


class TestPdq(PerceptualConformance):
    name = "pdq"
    bits = 256

    def test_quality_is_reported(self) -> None:
        result = hash_bytes(encode(scene(3)), ["pdq"])
        assert result.pdq_quality is not None and 50 <= result.pdq_quality <= 100

    def test_equals_pdqhash_on_the_same_pixels(self) -> None:
        for seed in range(3):
            rgb = np.asarray(scene(seed, (300 + 37 * seed, 200 + 11 * seed)))
            luma = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
            ours = pdq_from_luma(luma, resize_large=False)
            bits, quality = pdqhash.compute(rgb)
            theirs = np.packbits(bits.astype(np.uint8)).tobytes().hex()
            assert hamming(ours.hex, theirs) <= 2
            assert ours.quality == quality

    def test_dihedral_variants_match_rotated_and_flipped_pictures(self) -> None:
        picture = scene(5, (420, 300))
        result = hash_bytes(encode(picture, "PNG"), ["pdq"])
        assert len(result.pdq_dihedral) == len(DIHEDRAL_NAMES) == 8
        assert result.pdq_dihedral[0] == result.hashes["pdq"]
        transforms = {
            "rotate90": Image.Transpose.ROTATE_90,
            "rotate180": Image.Transpose.ROTATE_180,
            "rotate270": Image.Transpose.ROTATE_270,
            "flip_x": Image.Transpose.FLIP_TOP_BOTTOM,
            "flip_y": Image.Transpose.FLIP_LEFT_RIGHT,
            "flip_plus1": Image.Transpose.TRANSPOSE,
            "flip_minus1": Image.Transpose.TRANSVERSE,
        }
        for name, op in transforms.items():
            turned = hash_bytes(encode(picture.transpose(op), "PNG"), ["pdq"]).hashes["pdq"]
            variant = result.pdq_dihedral[DIHEDRAL_NAMES.index(name)]
            assert hamming(turned, variant) <= 16, name
            assert hamming(turned, result.hashes["pdq"]) > 31, name

    def test_flat_picture_has_low_quality(self) -> None:
        flat = Image.new("RGB", (300, 300), (120, 130, 140))
        assert hash_bytes(encode(flat), ["pdq"]).pdq_quality == 0


class TestPhash(PerceptualConformance):
    name = "phash"
    bits = 64


class TestDhash(PerceptualConformance):
    name = "dhash"
    bits = 64


class TestAhash(PerceptualConformance):
    name = "ahash"
    bits = 64


class TestWhash(PerceptualConformance):
    name = "whash"
    bits = 64


class TestMd5(ExactConformance):
    name = "md5"
    bits = 128


class TestSha256(ExactConformance):
    name = "sha256"
    bits = 256


def test_every_registered_algorithm_has_a_conformance_class() -> None:
    tested = {
        sub.name for cls in AlgorithmConformance.__subclasses__() for sub in cls.__subclasses__()
    }
    assert tested == set(ALGO_NAMES)


def test_unknown_algorithm_is_refused_with_the_known_names() -> None:
    with pytest.raises(UnknownAlgorithm, match="known: pdq, phash"):
        hash_bytes(encode(scene(0)), ["sift"])


def test_draft_decoding_stays_close_to_a_full_decode() -> None:
    data = encode(scene(11, (1600, 1200)))
    fast = hash_bytes(data, ["pdq"]).hashes["pdq"]
    full = pdq_from_luma(decode(data, draft=False).luma()).hex
    assert hamming(fast, full) <= 10
    assert decode(data).image.size[0] < 1600


def test_sizes_are_the_original_ones() -> None:
    result = hash_bytes(encode(scene(2, (1600, 1200))), ["pdq"])
    assert (result.width, result.height) == (1600, 1200)


def test_png_bytes_round_trip_through_pillow() -> None:
    # A sanity check of the helper the conformance classes rely on.
    assert Image.open(io.BytesIO(encode(scene(1), "PNG"))).format == "PNG"
