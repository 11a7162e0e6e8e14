"""The figures two papers report on one benchmark, for the offline comparison: a number counts
only when it is the paper's own absolute result on the whole benchmark, and two numbers are set
side by side only when they measure the same thing ('both report SWE-bench Lite: 27.3% vs
12.5%'); when unsure, none (accuracy first).

Hand rules over the abstract's own words: which number is whose, and whether it is a gain, a
ratio or a part of a benchmark, is said in the sentence's wording; no parser or library reads
that (a dependency parse does not say that '22.1% win rate improvements' is a gain, nor that
a 'null model' is not the paper's own). Tested on real abstracts
(tests/test_compare_content.py, tests/test_compare_round6_facts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from paperbrief.engines.offline.compare_text import tidy
from paperbrief.engines.offline.extract import clean
from paperbrief.engines.offline.standalone import part_of_name
from paperbrief.numbers import mentions
from paperbrief.text import sentences

# a benchmark's name: a capitalised token with a second capital or a digit ('HumanEval',
# 'GSM8K', 'SWE-bench', 'MMLU'), optionally followed by a capitalised qualifier ('Verified')
_NAME = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?: (?:Verified|Lite|Pro|"
                   r"Hard|Plus|Full|Live|Bench|Eval))?)(?![\w-])")  # fmt: skip
# names that are models, hardware or the field's acronyms, not benchmarks
_NOT_BENCHMARKS = re.compile(
    r"^(?:LLMs?|VLMs?|MLLMs?|LMMs?|SLMs?|AI|AGI|GPU|GPUs|TPU|CPU|NLP|RL|RLHF|DPO|PPO|GRPO|SFT|API|"
    r"APIs|CoT|SOTA|LoRA|RAG|MoE|KV|URL|HTML|JSON|SQL|CNN|RNN|ViT|VAE|GAN|MLP|"
    r"GPT|ChatGPT|Claude|Gemini|Llama|LLaMA|Qwen|Mistral|Mixtral|DeepSeek|Phi|Gemma|Codex|"
    r"BERT|RoBERTa|T5|CLIP|OpenAI|Google|Meta|Microsoft|Anthropic|GitHub|HuggingFace|"
    r"Transformer|Transformers)(?:[-\d.].*)?$"
)
_DELTA = re.compile(
    r"improv|gain|increas|boost|reduc|relative|faster|speed|slower|better|"
    r"outperform|surpass|higher|lower|drop|up to|\bby\s*$|\+\s*$",
    re.IGNORECASE,
)
_SCORE_WORDS = re.compile(r"accura|pass@|success|score|solv|resolv|win rate|exact match|f1|bleu"
                          r"|rouge|top-1", re.IGNORECASE)  # fmt: skip


@dataclass(frozen=True)
class Reported:
    """A number a paper reports on a named benchmark, with the clause it is in."""

    benchmark: str
    value: str
    scored: bool  # the clause names a score (accuracy, pass@1, resolve rate ...)
    per_cent: bool
    measure: str = ""  # the metric word next to the number ('accuracy', 'lc win rate', 'fid')
    subset: str = ""  # a part of the benchmark the number is on ('T2V', 'temporal reasoning')


def _benchmarks(text: str) -> set[str]:
    out = set()
    for m in _NAME.finditer(text):
        name = m.group(1).rstrip(".")
        inner = sum(c.isupper() for c in name[1:]) + sum(c.isdigit() for c in name)
        if len(name) >= 3 and inner >= 1 and not _NOT_BENCHMARKS.match(name):
            out.add(name)
    return out


# words after a number that make it a change or a ratio, not a result: '22.1% win rate
# improvements', '2.1 times', '5.3 absolute accuracy improvement', '3x speedup'
_DELTA_AFTER = re.compile(r"^\s*(?:[%x×]\s*)?(?:\S+\s+){0,3}?(?:improv|gain|increas|boost|"
                          r"reduc|speed|faster|slower|higher|lower|better|fewer|more\b|less\b|"
                          r"times\b|fold\b|drop|decreas|points?\b|pp\b|margin|relative|"
                          r"absolute)", re.IGNORECASE)  # fmt: skip
# whose number it is: a null, random, human, baseline or earlier model's figure is not the
# paper's own ('even a "null model" ... achieves an 86.5% LC win rate'), nor one after a
# comparison ('surpassing both ArenaHard's 0.91 and ...')
_NOT_OWN = re.compile(r"\b(?:null|random|chance|human|humans|baselines?|cheat\w*|constant|"
                      r"trivial|naive|oracle|prior|previous|existing|original|teacher|vanilla|"
                      r"base model|state-of-the-art models?|proprietary|competitors?|compared "
                      r"(?:to|with)|than|vs\.?|versus|even|outperform\w*|surpass\w*|exceed\w*|"
                      r"beat|beats|beating)\b", re.IGNORECASE)  # fmt: skip
# a part of a benchmark: 'on the Temporal Reasoning task of Video-MME', 'VBench I2V task'
_PART = re.compile(r"\b(?:task|tasks|subtask|subset|split|category|categories|track|level|"
                   r"domain|dimension|portion|part|subcategory|setting)\b",
                   re.IGNORECASE)  # fmt: skip
# the measure a number is in; the longest first ('LC win rate' before 'win rate')
_MEASURES = (
    r"lc win rate|length-controlled win rate|win rate|total score|exact match|pass@\d+|"
    r"success rate|resolve rate|top-1 accuracy|accuracy|f1|bleu|rouge-?\w*|fid|fvd|"
    r"psnr|ssim|lpips|clip score|miou|map|auc|wer|cer|perplexity|elo|score"
)
_MEASURE = re.compile(r"(?<![\w-])(?:" + _MEASURES + r")(?![\w-])", re.IGNORECASE)
# metrics that are measured on a dataset: a figure is comparable only on the same dataset
_METRICS = re.compile(r"^(?:FID|FVD|KID|IS|PSNR|SSIM|LPIPS|BLEU|ROUGE[-\w]*|mAP|mIoU|AUC|WER|"
                      r"CER|CLIP|CLIPScore|PPL|BPP|MSE|MAE|RMSE|EM|F1)$")  # fmt: skip


def _measure(sentence: str, start: int, end: int) -> str:
    """The metric word nearest the number in its clause ('an 86.5% LC win rate', 'FID of
    0.032', 'a Total score of 85.13'), lower-cased; '' when the clause names none."""
    lo = max(sentence.rfind(c, 0, start) for c in ",;:(") + 1
    his = [i for i in (sentence.find(c, end) for c in ",;:)") if i >= 0]
    hi = min(his, default=len(sentence))
    near = [
        (min(abs(m.start() - end), abs(start - m.end())), m.group(0).lower())
        for m in _MEASURE.finditer(sentence, max(lo, start - 40), min(hi, end + 40))
    ]
    return min(near)[1].replace("length-controlled", "lc") if near else ""


def _subset(sentence: str, at: int, benchmark: str, start: int, end: int) -> str | None:
    """The part of the benchmark the number is on: '' for the whole, a qualifier for a part
    ('VBench T2V': 'T2V'), None when the number is on a part named in words ('on the Temporal
    Reasoning task of Video-MME': no two papers are known to mean the same one)."""
    gap = sentence[min(end, at) : max(start, at)]
    if _PART.search(gap) or _PART.match(sentence, at + len(benchmark) + 1):
        return None
    # '55.43% mIoU on base categories': the number's own words name a part
    if re.match(r"\s*%?\s*(?:\S+\s+){0,2}?(?:on|in|for)\s+(?:the\s+)?(?:\S+\s+){0,2}?"
                + _PART.pattern, sentence[end:], re.IGNORECASE):  # fmt: skip
        return None
    after = re.match(r" ([A-Z0-9][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*)\b(?!\.\d)",
                     sentence[at + len(benchmark) :])  # fmt: skip
    if after and not re.fullmatch(r"\d+(?:\.\d+)?", after.group(1)):
        return after.group(1)
    return ""


def _own(sentence: str, start: int, end: int) -> bool:
    """True when the number reads as the paper's own absolute result: not a change or a ratio
    ('by 22.1%', '2.1 times', '3x speedup', 'from 2.11'), not a null model's, a baseline's or
    a human's, not a figure set in parentheses after a comparison ('outperforming T2M-GPT (FID
    = 0.116)'). Unsure is not its own."""
    before, after = sentence[max(0, start - 60) : start], sentence[end : end + 40]
    if _DELTA.search(before[-45:]) or _DELTA_AFTER.match(after):
        return False
    if re.search(r"(?:[x×]|\btimes)$", sentence[start:end].strip()) or re.search(
            r"\b(?:by|of|to|from)\s+(?:about|around|nearly|over|up to|roughly|approximately|"
            r"almost|only|just)?\s*$", before, re.IGNORECASE) and not re.search(
            r"\b(?:score|rate|accuracy|fid|fvd|\w+@\d)\w*\s+of\s+\S*\s*$", before,
            re.IGNORECASE):  # fmt: skip
        return False  # 'by about 2.1 times', 'from 7.85 to 5.38': 'a Total score of 85.13' is
    head = sentence[:start]
    if _NOT_OWN.search(head) or re.search(r"\w's\s*$", head):  # "ArenaHard's 0.91"
        return False  # the sentence's subject or frame is someone else's or a comparison
    return not ("(" in head[-30:] and ")" not in head[head.rfind("(") :])


def _on_other(after: str, benchmark: str) -> bool:
    """True when the words after a number say it is on another benchmark ('1.48 on ImageNet')."""
    m = re.match(r"\s*%?\s+(?:on|for|in)\s+(?:the\s+)?(\S+(?:\s\S+)?)", after)
    return bool(m and _benchmarks(m.group(1)) - {benchmark})


def _dataset(sentence: str, metric: str, start: int, end: int) -> str:
    """The dataset a metric's figure is on: the name right after it ('FID of 0.032 on
    HumanML3D and 0.169 on KIT-ML': HumanML3D) or the one the sentence opens on ('On the
    HumanML3D test set, Mogo achieves a FID score of 0.079'); '' when neither."""
    # '2.18 FID on ImageNet': the metric's own name may stand between; a resolution after the
    # name is part of the dataset ('ImageNet 256x256' is not 'ImageNet 512x512')
    size = r"(?:\s+(\d+\s*[x×]\s*\d+))?"
    after = re.match(r"\s+(?:" + re.escape(metric) + r"\s+)?(?:on|for)\s+(?:the\s+)?(\S+)" + size,
                     sentence[end:])  # fmt: skip
    opening = re.match(r"\W*(?:on|for)\s+(?:the\s+)?(\S+)" + size, sentence, re.IGNORECASE)
    for m in (after, opening if opening and opening.end() < start else None):
        if m and (found := _benchmarks(m.group(1)) - {metric}):
            return " ".join([min(found, key=len)] + ([m.group(2)] if m.group(2) else []))
    return ""


def reported(abstract: str, benchmark: str) -> Reported | None:
    """The number the abstract puts next to `benchmark` (in the same clause, the nearest one
    with a unit or a decimal) when it is the paper's own absolute result on the whole
    benchmark (`_own`, `_subset`), or None."""
    for raw in sentences(abstract):
        sentence = tidy(clean(raw))
        # the name as a whole word: 'AVSS' is not in 'OV-AVSS'
        named = re.search(r"(?<![\w-])" + re.escape(benchmark) + r"(?![\w-])", sentence)
        if not named:
            continue
        at = named.start()
        best: tuple[int, str, bool, int, int] | None = None
        for start, end, n in mentions(sentence):
            value = sentence[start:end].strip()
            if not (n.unit or "." in n.text) or part_of_name(sentence, start, end):
                continue
            gap = sentence[min(end, at) : max(start, at + len(benchmark))]
            if len(gap) > 60 or re.search(r"[;]|\bwhile\b|\bwhereas\b", gap):
                continue
            # another benchmark between the number and this one: the number is that one's
            if _benchmarks(gap) - {benchmark}:
                continue
            if end <= at and re.fullmatch(r"\s+(?:on|for|in)\s+(?:the\s+)?", gap):
                gap = ""  # '2.06 on CIFAR-10': the number is this benchmark's
            elif (
                start >= at
                and not _METRICS.match(benchmark)
                and _on_other(sentence[end:], benchmark)
            ):
                continue  # 'FID scores of 2.06 on CIFAR-10, 1.48 on ImageNet': ImageNet's
            distance = len(gap)
            if best is None or distance < best[0]:
                best = (distance, value, n.unit == "%", start, end)
        if best is None:
            continue
        _, value, per_cent, start, end = best
        subset = _subset(sentence, at, benchmark, start, end)
        if subset is None or not _own(sentence, start, end):
            return None  # the nearest figure is a gain, someone else's, or on a part: unsure
        lo, hi = max(0, at - 80), at + len(benchmark) + 80
        measure = _measure(sentence, start, end)
        if _METRICS.match(benchmark):
            measure = benchmark.lower()
            # a metric is measured on a dataset: 'FID of 0.032 on HumanML3D'
            subset = _dataset(sentence, benchmark, start, end)
            if not subset:
                return None  # on no dataset named near it: which is unsure
        return Reported(benchmark, value, bool(_SCORE_WORDS.search(sentence[lo:hi])),
                        per_cent, measure, subset)  # fmt: skip
    return None


def comparable(ra: Reported, rb: Reported) -> bool:
    """True when the two figures measure the same thing: the same part of the benchmark (a
    metric on the same dataset), and both per cent scores of no differing metric, or both
    the same metric word."""
    if ra.subset != rb.subset or ra.per_cent != rb.per_cent:
        return False
    if ra.per_cent:
        return not (ra.measure and rb.measure and ra.measure != rb.measure)
    return bool(ra.measure) and ra.measure == rb.measure


def shared_results(a_abstract: str, b_abstract: str) -> list[tuple[Reported, Reported]]:
    """Benchmarks both abstracts report a comparable number on, with the two numbers (at most
    two); when unsure, none."""
    names = sorted(_benchmarks(tidy(a_abstract)) & _benchmarks(tidy(b_abstract)),
                   key=lambda n: (-len(n), n))  # fmt: skip
    out: list[tuple[Reported, Reported]] = []
    for name in names:
        if any(name in done[0].benchmark for done in out):
            continue  # 'SWE-bench' inside 'SWE-bench Verified', already given
        ra, rb = reported(a_abstract, name), reported(b_abstract, name)
        if ra and rb and comparable(ra, rb):
            if _METRICS.match(name):  # 'FID on HumanML3D'
                ra = replace(ra, benchmark=f"{name} on {ra.subset}")
                rb = replace(rb, benchmark=f"{name} on {rb.subset}")
            out.append((ra, rb))
    return out[:2]
