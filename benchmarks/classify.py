"""Benchmark: the whole classify path against underthesea word segmentation alone.

Same texts, same run: short comments (the shipped corpus) and long articles (corpus news
and forum texts joined into pages of about 4,000 characters). The classify path must be
at least five times faster than ``underthesea.word_tokenize`` on both. Also reports the
memory the loaded model holds.

Run: ``python -m benchmarks.classify`` (builds the default model into the cache that
``tamsoat classify`` uses first, if it is not there yet).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from classifier.corpus import default_corpus_files, read_corpus

TARGET_RATIO = 5.0


def _texts() -> tuple[list[str], list[str]]:
    records = read_corpus(default_corpus_files())
    short = [r.text for r in records]
    prose = [r.text for r in records if r.style in ("news", "forum")]
    long, page = [], ""
    for text in prose * 3:
        page = f"{page} {text}" if page else text
        if len(page) >= 4000:
            long.append(page)
            page = ""
    return short, long[:60]


def _rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str], repeat: int) -> float:
    """Best of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return best


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    from underthesea import word_tokenize

    import classifier
    from tamsoat import config

    cache = config.load().models_dir  # the cache `tamsoat classify` uses
    classifier.load_default(cache)  # build once, outside the measurement
    from classifier import default

    default._loaded.clear()
    tracemalloc.start()
    model = classifier.load_default(cache)
    model.classify(["khởi động"])  # lazy tables are part of what the model holds
    held = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()

    short, long = _texts()
    word_tokenize("khởi động")
    print(
        f"model {model.version}: {held:.1f} MB held in memory once loaded "
        f"(process RSS {_rss_mb():.0f} MB with Python, NumPy, scikit-learn, underthesea)"
    )
    worst = float("inf")
    for name, texts in (("short comments", short), ("long articles", long)):
        chars = sum(map(len, texts))
        # what `tamsoat classify` does, then the same with explanations (--explain, crawler)
        ours = _rate(lambda batch: model.classify(batch, explain=False), texts, 5)
        explained = _rate(model.classify, texts, 5)
        anchor = _rate(lambda batch: [word_tokenize(t) for t in batch], texts, 3)
        ratio = anchor / ours
        worst = min(worst, ratio)
        print(f"{name}: {len(texts)} texts, {chars / len(texts):.0f} chars each")
        for label, seconds in (
            ("classify", ours),
            ("  + explain", explained),
            ("word_tokenize", anchor),
        ):
            print(
                f"  {label:14} {len(texts) / seconds:9.0f} texts/s {chars / seconds:11.0f} chars/s"
                f"  {anchor / seconds:5.1f}x"
            )
    if worst < TARGET_RATIO:
        print(
            f"FAILED: classify is only {worst:.1f}x faster than word segmentation", file=sys.stderr
        )


if __name__ == "__main__":
    main()
