"""Batch mode against live calls: the seed page (54 papers) through the real CLI, side by side.

One reference server (500 ms answers); three runs, each on its own database where needed:
1. `digest` (live calls), 2. `digest --batch-wait` (one batch), 3. the same `--batch` again.
Prints, per run: live chat requests the server answered, batch lines, calls and cost logged by the
store, wall time; then the batch/live cost ratio (target 0.5), whether the cached results are
identical to the live ones (target: yes), and the rerun's calls and cost (target: 0, $0).
Exits 1 when a target is missed. Wall times are for information only (the batch is answered at
once by the reference server; OpenAI takes minutes to hours).

    python bench/batch.py [--latency 0.5]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from paperbrief import cli
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer

SEED = Path(__file__).resolve().parent.parent / "examples" / "daily-papers-2026-03-05.txt"


def _run(server: RefServer, db: Path, out: Path, *flags: str) -> dict[str, float]:
    live_before, lines_before = len(server.requests), len(server.batches.lines)
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = cli.main(["digest", str(SEED), "--db", str(db), "--out", str(out), *flags])
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"digest {' '.join(flags)} exited {code}: {err.getvalue()}")
    with Store(db) as store:
        run = store.recent_runs(1)[0]
        # the embeddings request (with a key, before any chat call) is live in both modes: the
        # batch price applies to the chat items only, so their cost is compared on its own
        embed_cost = sum(c.cost_usd for c in store.run_calls(run.id) if c.kind == "embedding")
    return {
        "live_requests": len(server.requests) - live_before,
        "batch_lines": len(server.batches.lines) - lines_before,
        "calls": run.calls,
        "cost_usd": run.cost_usd - embed_cost,
        "embed_cost_usd": embed_cost,
        "fallbacks": run.fallbacks,
        "wall_s": wall,
    }


def _cache(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        rows = store._read("SELECT paper_id AS k, json FROM takeaways")
        rows += store._read("SELECT paper_a || '|' || paper_b AS k, json FROM comparisons")
    return {r["k"]: json.loads(r["json"]) for r in rows}


def measure(latency: float = 0.5) -> dict[str, dict[str, float]]:
    """The three runs against one reference server: {name: figures}, plus "identical"."""
    saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    try:
        with tempfile.TemporaryDirectory() as tmp, RefServer(latency=latency) as server:
            os.environ["OPENAI_BASE_URL"] = server.base_url
            os.environ["OPENAI_API_KEY"] = "sk-bench"
            root = Path(tmp)
            live = _run(server, root / "live.db", root / "live.md")
            batch = _run(server, root / "batch.db", root / "batch.md", "--batch-wait",
                         "--batch-poll", "0.2")
            rerun = _run(server, root / "batch.db", root / "batch.md", "--batch")
            same = _cache(root / "live.db") == _cache(root / "batch.db")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {"live": live, "batch": batch, "rerun": rerun, "identical": {"value": float(same)}}


def report(figures: dict[str, dict[str, float]]) -> bool:
    """Print the figures; whether every target is met."""
    live, batch, rerun = figures["live"], figures["batch"], figures["rerun"]
    identical = bool(figures["identical"]["value"])
    print(f"{'batch mode':<22}{'live req':>9}{'batch lines':>12}{'calls':>7}{'cost $':>10}"
          f"{'fallbacks':>10}{'wall s':>8}")
    for name, r in (("live", live), ("batch (--batch-wait)", batch), ("batch rerun", rerun)):
        print(f"{name:<22}{r['live_requests']:>9.0f}{r['batch_lines']:>12.0f}{r['calls']:>7.0f}"
              f"{r['cost_usd']:>10.4f}{r['fallbacks']:>10.0f}{r['wall_s']:>8.1f}")
    ratio = batch["cost_usd"] / live["cost_usd"] if live["cost_usd"] else float("nan")
    print(f"  chat cost only; the live embeddings request cost ${live['embed_cost_usd']:.6f} in "
          f"the live run and ${batch['embed_cost_usd']:.6f} in the batch run")
    print(f"  batch/live cost ratio: {ratio:.3f} (target 0.5); results identical to live: "
          f"{identical}; rerun: {rerun['calls']:.0f} calls, ${rerun['cost_usd']:.4f}")
    return (
        batch["live_requests"] == 0
        and batch["batch_lines"] == live["live_requests"]
        and abs(ratio - 0.5) < 0.05
        and identical
        and rerun["calls"] == 0
        and rerun["live_requests"] == 0
    )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    latency = float(args[args.index("--latency") + 1]) if "--latency" in args else 0.5
    figures = measure(latency)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if report(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
