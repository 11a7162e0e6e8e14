"""How `paperbrief digest --offline` scales: 1,000 / 3,000 / 10,000 papers, by phase.

Papers: real Hugging Face Daily Papers of 2024 (tests/fixtures/hf-2024-papers-2000.jsonl, or the
shared 2,202-paper file when it is there); beyond those, synthetic papers that recombine real
sentences (abstracts of three to eight sentences drawn from different real abstracts, titles
joining the head of one real title to the tail of another), seeded, so every run reads the same
feed.

For each size the bench prints
- the end-to-end `paperbrief digest FILE --offline -v` run (a fresh process and database; `-v`
  says on how many worker processes its offline engine ran, printed after it): wall time,
  peak RSS of that process and the peak memory of it with its worker processes (PSS sampled
  every 0.2 s: pages they share counted once), the larger of the two checked against 1 GB, and
  how fast the host was around it (`host_speed`: a fixed loop's CPU time, the mean of before
  and after);
- the same work split into phases in another fresh process (parse, takeaways, relatedness +
  topics and the digest's plan, comparisons (the detailed papers', `--top` 25), render): wall
  time of each and the peak RSS reached by its end (one after another: the command itself makes
  the plan while its worker processes write the takeaways, so its wall time is less than the
  phases' sum);
and, at the end, the 10k/1k time ratio, each of issue 9's targets met or missed, and the load
average of the machine.

    python bench/scale.py              # 1000 3000 10000
    python bench/scale.py 1000 3000    # chosen sizes
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from shared_data import found

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "hf-2024-papers-2000.jsonl"  # when no shared data
SIZES = (1000, 3000, 10000)
POOL_SAMPLE = 600  # takeaways timed on one process and on all cores


def _real_papers() -> list[dict]:
    """The largest real file at hand: the shared 2,202 papers, else the 2,000-paper fixture."""
    for path in (found("hf-2024-papers.jsonl"), FIXTURE):  # bench/shared_data.py
        if path is not None and path.is_file():
            return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    raise SystemExit("bench/scale.py: no real papers (tests/fixtures/hf-2024-papers-2000.jsonl)")


def build_feed(n: int, path: Path) -> int:
    """Write n papers as JSONL: real ones first, then real sentences recombined. Returns #real."""
    from paperbrief.text import sentences

    real = _real_papers()
    rng = random.Random(n)
    pool = [s for p in real for s in sentences(p["abstract"])]
    rows = [{k: p[k] for k in ("id", "title", "abstract", "published", "url", "upvotes")}
            for p in real[:n]]  # fmt: skip
    for i in range(len(rows), n):
        head = rng.choice(real)["title"].split(":")[0]
        tail = rng.choice(real)["title"].split(":")[-1].strip()
        rows.append({
            "id": f"2501.{i:05d}",
            "title": f"{head}: {tail}" if head != tail else head,
            "abstract": " ".join(rng.sample(pool, rng.randint(3, 8))),
            "published": "2025-01-0" + str(1 + i % 7),
            "upvotes": rng.randint(0, 40),
        })  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return min(n, len(real))


