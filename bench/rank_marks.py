"""Ranking from marks (issue 25): P@10 for keywords, keywords + likes, likes only, and a
simulated reader, on the 2,202 real Daily Papers of 2024 (the only year of papers here).

Truth comes from the papers' own text, never from a ranking: a paper is about a topic when one of
the topic's phrases (a hand list per topic, wider than the profile's one keyword) is in its title
or at least twice in its abstract. A profile is the topic's keyword and/or 3 papers about it drawn
at random; P@10 counts papers about the topic among the 10 best unmarked papers.

Honest split: papers published before 2024-09-16 are the tuning part (1,117 papers) and the even
topics are the tuning topics; every weight in paperbrief.relate.learned_rank and
keyword_evidence was chosen on tuning topics x tuning papers only. The held-out figures are the
odd topics on the papers from 2024-09-16 on (1,085 papers): neither those papers nor those
topics were looked at while tuning. (The issue's targets are for held-out 2026 papers, which
this machine does not have.)

Columns: keywords (the profile ranking, keyword only), kw+likes(old) and likes(old) (the
profile ranking with the 3 papers as the profile's liked papers, as before issue 25), kw+likes
and likes only (learned_rank from 3 likes, with and without the keyword), reader 4x10 and no
feedback (below), and an arxiv-sanity-lite stand-in (LinearSVC C=0.01, class-balanced, every
other paper negative, same word + word-pair TF-IDF): SVM likes, and SVM reader (retrained each
round from the likes so far; it has no dislikes).

Simulated reader: from 3 liked papers, 4 rounds of rank -> look at the 10 best unmarked papers ->
like those about the topic, dislike the rest; the share of the topic's papers found in those 40
(out of at most 40 there are), against the first ranking's top 40 without feedback.

    python bench/rank.py [--data PATH] [--draws N] [--split tuning|held-out|both]

Then the speed (`timing`; `--timing-only`, `--runs N`): `paperbrief rank` on the 2,202 papers and
on 3,215 (those plus 1,013 real SciTLDR abstracts, a file built in a temporary folder at run
time), learned from 3 likes, from a keyword profile + 3 likes, and the profile ranking of before
issue 25; each run on a fresh store (first run) and again (repeat run); wall and CPU time, best
and median, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from datetime import date
from pathlib import Path

from rank import DATA  # bench/rank.py: where the 2024 papers are
from shared_data import need

from paperbrief.models import Paper
from paperbrief.relate.interests import LikedPaper, Profile
from paperbrief.relate.learned_rank import FeatureSpace, rank_with_marks
from paperbrief.relate.ranking import _fold, phrase_pattern, rank_listing
from paperbrief.relate.relatedness import TermSpace, paper_text
from paperbrief.sources import read_file

ROOT = Path(__file__).resolve().parents[1]
SPLIT_DAY = date(2024, 9, 16)
# topic keyword (what a profile says) -> the phrases that say a paper is about it (truth)
TOPICS: dict[str, list[str]] = {
    "reinforcement learning": ["reinforcement learning", "RL"],
    "mixture of experts": ["mixture of experts", "mixture-of-experts", "MoE"],
    "retrieval-augmented generation": ["retrieval-augmented generation", "RAG",
                                       "retrieval augmented"],
    "knowledge distillation": ["distillation", "distilled", "distill"],
    "speech": ["speech", "TTS", "spoken", "audio"],
    "video generation": ["video generation", "text-to-video", "video diffusion",
                         "video synthesis", "image-to-video"],
    "code generation": ["code generation", "code LLM", "coding", "program synthesis"],
    "reward model": ["reward model", "reward modeling", "reward modelling"],
    "quantization": ["quantization", "quantized", "low-bit"],
    "long context": ["long context", "long-context", "context window", "long sequence"],
    "3D generation": ["3D generation", "3D", "text-to-3D", "mesh"],
    "image editing": ["image editing", "image edit", "instruction-based editing"],
    "robot": ["robot", "robotic", "robotics", "embodied"],
    "mathematical reasoning": ["mathematical reasoning", "math", "mathematical", "theorem"],
    "hallucination": ["hallucination", "hallucinate", "hallucinated"],
    "multilingual": ["multilingual", "cross-lingual", "low-resource language"],
    "GUI agent": ["GUI", "web agent", "computer use", "web navigation"],
    "medical": ["medical", "clinical", "biomedical"],
    "preference optimization": ["preference optimization", "DPO", "RLHF"],
    "vision-language model": ["vision-language model", "VLM", "multimodal large language"],
}
K = 10
LIKED = 3
ROUNDS = 4
SETTINGS: dict[str, float] = {}  # --c, --keyword-weight, --negatives: for tuning only


def about(papers: list[Paper], phrases: list[str]) -> set[str]:
    """Ids of the papers about the topic: a phrase in the title, or twice in the abstract."""
    patterns = [phrase_pattern(p) if not p.isupper() else re.compile(rf"\b{re.escape(p)}s?\b")
                for p in phrases]
    out = set()
    for paper in papers:
        title, body = paper.title, paper.abstract
        folded_title, folded_body = _fold(title), _fold(body)
        for phrase, pat in zip(phrases, patterns, strict=True):
            t, b = (title, body) if phrase.isupper() else (folded_title, folded_body)
            if pat.search(t) or len(pat.findall(b)) >= 2:
                out.add(paper.id)
                break
    return out


def precision(ranked_ids: list[str], relevant: set[str], marked: set[str], k: int = K) -> float:
    top = [pid for pid in ranked_ids if pid not in marked][:k]
    return sum(pid in relevant for pid in top) / k


def svm_ranker(vectors: object) -> object:
    """arxiv-sanity-lite's per-tag ranking, as a baseline: a LinearSVC (C=0.01, class-balanced)
    with the tagged papers as positives and every other paper as a negative, same features."""
    import numpy as np
    from sklearn.svm import LinearSVC

    def rank(papers: list[Paper], likes: list[Paper], dislikes: list[Paper] = (),
             **_: object) -> list[object]:
        liked = {p.id for p in likes}
        y = np.array([p.id in liked for p in papers], dtype=int)
        model = LinearSVC(C=0.01, class_weight="balanced", max_iter=10000, tol=1e-6)
        model.fit(vectors, y)
        scores = model.decision_function(vectors)
        order = np.argsort(-scores, kind="stable")

        class R:  # what the bench reads of a Ranked
            def __init__(self, paper: Paper) -> None:
                self.paper = paper

        return [R(papers[i]) for i in order]

    return rank


def simulated_reader(papers: list[Paper], space: FeatureSpace, vectors: object,
                     liked: list[Paper], relevant: set[str],
                     ranker: object = rank_with_marks) -> tuple[float, float]:
    """(share found in ROUNDS rounds of feedback, share in the first ranking's top 40)."""
    by_id = {p.id: p for p in papers}
    likes, dislikes = list(liked), []
    marked = {p.id for p in liked}
    wanted = relevant - marked
    cap = min(K * ROUNDS, len(wanted))
    first = ranker(papers, likes, space=space, vectors=vectors, **SETTINGS)
    first_top = [r.paper.id for r in first if r.paper.id not in marked][:K * ROUNDS]
    no_feedback = sum(pid in wanted for pid in first_top) / cap
    found = 0
    ranked = first
    for _ in range(ROUNDS):
        shown = [r.paper.id for r in ranked if r.paper.id not in marked][:K]
        for pid in shown:
            marked.add(pid)
            if pid in wanted:
                found += 1
                likes.append(by_id[pid])
            else:
                dislikes.append(by_id[pid])
        ranked = ranker(papers, likes, dislikes, space=space, vectors=vectors, **SETTINGS)
    return found / cap, no_feedback


def run_split(name: str, papers: list[Paper], topics: list[str], draws: int,
              rng: random.Random) -> list[tuple[str, int, list[float]]]:
    space, vectors = FeatureSpace.fit(papers)
    terms, term_vectors = TermSpace.fit([paper_text(p) for p in papers])
    rows = []
    for topic in topics:
        relevant_all = about(papers, TOPICS[topic])
        if len(relevant_all) < LIKED + K:
            continue
        cols: list[list[float]] = [[] for _ in range(9)]
        for _ in range(draws):
            liked = rng.sample(sorted(relevant_all), LIKED)
            liked_papers = [p for p in papers if p.id in liked]
            marked = set(liked)
            relevant = relevant_all - marked
            likes = [LikedPaper(ref=p.id, arxiv_id=p.id, title=p.title, abstract=p.abstract)
                     for p in liked_papers]
            kw = Profile(path=Path("bench.toml"), keywords=[topic])
            old_kw_likes = Profile(path=Path("bench.toml"), keywords=[topic], papers=likes)
            old_likes = Profile(path=Path("bench.toml"), papers=likes)
            figures = []
            for profile in (kw, old_kw_likes, old_likes):
                ranked, _ = rank_listing(papers, profile, space=terms, vectors=term_vectors)
                figures.append(precision([r.paper.id for r in ranked], relevant, marked))
            for profile in (kw, None):
                ranked = rank_with_marks(papers, liked_papers, profile=profile, space=space,
                                         vectors=vectors, **SETTINGS)
                figures.append(precision([r.paper.id for r in ranked], relevant, marked))
            figures.extend(simulated_reader(papers, space, vectors, liked_papers, relevant_all))
            svm = svm_ranker(vectors)
            ranked = svm(papers, liked_papers)
            figures.append(precision([r.paper.id for r in ranked], relevant, marked))
            figures.append(simulated_reader(papers, space, vectors, liked_papers, relevant_all,
                                            svm)[0])
            for col, value in zip(cols, figures, strict=True):
                col.append(value)
        rows.append((topic, len(relevant_all), [statistics.mean(c) for c in cols]))
    return rows


def show(name: str, n: int, rows: list[tuple[str, int, list[float]]], draws: int) -> None:
    print(f"\n{name}: {n} papers, {len(rows)} topics x {draws} draws of {LIKED} liked papers")
    heads = ["keywords", "kw+likes(old)", "likes(old)", "kw+likes", "likes only",
             "reader 4x10", "no feedback", "SVM likes", "SVM reader"]
    print(f"{'topic':30} {'about':>5} " + " ".join(f"{h:>13}" for h in heads))
    for topic, count, means in rows:
        print(f"{topic:30} {count:5d} " + " ".join(f"{m:13.3f}" for m in means))
    if rows:
        mean = [statistics.mean(r[2][i] for r in rows) for i in range(len(heads))]
        print(f"{'mean':30} {'':5} " + " ".join(f"{m:13.3f}" for m in mean))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--draws", type=int, default=3, help="random profiles per topic")
    parser.add_argument("--split", choices=("tuning", "held-out", "both"), default="held-out")
    parser.add_argument("--no-timing", action="store_true", help="skip the wall-time figures")
    parser.add_argument("--timing-only", action="store_true", help="only the wall-time figures")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each command")
    parser.add_argument("--c", type=float, help="tuning: the classifier's C")
    parser.add_argument("--keyword-weight", type=float, help="tuning: keyword blend weight")
    parser.add_argument("--negatives", type=int, help="tuning: unmarked negatives sampled")
    parser.add_argument("--dislike-weight", type=float, help="tuning: weight of a dislike")
    parser.add_argument("--centroid-weight", type=float, help="tuning: centroid blend")
    args = parser.parse_args()
    for key in ("c", "keyword_weight", "negatives", "dislike_weight", "centroid_weight"):
        if getattr(args, key) is not None:
            SETTINGS[key] = getattr(args, key)
    if SETTINGS:
        print(f"settings: {SETTINGS}")
    papers = read_file(need(args.data)).papers
    early = [p for p in papers if p.published and p.published < SPLIT_DAY]
    late = [p for p in papers if p.published and p.published >= SPLIT_DAY]
    names = list(TOPICS)
    started = time.perf_counter()
    if args.timing_only:
        timing(papers, args.data, args.runs)
        return
    if args.split in ("tuning", "both"):
        rows = run_split("tuning", early, names[0::2], args.draws, random.Random(2024))
        show("TUNING (even topics, papers before 2024-09-16)", len(early), rows, args.draws)
    if args.split in ("held-out", "both"):
        rows = run_split("held-out", late, names[1::2], args.draws, random.Random(2025))
        show("HELD-OUT (odd topics, papers from 2024-09-16)", len(late), rows, args.draws)
    print(f"\n{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.2f}")
    if not args.no_timing:
        timing(papers, args.data, args.runs)


# the corpus for the issue's figure (3,215 papers): the 2,202 Daily Papers and 1,013 real
# SciTLDR abstracts (OpenReview papers, no titles): its test split, its dev split, then the
# first 94 of its training split; made at run time in a temporary folder, never committed
SCITLDR = ("scitldr-dev.jsonl", "scitldr-a-dev.jsonl", "scitldr-a-train.jsonl")
ISSUE_SIZE = 3215
RUNS = 3


def build_corpus(path: Path, data: Path = DATA, size: int = ISSUE_SIZE) -> int:
    """Write the papers of `data` plus SciTLDR papers up to `size` papers to `path`
    (paperbrief's JSONL; a SciTLDR paper's id is 'scitldr-' + its OpenReview id); the number
    written."""
    lines = data.read_text(encoding="utf-8").splitlines()
    ids = {json.loads(line)["id"] for line in lines}
    for name in SCITLDR:
        for line in need(data.parent / name).read_text(encoding="utf-8").splitlines():
            if len(lines) >= size:
                break
            record = json.loads(line)
            paper_id = f"scitldr-{record['id']}"
            if paper_id in ids:
                continue
            ids.add(paper_id)
            lines.append(json.dumps({"id": paper_id, "title": record.get("title") or "",
                                     "abstract": record["abstract"]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def timing(papers: list[Paper], data: Path = DATA, runs: int = RUNS) -> None:
    """Wall time of one learned ranking in this process, and of the `paperbrief rank` command on
    2,202 and 3,215 papers: learned from 3 likes, from a keyword profile + 3 likes, and the
    profile ranking (before issue 25). Each run starts from a fresh store holding the 3 likes
    ('first': nothing analysed yet), then ranks again ('repeat': the cron / serve case). CPU is
    the command's user + system time: unlike wall time, it hardly moves with the machine's load."""
    import resource
    import subprocess
    import sys
    import tempfile

    data = need(data)
    started = time.perf_counter()
    rng = random.Random(7)
    likes = rng.sample(papers, 3)
    rank_with_marks(papers, likes, rng.sample(papers, 2))
    print(f"\nrank_with_marks on {len(papers)} papers (features, training, scores): "
          f"{time.perf_counter() - started:.2f} s")
    cli = [sys.executable, "-c", "import sys; from paperbrief.cli import main; sys.exit(main())"]

    def command(args: list[str], env: dict[str, str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*cli, *args], env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / f"papers-{ISSUE_SIZE}.jsonl"
        made = build_corpus(corpus, data)
        keyword = Path(tmp) / "keyword.toml"  # a profile with a keyword (likes come as marks)
        keyword.write_text('keywords = ["reinforcement learning"]\n')
        profile = Path(tmp) / "papers.toml"  # the 3 papers as a profile: the path before
        profile.write_text(f"papers = {json.dumps([p.id for p in likes])}\n")
        variants = {
            "learned from 3 likes": [],
            "learned, keyword profile + 3 likes": ["--interests", str(keyword)],
            "profile of 3 papers (before issue 25)": ["--interests", str(profile), "--reader",
                                                     "nobody"],
        }
        print(f"{'papers':>6}  {'`paperbrief rank`':38} {'run':6} {'wall best':>9} "
              f"{'median':>7} {'CPU best':>8} {'median':>7}")
        for listing, n in ((data, len(papers)), (corpus, made)):
            for name, extra in variants.items():
                walls: dict[str, list[float]] = {"first": [], "repeat": []}
                cpus: dict[str, list[float]] = {"first": [], "repeat": []}
                for run in range(runs):
                    env = dict(os.environ, PAPERBRIEF_DB=f"{tmp}/bench-{n}-{run}-{len(extra)}.db",
                               XDG_CONFIG_HOME=tmp)
                    env.pop("OPENAI_API_KEY", None)
                    env.pop("OPENAI_BASE_URL", None)
                    subprocess.run([*cli, "like", *(p.id for p in likes), "-i", str(listing)],
                                   env=env, check=True, stdout=subprocess.DEVNULL)
                    for which in ("first", "repeat"):
                        wall, cpu = command(["rank", "-i", str(listing), *extra], env)
                        walls[which].append(wall)
                        cpus[which].append(cpu)
                for which in ("first", "repeat"):
                    w, c = walls[which], cpus[which]
                    print(f"{n:6d}  {name:38} {which:6} {min(w):8.2f}s {statistics.median(w):6.2f}s"
                          f" {min(c):7.2f}s {statistics.median(c):6.2f}s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{runs} runs each")


if __name__ == "__main__":
    main()
