"""`paperbrief digest --config lab.toml`: five readers over a 1,000-paper listing vs one reader.

The listing: the first 1,000 real Hugging Face Daily Papers of 2024 (the shared
hf-2024-papers.jsonl, else tests/fixtures/hf-2024-papers-2000.jsonl). The LLM: the reference
server (paperbrief_refserver.server) with `--latency` seconds per answer, in this process. Each run
is a
fresh `paperbrief digest` process with a fresh database, ranking by TF-IDF (by embeddings with
`--embeddings`).

Printed:
- one reader (`digest FILE --interests ana.toml --top 10`): wall time and chat calls;
- the lab run of five readers (ana ... eve, top 10 each): wall time and chat calls;
- the ratio of the two wall times (issue 26's target: at most 1.5);
- the union of what five one-reader runs pay for (run one after another on one database, so
  each pays only what the earlier ones had not): the lab's calls should equal it; and their sum
  without sharing (each reader's detailed papers and comparisons counted separately).

    python bench/lab.py                  # latency 0.3 s, concurrency 8
    python bench/lab.py --latency 1.0
    python bench/lab.py --embeddings     # with the reference server's embeddings
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared_data import found  # noqa: E402
from tests.lab_support import PROFILES, profile, write_config  # noqa: E402

from paperbrief_refserver.server import RefServer  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "hf-2024-papers-2000.jsonl"  # when no shared data


def _listing(tmp: Path, n: int) -> Path:
    for path in (found("hf-2024-papers.jsonl"), FIXTURE):  # bench/shared_data.py
        if path is not None and path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()[:n]
            out = tmp / f"papers-{n}.jsonl"
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return out
    raise SystemExit("bench/lab.py: no real papers found")


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "paperbrief.cli", *argv], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench/lab.py: {' '.join(argv[:3])} failed: {done.stderr[-500:]}")
    return wall, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--embeddings", action="store_true",
                        help="rank, pair and group by the reference server's embeddings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as raw, RefServer(latency=args.latency) as server:
        tmp = Path(raw)
        source = _listing(tmp, args.papers)
        env = dict(os.environ, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-bench",
                   PAPERBRIEF_EMBEDDING_MODEL="text-embedding-3-small" if args.embeddings
                   else "none")
        one_wall, _ = _run(["digest", str(source), "--interests", str(profile(tmp, "ana")),
                            "--top", "10", "--db", str(tmp / "one.db"), "--out",
                            str(tmp / "one.md")], env)
        one_calls = len(server.requests)
        config = write_config(tmp, source, {n: f'out = "out/{n}/"' for n in PROFILES})
        lab_wall, _ = _run(["digest", "--config", str(config), "--db", str(tmp / "lab.db")], env)
        lab_calls = len(server.requests) - one_calls
        before = len(server.requests)
        separate = 0
        for name in PROFILES:  # one after another on one database: each pays only what is new
            _, out = _run(["digest", str(source), "--interests", str(tmp / f"{name}.toml"),
                           "--top", "10", "--json", "--db", str(tmp / "seq.db")], env)
            digest = json.loads(out)
            separate += len(digest["detailed"]) + len(digest["comparisons"])
        union = len(server.requests) - before
    ranking = "embeddings" if args.embeddings else "TF-IDF"
    print(f"listing: {args.papers} real papers; reference server latency {args.latency:g} s; "
          f"ranked by {ranking}")
    print(f"one reader : wall {one_wall:6.2f} s, {one_calls} chat calls")
    print(f"five readers: wall {lab_wall:6.2f} s, {lab_calls} chat calls")
    ratio = lab_wall / one_wall
    verdict = "met" if ratio <= 1.5 else "MISSED"
    print(f"wall ratio five/one: {ratio:.2f} (target <= 1.5: {verdict})")
    print(f"union of the five readers' paid items (cached one-reader runs): {union} calls; "
          f"lab calls {'=' if lab_calls == union else '!='} union; "
          f"without sharing: {separate} items")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
