"""A separate bot process for the store tests: `python store_worker.py JSON`.

Prints "ready", waits for a line on stdin (so the parent can start several at the same
instant), then does its job and prints one JSON line:

- {"mode": "open", "url": ..., "schema": ...}: open the store (creating tables), ping it.
- {"mode": "claim", ..., "key": K, "claims": N, "stores": S, "tag": T}: N concurrent
  claims of K spread over S stores; an owner completes with {"owner": T, "i": i}.
- {"mode": "slot", ..., "slot": L, "claims": N, "stores": S, "tag": T}: N concurrent
  claims of distinct keys that all lock slot L; each owner holds it for a moment and
  reports the wall-clock interval it held it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bot.store import StoreError, open_store


async def run(job: dict[str, Any]) -> dict[str, Any]:
    url, schema = job["url"], job.get("schema")
    if job["mode"] == "open":
        store = await open_store(url, schema=schema)
        try:
            await store.ping()
            return {"ok": True, "describe": await store.describe()}
        finally:
            await store.close()

    stores = [await open_store(url, schema=schema) for _ in range(job.get("stores", 2))]
    if job["mode"] == "slot":
        try:
            return {"ok": True, "held": await hold_slot(job, stores)}
        finally:
            for store in stores:
                await store.close()
    key, tag = job["key"], job["tag"]

    async def one(i: int) -> dict[str, Any]:
        store = stores[i % len(stores)]
        claim = await store.claim(key, wait_seconds=60)
        if claim.owner:
            await asyncio.sleep(0.2)  # the "booking" takes a moment
            result = {"owner": tag, "i": i}
            await store.complete(key, result)
            return {"owner": True, "result": result}
        return {"owner": False, "result": claim.result, "timed_out": claim.timed_out}

    try:
        return {"ok": True, "claims": await asyncio.gather(*(one(i) for i in range(job["claims"])))}
    finally:
        for store in stores:
            await store.close()


async def hold_slot(job: dict[str, Any], stores: list[Any]) -> list[list[float]]:
    held: list[list[float]] = []

    async def one(i: int) -> None:
        store = stores[i % len(stores)]
        key = f"{job['tag']}:{i}"
        claim = await store.claim(key, wait_seconds=60, slot=job["slot"])
        assert claim.owner, claim
        began = time.time()
        await asyncio.sleep(0.02)  # the create call to the site
        held.append([began, time.time()])
        await store.complete(key, {"i": i})

    await asyncio.gather(*(one(i) for i in range(job["claims"])))
    return held


def main() -> int:
    job = json.loads(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        out = asyncio.run(run(job))
    except StoreError as exc:
        out = {"ok": False, "error": str(exc)}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