def _run_child(argv: list[str]) -> tuple[float, float, float, str, str]:
    """Wall seconds, peak RSS (MB) of one child process, the peak memory of its whole process
    tree (MB of PSS, sampled: the worker processes too, pages they share counted once), its
    stdout, and where it said its offline engine ran (its `-v` line, else "")."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree_peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            tree_peak[0] = max(tree_peak[0], _tree_pss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the peak of all children so far
    if child.returncode != 0:
        raise SystemExit(f"bench/scale.py: {' '.join(argv)} failed:\n{err}")
    ran = [line.split("items ", 1)[-1] for line in err.splitlines() if " items " in line]
    return wall, usage.ru_maxrss / 1024, tree_peak[0], out, ran[0] if ran else ""


def _tree_pss(pid: int) -> float:
    """MB of proportional set size of `pid` and its child processes now (0 where unreadable)."""
    from paperbrief.run.offline_pool import child_processes

    pids = [pid, *(int(entry.name) for entry in child_processes(pid))]
    total = 0.0
    for p in pids:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
    return total


def _peak_of(argv: list[str]) -> tuple[float, float, float, str, str]:
    """Like _run_child, but the peak RSS of this child alone (a fresh grandparent process)."""
    probe = [sys.executable, __file__, "--measure", json.dumps(argv)]
    out = subprocess.run(probe, capture_output=True, text=True, check=True).stdout
    wall, peak, tree, text, ran = json.loads(out)
    return wall, peak, tree, text, ran


def phases(feed: Path, db: Path) -> dict[str, tuple[float, float]]:
    """The digest's work, phase by phase, in this process: {phase: (seconds, peak RSS MB)}."""
    from datetime import date

    import paperbrief.relate.relatedness  # noqa: F401 (scikit-learn imported before the clock)
    from paperbrief import sources
    from paperbrief.digest.build import build_digest, plan_digest
    from paperbrief.digest.render import render_digest
    from paperbrief.engines.offline.engine import OfflineEngine
    from paperbrief.models import Period
    from paperbrief.relate.plan import make_plan
    from paperbrief.run import offline_pool
    from paperbrief.run.pipeline import Pipeline
    from paperbrief.store.core import Store

    out: dict[str, tuple[float, float]] = {}
    _workers = offline_pool.workers

    def mark(name: str, start: float) -> float:
        now = time.perf_counter()
        out[name] = (now - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return now

    t = time.perf_counter()
    papers = sources.load([str(feed)], None, today=date(2025, 1, 8)).papers
    t = mark("parse", t)
    with Store(db) as store:
        store.save_papers(papers)
        run_id = store.start_run("digest", ["bench"])
        offline = OfflineEngine()
        pipeline = Pipeline(offline, offline, store=store, run_id=run_id)
        t = mark("store papers", t)
        takeaways, _ = pipeline.run(papers, [])  # every paper's line (the digest's are cached)
        t = mark("takeaways", t)
        relatedness = make_plan(papers)  # relate.plan: vectors, neighbours, pairs, topics
        related = relatedness.related
        plan = plan_digest(papers, relatedness=relatedness)
        t = mark("relatedness+topics", t)
        # the digest as the CLI builds it: the detailed papers' comparisons, the rest from cache
        digest = build_digest(papers, Period(label="bench"), pipeline, relatedness=relatedness,
                              plan=plan)
        t = mark("comparisons", t)
        text = render_digest(digest)
        t = mark("render", t)
        store.finish_run(run_id, "ok", digest.stats)
    assert len(takeaways) == len(papers)
    out["_counts"] = (float(len(digest.comparisons)), float(len(related.topics)))
    del text
    # does forking pay? the same takeaways on one process and on all cores, side by side
    sample = [("takeaway", (p,)) for p in papers[:POOL_SAMPLE]]
    for count in sorted({1, offline_pool.cores()}):
        _cold_caches()  # the takeaways above filled them: time the work, not the lookups
        offline_pool.workers = lambda count=count: count  # type: ignore[assignment]
        t = time.perf_counter()
        with offline_pool.outcomes(offline, sample) as done:
            for _ in done:
                pass
        label = "1 process" if count == 1 else f"{count} processes"
        out[f"_pool {label}"] = (time.perf_counter() - t, 0.0)
    offline_pool.workers = _workers  # type: ignore[assignment]
    out["_workers"] = (float(_workers()), 0.0)
    return out


def _cold_caches() -> None:
    """Empty every functools cache of this process (sentences, stems, tags, rankings)."""
    import functools
    import gc

    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            obj.cache_clear()


def main(sizes: list[int]) -> None:
    print(f"paperbrief digest --offline at scale (load average before: {_load()})")
    totals: dict[int, float] = {}
    relate_times: dict[int, float] = {}
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            feed = Path(tmp) / f"feed-{n}.jsonl"
            real = build_feed(n, feed)
            db, out = Path(tmp) / f"cli-{n}.db", Path(tmp) / f"d-{n}.md"
            cli = [sys.executable, "-m", "paperbrief.cli", "digest", str(feed), "--offline",
                   "--db", str(db), "--out", str(out), "-v"]  # fmt: skip
            speed = host_speed()
            wall, peak, tree, _, ran = _peak_of(cli)
            speed = (speed + host_speed()) / 2
            totals[n], peaks[n] = wall, max(peak, tree)
            split = [sys.executable, __file__, "--phases", str(feed), str(Path(tmp) / f"p-{n}.db")]
            _, _, _, text, _ = _peak_of(split)
            parts = json.loads(text)
            pairs, topics = parts.pop("_counts")
            relate_times[n] = parts["relatedness+topics"][0]
            print(f"\n{n:,} papers ({real:,} real, {n - real:,} recombined): "
                  f"{int(pairs):,} comparisons, {int(topics)} topics")  # fmt: skip
            print(f"  end to end: {wall:6.1f} s wall, peak RSS {peak:6.0f} MB, with its worker "
                  f"processes {tree:6.0f} MB PSS  (load {_load()}); ran {ran or '?'}; host "
                  f"loop {speed:.0f} ms around it)")  # fmt: skip
            for name, (seconds, rss) in parts.items():
                if name == "_workers":
                    print(f"  (a digest run now would use {seconds:.0f} worker process(es))")
                elif name.startswith("_pool"):
                    print(f"  {POOL_SAMPLE} takeaways on {name[6:]}: {seconds:5.1f} s")
                else:
                    print(f"  {name:20s} {seconds:6.1f} s   peak RSS so far {rss:6.0f} MB")
    if 1000 in totals and 10000 in totals:
        print(f"\n10k/1k wall ratio: {totals[10000] / totals[1000]:.1f} (linear: 10.0)")
        print(f"10k/1k relatedness+topics ratio: {relate_times[10000] / relate_times[1000]:.1f}")
    checks = [(1000, "end to end", totals, 6.0), (10000, "end to end", totals, 45.0),
              (10000, "relatedness+topics", relate_times, 10.0)]  # fmt: skip
    for n, what, figures, target in checks:
        if n in figures:
            verdict = "met" if figures[n] <= target else "MISSED"
            print(f"target {n:,} papers, {what} <= {target:g} s: {figures[n]:.1f} s, {verdict}")
    if 10000 in peaks:
        verdict = "met" if peaks[10000] <= 1024 else "MISSED"
        print(f"target 10,000 papers, peak memory <= 1 GB: {peaks[10000]:.0f} MB, {verdict}")
    print(f"load average after: {_load()}")


def host_speed() -> float:
    """Milliseconds of CPU a fixed pure-Python loop takes now: the same work, so a slower
    figure means a slower host at that moment (on this shared 2-core machine the same kind of
    loop, three times as long, took from 0.26 to 0.58 s within a few seconds; this one took
    44-72 ms around the runs of one full bench), to read the wall times beside."""
    start = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i * i
    return (time.process_time() - start) * 1000


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--phases"]:
        print(json.dumps(phases(Path(sys.argv[2]), Path(sys.argv[3]))))
    elif sys.argv[1:2] == ["--measure"]:
        print(json.dumps(_run_child(json.loads(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(SIZES))
