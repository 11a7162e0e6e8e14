"""Print how fast the store commits writes (each put/log is its own durable transaction)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from paperbrief.models import CallRecord, KeyNumber, Paper, Takeaway
from paperbrief.store.core import Store


def main(n: int = 500) -> None:
    """Time n takeaway puts, n call logs and n cache lookups on a fresh database."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        papers = [
            Paper(id=f"p{i}", abstract=f"Abstract number {i}.", source="bench") for i in range(n)
        ]
        run_id = store.start_run("bench", [])
        t0 = time.perf_counter()
        for p in papers:
            store.put_takeaway(
                p,
                Takeaway(
                    takeaway="A takeaway.", problem="P.", method="M.", result="R.",
                    key_numbers=[KeyNumber(value="1%", context="c")], contribution_type="method",
                    tags=["x"], paper_id=p.id, engine="gpt-4o-mini", prompt_version="t1",
                ),
            )  # fmt: skip
        t1 = time.perf_counter()
        for p in papers:
            store.log_call(
                run_id, CallRecord(kind="takeaway", subject=p.id, model="m", prompt_version="t1")
            )
        t2 = time.perf_counter()
        hits = sum(store.get_takeaway(p, "gpt-4o-mini", "t1") is not None for p in papers)
        t3 = time.perf_counter()
        store.recent_runs()
        t4 = time.perf_counter()
    print(f"put_takeaway: {n / (t1 - t0):,.0f}/s ({(t1 - t0) / n * 1e3:.2f} ms each, fsync'd)")
    print(f"log_call:     {n / (t2 - t1):,.0f}/s ({(t2 - t1) / n * 1e3:.2f} ms each, fsync'd)")
    print(f"get_takeaway: {n / (t3 - t2):,.0f}/s ({hits}/{n} hits)")
    print(f"recent_runs over {n} calls: {(t4 - t3) * 1e3:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
