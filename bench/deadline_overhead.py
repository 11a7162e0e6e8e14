"""What the overall deadline costs an LLM request (issue 28, item 12), against the reference server.

The same N chat requests (answered at once) go through the OpenAI SDK twice: with the client
paperbrief makes (`sdk_client`: every request under a deadline guard, its connection's reads
bounded by it) and with the SDK's own default client. Prints the median and 90th percentile of
each, the difference per request, and os.getloadavg() (the machine is shared).

    python bench/deadline_overhead.py [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import openai

from paperbrief.engines.llm.call import sdk_client
from paperbrief_refserver.server import RefServer

BODY = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "<paper>A title. An abstract of 12 percent.</paper>"}],
}


def timings(client: openai.OpenAI, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        client.chat.completions.create(**BODY)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    n = parser.parse_args().requests
    with RefServer() as server:
        guarded = sdk_client(None, api_key="sk-test", base_url=server.base_url, timeout=30)
        plain = openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0)
        timings(guarded, 20), timings(plain, 20)  # warm up both (connections, imports)
        rows = {}
        for name, client in (("deadline guard", guarded), ("SDK default", plain)) * 2:
            rows.setdefault(name, []).extend(timings(client, n // 2))
    for name, values in rows.items():
        values.sort()
        p90 = values[int(0.9 * (len(values) - 1))]
        print(f"{name:15s} median {statistics.median(values) * 1000:6.2f} ms"
              f"   p90 {p90 * 1000:6.2f} ms   ({len(values)} requests)")  # fmt: skip
    diff = statistics.median(rows["deadline guard"]) - statistics.median(rows["SDK default"])
    print(f"difference of the medians: {diff * 1000:+.2f} ms per request")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
