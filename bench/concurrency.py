"""Concurrency of LLM calls: 54 takeaways against the reference server at 500 ms latency.

Bound (issue 3): elapsed <= 1.25 x ceil(54 / 8) x 0.5 s beyond start-up. Prints elapsed, the
bound and the ratio (elapsed / bound); exits 1 when over the bound.

    python bench/concurrency.py [--papers 54] [--concurrency 8] [--latency 0.5]
"""

from __future__ import annotations

import math
import sys
import time

from shared_data import need, shared

from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Paper
from paperbrief.run.pipeline import Pipeline
from paperbrief.sources import read_file
from paperbrief_refserver.server import RefServer

DATA = shared("scitldr-dev.jsonl")  # 300 SciTLDR-A test papers (bench/shared_data.py)


def load_papers(n: int) -> list[Paper]:
    """The first `n` SciTLDR papers of the shared data, read by paperbrief's JSONL source."""
    return read_file(need(DATA)).papers[:n]


def _option(args: list[str], name: str, default: float) -> float:
    if name in args:
        return float(args[args.index(name) + 1])
    return default


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    n = int(_option(args, "--papers", 54))
    concurrency = int(_option(args, "--concurrency", 8))
    latency = _option(args, "--latency", 0.5)
    papers = load_papers(n)
    with RefServer(latency=latency) as server:
        engine = LLMEngine(
            "gpt-4o-mini", api_key="sk-bench", base_url=server.base_url, fallback=OfflineEngine()
        )
        engine.takeaway(papers[0])  # start-up: connection, prompt and schema caches
        warmup = len(server.requests)
        pipeline = Pipeline(engine, OfflineEngine(), concurrency=concurrency)
        start = time.perf_counter()
        results = pipeline.takeaways(papers)
        elapsed = time.perf_counter() - start
        calls = len(server.requests) - warmup
    llm = sum(1 for t in results.values() if t.engine == engine.name)
    bound = 1.25 * math.ceil(n / concurrency) * latency
    ratio = elapsed / bound
    print(
        f"papers={n} concurrency={concurrency} latency={latency:g}s calls={calls} "
        f"llm_takeaways={llm}"
    )
    print(
        f"elapsed={elapsed:.3f}s bound={bound:.3f}s ratio={ratio:.3f} "
        f"(ideal {math.ceil(n / concurrency) * latency:.3f}s)"
    )
    return 0 if ratio <= 1.0 and llm == n else 1


if __name__ == "__main__":
    sys.exit(main())
