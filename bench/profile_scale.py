"""Cost of a big interests profile: ranking with many keywords, and reading a big BibTeX export.

1. Ranking: 200 real Daily Papers of 2024 against profiles of K keywords (K = 100, 2,000,
   20,000), the keywords real word pairs of the same feed (so some match). Prints seconds per
   ranking (the TF-IDF space fitted once, outside the timing).
2. A BibTeX export of N entries (real titles and abstracts of the feed, repeated under new keys;
   the issue's was 52 MB / 94,000 entries): seconds and peak memory of the first read (bibtexparser)
   and of a second read of the same file (the profile cache), each in a fresh process.

    python bench/profile_scale.py [--keywords 100,2000,20000] [--entries 5000]

Before issue 28's item 25 (commit 2579197; every keyword's pattern tried on every paper, every
profile parsed on every run), at load average 7.6 on 2 cores: 100 keywords 1.29 s, 2,000
26.38 s, 20,000 271.82 s; a 2,000-entry export 20.4 s on every read. After: 0.15-0.26 s,
0.49 s, 3.05 s; the export 26.5 s on the first read, 0.25 s (30 MB peak) on the next ones.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rank import DATA  # bench/rank.py: where the 2024 papers are
from shared_data import need

from paperbrief.relate.interests import Profile
from paperbrief.relate.ranking import rank_listing
from paperbrief.relate.relatedness import TermSpace, paper_text
from paperbrief.sources import read_file

ROOT = Path(__file__).resolve().parents[1]
PAPERS = 200

# peak memory from VmHWM (ru_maxrss would carry the parent's peak across fork and exec)
READ_ONCE = """
import re, sys, time
from pathlib import Path
started = time.perf_counter()
from paperbrief.relate.interests import load_profile
profile = load_profile(Path(sys.argv[1]))
status = Path("/proc/self/status").read_text()
peak = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024
print(len(profile.papers), round(time.perf_counter() - started, 2), peak)
"""


def word_pairs(papers: list, n: int, rng: random.Random) -> list[str]:
    pairs: set[str] = set()
    for p in papers:
        words = re.findall(r"[a-z]{4,}", p.abstract.lower())
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return rng.sample(sorted(pairs), min(n, len(pairs)))


def bench_ranking(all_papers: list, counts: list[int]) -> None:
    rng = random.Random(2024)
    feed = all_papers[:PAPERS]
    pool = word_pairs(all_papers, max(counts), rng)
    space, vectors = TermSpace.fit([paper_text(p) for p in feed])
    print(f"ranking {len(feed)} papers")
    print(f"{'keywords':>9} {'seconds':>8} {'matched papers':>15}")
    for k in counts:
        profile = Profile(path=Path("bench.toml"), keywords=pool[:k])
        started = time.perf_counter()
        ranked, _ = rank_listing(feed, profile, space=space, vectors=vectors)
        elapsed = time.perf_counter() - started
        matched = sum(1 for r in ranked if r.reasons and r.reasons[0].startswith("matches:"))
        print(f"{k:9d} {elapsed:8.2f} {matched:15d}")


def bench_bibtex(all_papers: list, entries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "library.bib"
        with bib.open("w", encoding="utf-8") as out:
            for i in range(entries):
                p = all_papers[i % len(all_papers)]
                title = p.title.replace("{", "").replace("}", "")
                abstract = p.abstract.replace("{", "").replace("}", "")
                out.write(f"@article{{key{i},\n  title = {{{title}}},\n"
                          f"  abstract = {{{abstract}}},\n  eprint = {{{p.id}}},\n"
                          "  archiveprefix = {arXiv},\n}\n\n")
        size = bib.stat().st_size / 1e6
        env = dict(os.environ, PAPERBRIEF_CACHE_DIR=str(Path(tmp) / "cache"))
        print(f"\nBibTeX export: {entries} entries, {size:.1f} MB")
        print(f"{'read':>7} {'entries':>8} {'seconds':>8} {'peak MB':>8}")
        for label in ("first", "second"):
            done = subprocess.run([sys.executable, "-c", READ_ONCE, str(bib)], env=env,
                                  capture_output=True, text=True, check=True)
            n, seconds, peak = done.stdout.split()
            print(f"{label:>7} {n:>8} {float(seconds):8.2f} {peak:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--keywords", default="100,2000,20000")
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    papers = read_file(need(args.data)).papers
    bench_ranking(papers, [int(k) for k in args.keywords.split(",")])
    bench_bibtex(papers, args.entries)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
