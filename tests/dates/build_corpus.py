"""Build tests/data/dates.json from the hand-written expectations below.

Every expected value here was worked out by hand from /work/shared/DATES.md, never by
running the parser. This script only turns "2025-01-11 15:00 in Europe/London" into an
ISO string with its offset (using zoneinfo), and refuses wall times that fall in a DST
gap or overlap: those must be written with their explicit offset.

Run: .venv/bin/python -m tests.dates.build_corpus
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.dates.corpus_cases import HELDOUT, SCENARIOS
from tests.dates.heldout3_cases import HELDOUT3
from tests.dates.heldout4_cases import HELDOUT4
from tests.dates.heldout5_cases import HELDOUT5

ROOT = Path(__file__).resolve().parents[2]


def _iso(value: str, zone: str) -> str:
    if "T" in value:  # explicit offset already
        return datetime.fromisoformat(value).isoformat()
    if zone.startswith(("+", "-")):
        sign = 1 if zone[0] == "+" else -1
        h, m = zone[1:].split(":")
        from datetime import timedelta, timezone

        tz: object = timezone(sign * timedelta(hours=int(h), minutes=int(m)))
    else:
        tz = ZoneInfo(zone)
    wall = datetime.fromisoformat(value if " " in value else value + " 00:00")
    first = wall.replace(tzinfo=tz, fold=0)  # type: ignore[arg-type]
    second = wall.replace(tzinfo=tz, fold=1)  # type: ignore[arg-type]
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)  # type: ignore[arg-type]
    if back != wall or first.utcoffset() != second.utcoffset():
        raise SystemExit(f"{value} in {zone} is in a DST gap/overlap: write it explicitly")
    return first.isoformat()


def build_case(scn: dict, text: str, expect: str, opts: dict) -> dict:
    zone = opts.get("zone", scn["tz"])
    case = {"text": text, "tz": scn["tz"], "now": scn["now"], "category": opts.get("cat", "")}
    if expect == "!":
        case["expected"] = {"error": True}
        return case
    exp: dict = {"timezone": zone}
    if "/" in expect and expect.count("-") >= 4 and " " in expect:
        a, b = expect.split("/")
        exp.update(start=_iso(a, zone), end=_iso(b, zone), granularity="range")
    else:
        exp.update(start=_iso(expect, zone), end=None)
        is_day = len(expect) == 10
        exp["granularity"] = opts.get("gran", "day" if is_day else "minute")
    if "notes" in opts:
        exp["notes"] = opts["notes"]
    if "rest" in opts:
        exp["rest"] = opts["rest"]
    case["expected"] = exp
    return case


def build(scenarios: list[dict]) -> list[dict]:
    out = []
    for scn in scenarios:
        for row in scn["cases"]:
            text, expect, *rest = row
            opts = {"cat": scn.get("cat", "")}
            if rest:
                opts.update(rest[0])
            out.append(build_case(scn, text, expect, opts))
    return out


def main() -> int:
    corpus = build(SCENARIOS)
    heldout = build(HELDOUT)
    (ROOT / "tests/data/dates.json").write_text(
        json.dumps({"cases": corpus}, ensure_ascii=False, indent=1) + "\n"
    )
    (ROOT / "tests/dates/heldout.json").write_text(
        json.dumps({"cases": heldout}, ensure_ascii=False, indent=1) + "\n"
    )
    heldout3 = build(HELDOUT3)
    (ROOT / "tests/dates/heldout3.json").write_text(
        json.dumps({"cases": heldout3}, ensure_ascii=False, indent=1) + "\n"
    )
    heldout4 = build(HELDOUT4)
    (ROOT / "tests/dates/heldout4.json").write_text(
        json.dumps({"cases": heldout4}, ensure_ascii=False, indent=1) + "\n"
    )
    heldout5 = build(HELDOUT5)
    (ROOT / "tests/dates/heldout5.json").write_text(
        json.dumps({"cases": heldout5}, ensure_ascii=False, indent=1) + "\n"
    )
    print(
        f"{len(corpus)} corpus cases, {len(heldout)} + {len(heldout3)} + {len(heldout4)} "
        f"+ {len(heldout5)} "
        "held-out cases",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
