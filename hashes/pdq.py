"""PDQ (Meta's 256-bit perceptual hash) from a luma plane, in numpy.

The reference blurs the full image with two passes of a box ("Jarosz") filter along
each axis and keeps 64 x 64 samples. Both steps are linear and separable, so the
whole downsample is ``A @ luma @ B.T`` with 64-row matrices that depend only on the
image size; they are cached. Images larger than 512 pixels on a side are first
brought to 512 x 512 with an antialiased bilinear filter, as the reference tools do
(folded into the same matrices). The rest is the reference algorithm: a 16 x 16 DCT
(without the DC row), each coefficient compared with the median, and the quality
metric from the 64 x 64 gradients. The eight dihedral variants are derived from the
DCT coefficients, as the reference does, not by re-hashing rotated pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from threadpoolctl import ThreadpoolController

SAMPLES = 64
PRE_RESIZE = 512
FilterMatrix = NDArray[np.float32]

# Names of the eight dihedral variants, in the order ``dihedral_hashes`` returns them.
DIHEDRAL_NAMES = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flip_x",
    "flip_y",
    "flip_plus1",
    "flip_minus1",
)


@dataclass(frozen=True)
class PdqResult:
    bits: NDArray[np.bool_]  # 256 bits, most significant first (hex order)
    quality: int
    dct: NDArray[np.float64]  # 16 x 16 coefficients, kept for the dihedral variants

    @property
    def hex(self) -> str:
        return bits_to_hex(self.bits)


def bits_to_hex(bits: NDArray[np.bool_]) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def _box_matrix(n: int, window: int) -> NDArray[np.float64]:
    """The reference's 1-D running-mean box filter (shrinking window at the edges)."""
    half = (window + 2) // 2
    out = np.arange(n)
    lo = np.maximum(0, out - (window - half))
    hi = np.minimum(n - 1, out + half - 1)
    cols = np.arange(n)
    mask = (cols[None, :] >= lo[:, None]) & (cols[None, :] <= hi[:, None])
    return mask / (hi - lo + 1)[:, None]


def _resize_matrix(n: int, new: int) -> NDArray[np.float64]:
    """Pillow's antialiased bilinear resize of one axis from n to new, as a matrix."""
    eye = Image.fromarray(np.eye(n, dtype=np.float32), mode="F")
    resized = eye.resize((n, new), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float64)


@lru_cache(maxsize=128)
def filter_matrix(n: int) -> FilterMatrix:
    """64 x n: blur twice and decimate one axis of length n, as the reference does."""
    pre = None
    if n > PRE_RESIZE:
        pre = _resize_matrix(n, PRE_RESIZE)
        n_eff = PRE_RESIZE
    else:
        n_eff = n
    window = (n_eff + 2 * SAMPLES - 1) // (2 * SAMPLES)
    box = _box_matrix(n_eff, window)
    picks = ((np.arange(SAMPLES) + 0.5) * n_eff / SAMPLES).astype(int)
    matrix = box[picks] @ box
    if pre is not None:
        matrix = matrix @ pre
    return np.ascontiguousarray(matrix, dtype=np.float32)


def _dct_matrix() -> NDArray[np.float64]:
    i = np.arange(1, 17)[:, None]
    j = np.arange(SAMPLES)[None, :]
    return np.sqrt(2.0 / SAMPLES) * np.cos((np.pi / 2 / SAMPLES) * i * (2 * j + 1))


_DCT = _dct_matrix()
# These products are small: BLAS threads only fight each other (and the crawler's other
# work) over them, so hashing runs them on the calling thread.
_BLAS = ThreadpoolController()


def downsample(luma: NDArray[np.float32], resize_large: bool = True) -> NDArray[np.float64]:
    """The 64 x 64 blurred samples of a luma plane (values 0..255)."""
    rows, cols = luma.shape
    a = filter_matrix(rows) if resize_large else _plain_matrix(rows)
    b = filter_matrix(cols) if resize_large else _plain_matrix(cols)
    with _BLAS.limit(limits=1, user_api="blas"):
        return ((a @ luma) @ b.T).astype(np.float64)


@lru_cache(maxsize=32)
def _plain_matrix(n: int) -> FilterMatrix:
    window = (n + 2 * SAMPLES - 1) // (2 * SAMPLES)
    box = _box_matrix(n, window)
    picks = ((np.arange(SAMPLES) + 0.5) * n / SAMPLES).astype(int)
    return np.ascontiguousarray(box[picks] @ box, dtype=np.float32)


def quality(samples: NDArray[np.float64]) -> int:
    """The reference quality metric: how much gradient there is, 0..100."""
    dy = np.abs(((samples[:-1, :] - samples[1:, :]) * 100) / 255).astype(np.int64).sum()
    dx = np.abs(((samples[:, :-1] - samples[:, 1:]) * 100) / 255).astype(np.int64).sum()
    return int(min(100, (dy + dx) // 90))


def _threshold(dct: NDArray[np.float64]) -> NDArray[np.bool_]:
    flat = dct.ravel()
    median = np.partition(flat, 127)[127]
    bits = flat > median
    # The reference sets bit k = 16 * row + col of word k // 16 and prints words from
    # the last; the string then reads bit 255 first.
    return bits[::-1].copy()


def pdq_from_luma(luma: NDArray[np.float32], resize_large: bool = True) -> PdqResult:
    samples = downsample(luma, resize_large)
    dct = _DCT @ samples @ _DCT.T
    return PdqResult(bits=_threshold(dct), quality=quality(samples), dct=dct)


def dihedral_hashes(result: PdqResult) -> list[str]:
    """The hashes of the image rotated and flipped, in DIHEDRAL_NAMES order.

    Mirroring left to right negates the odd-frequency columns of the DCT, top to bottom
    the odd rows, and a transpose swaps rows with columns; the rotations compose these.
    """
    d = result.dct
    sign = np.where(np.arange(16) % 2 == 0, -1.0, 1.0)  # frequency u = index + 1
    mirror_lr = d * sign[None, :]
    mirror_tb = d * sign[:, None]
    rot180 = d * sign[:, None] * sign[None, :]
    # Names as the reference test images use them: rotate90 is counter-clockwise,
    # flip_x mirrors top to bottom (about the x axis), flip_y left to right.
    transposes = {
        "original": d,
        "rotate90": mirror_lr.T,
        "rotate180": rot180,
        "rotate270": mirror_tb.T,
        "flip_x": mirror_tb,
        "flip_y": mirror_lr,
        "flip_plus1": d.T,
        "flip_minus1": rot180.T,
    }
    return [bits_to_hex(_threshold(transposes[name])) for name in DIHEDRAL_NAMES]
