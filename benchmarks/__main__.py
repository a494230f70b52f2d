"""``python -m benchmarks``: run every benchmark module's ``main()`` in turn."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def run_all() -> None:
    here = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        print(f"== benchmarks/{info.name}.py")
        importlib.import_module(f"benchmarks.{info.name}").main()


if __name__ == "__main__":
    run_all()
