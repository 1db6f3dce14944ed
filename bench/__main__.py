"""Run every benchmark module (`bench/*_bench.py`) in turn, by calling its `main()`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("*_bench.py"))
    wanted = set(argv if argv is not None else sys.argv[1:])
    status = 0
    for name in names:
        if wanted and name not in wanted and name.removesuffix("_bench") not in wanted:
            continue
        print(f"=== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        status |= int(module.main() or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
