"""Run every benchmark module (`bench/*_bench.py`) in turn, by calling its `main()`.

    python -m bench [NAME ...] [--quick]

NAME picks modules (`latency` or `latency_bench`); options go to every module run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    wanted = {a for a in args if not a.startswith("-")}
    options = [a for a in args if a.startswith("-")]
    names = sorted(p.stem for p in Path(__file__).parent.glob("*_bench.py"))
    unknown = wanted - set(names) - {n.removesuffix("_bench") for n in names}
    if unknown:
        choices = ", ".join(n.removesuffix("_bench") for n in names)
        print(f"no benchmark named {', '.join(sorted(unknown))}; choose from {choices}")
        return 2
    status = 0
    for name in names:
        if wanted and name not in wanted and name.removesuffix("_bench") not in wanted:
            continue
        print(f"=== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        status |= int(module.main(options) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
