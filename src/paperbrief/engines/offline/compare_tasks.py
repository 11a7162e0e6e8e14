"""The task a paper's title says it is for, for the offline comparison's "when to prefer" lines.

Round 25's fresh readers asked, in 11 of 30 pairs, for a prefer line where the two papers serve
different tasks ("no prefer-lines despite the clear split of target tasks": multi-view video
generation against fine-grained motion control, humanoid manipulation against autonomous
driving, interleaved comprehension against judging interleaved generation). Most titles name
their task: the object of 'for' ('... for End-to-End Autonomous Driving'), else the title's own
head when it is a task ('Controllable Image Animation via ...'). A task is a noun phrase that
ends on a word of doing ('-ing', '-tion', '-sis', ...) or names a benchmark or dataset.

Hand rules over the title's words: no library parses a title's task (a noun-chunker would need a
parser model, which the offline engine does not ship), and a title is short and regular enough
that the few patterns below read most of them; when unsure, no task is read. The line is said
only when the task sets the paper apart: a word of it the other paper never writes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperbrief.text import content_tokens, stem

# 'Cavia: Camera-controllable ...', 'GRS-QA -- Graph ...': the head before a colon or dash is
# the paper's name or slogan
_HEAD = re.compile(r"^\s*[^:]{1,80}?\s*(?::|\s--?\s|\s–\s|\s—\s)\s*(.+)$")
# the last word of a task: a word of doing, or one the suffixes miss
_TASK_END = re.compile(r"(?:ing|tion|sion|sis|ment)$|^(?:control|search|discovery|design|QA|VQA"
                       r"|retrieval|animation|tracking)$", re.IGNORECASE)  # fmt: skip
# what the paper builds when that is the point ('Comprehensive Arabic LMM Benchmark')
_ARTIFACT_END = re.compile(r"^(?:benchmark|dataset|corpus|suite|toolkit|metric)$", re.IGNORECASE)
# the means after the task ('... Generation with Autoregressive Transformers', '... via ...')
_MEANS = re.compile(r"\s+(?:with|via|using|through|by|from|without|based on|under|at|on|beyond)"
                    r"\s+.*$", re.IGNORECASE)  # fmt: skip
# words before the task that say what the paper does to it, not the task ('Enhancing
# Text-to-Audio Generation', 'Towards Multi-Granularity Visual Instruction Tuning')
_LEAD = re.compile(r"^(?:(?:enhancing|improving|boosting|advancing|scaling|unlocking|rethinking"
                   r"|revisiting|exploring|learning|benchmarking|evaluating|analy[sz]ing|towards?|better"
                   r"|efficient|effective|improved|enhanced|unified|and)\s+)+",
                   re.IGNORECASE)  # fmt: skip
# a question, a clause or a claim is no task ('Self-Training Enables Video Instruction Tuning',
# 'Scrutinizing LMMs over Dense Temporal Reasoning')
_CLAUSE = re.compile(r"(?i)^(?:a|an|the|how|what|when|why|can|do|does|is|are|our|your|its|their)\b"
                     r"|\b(?:enables?|enabling|improves?|makes?|is|are|can|helps?|meets?|beats?|over"
                     r"|matters?|focusing|assist)\b")  # fmt: skip
# last words that end like a task and name a thing ('Discrete Tokens to Continuous Motion',
# 'Create Anything') or a task too broad to set a paper apart ('for Comprehension and Generation')
_THING = re.compile(r"(?i)^(?:\w*thing|motion|emotion|attention|position|representations?"
                    r"|questions?|information|functions?|conditions?|distributions?)$")
_BROAD = frozenset("comprehension generation understanding reasoning learning modeling modelling"
                   " training inference evaluation enhancement and".split())
MIN_WORDS, MAX_WORDS = 2, 7


def _task(phrase: str) -> str:
    phrase = _LEAD.sub("", _MEANS.sub("", phrase).strip(" .?!,;"))
    words = phrase.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or _CLAUSE.search(phrase) or _THING.match(
            words[-1]) or all(w.lower() in _BROAD for w in words):  # fmt: skip
        return ""
    if re.search(r"[^s]s$", words[-2]) and words[-1].lower().endswith("ing"):
        return ""  # a plural and a participle are a clause ('Reasoning Agents Collaborating')
    if _ARTIFACT_END.match(words[-1]):
        return "a " + phrase
    return phrase if _TASK_END.search(words[-1]) else ""


def _lower(phrase: str, abstract: str) -> str:
    """A title's Title Case said in running text: 'Fine-grained Video Motion Control' is
    'fine-grained video motion control'; an acronym ('LiDAR', 'GUI', '3D') stays, and so does a
    word the abstract writes capitalised inside a sentence and never in lower case ('Gaussian
    splatting', 'Arabic')."""
    def part(p: str) -> str:
        low = p.lower()
        if not (p[:1].isupper() and p[1:].islower()):
            return p
        named = re.search(rf"[\w,]\s+{re.escape(p)}\b", abstract)
        return p if named and not re.search(rf"\b{re.escape(low)}\b", abstract) else low

    return " ".join("-".join(part(p) for p in w.split("-")) for w in phrase.split(" "))


@lru_cache(maxsize=4096)
def title_task(title: str, abstract: str = "") -> str:
    """The task the title names, in running text ('end-to-end autonomous driving'), else ''.
    The title's head is read only when it has no 'for'/'in' object at all: beside one that is
    no task, the head is the method ('Zebra: In-Context and Generative Pretraining for Solving
    Parametric PDEs'). The abstract tells which of its words are names ('Gaussian')."""
    head = _HEAD.match(title)
    part = head.group(1) if head else title
    found = re.search(r"\b(?:for|in|towards?)\s+(.+)", part, re.IGNORECASE)
    task = _task(found.group(1)) if found else _task(part)
    return _lower(task, abstract)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_tokens(text.replace("-", " "))}


def _apart(task: str, theirs: str) -> bool:
    """Two tasks that differ: their last words differ ('multi-view video diffusion' against
    'fine-grained video motion control') and they share under half the shorter one's words
    (round 26's paired readers: 'auto-regressive text-to-image generation' against
    'autoregressive image generation' is one task). Asked both ways (task_reasons): the
    hyphen merge reads the first task's words only."""
    mine, other = _stems(task), _stems(theirs)
    if stem(task.split()[-1].lower()) == stem(theirs.split()[-1].lower()):
        return False
    squashed = {w.replace("-", "") for w in task.lower().split()}
    if {w.replace("-", "") for w in theirs.lower().split()} & squashed - {"and"}:
        mine |= {stem(w) for w in squashed}
    return len(mine & other) * 2 < min(len(mine), len(other))


def task_reasons(a: tuple[str, str], b: tuple[str, str],
                 labels: tuple[str, str]) -> tuple[str, str]:  # fmt: skip
    """The two papers' task lines, 'for <task> (<other label> is for <its task>)', when both
    titles name a task and the two differ: apart both ways (_apart), each with a word the other
    paper (title and abstract) never writes, neither the paper's label reworded, and neither
    title naming the other's last word outside its own task. Else ('', ''): both or neither,
    since round 26's paired readers found a line on one side only ('for web navigation, the
    task its title names') a title echo, and misleading where the other paper works on the same
    task in other words; the two-sided contrast they kept. `a` and `b` are (title, abstract);
    `labels` the two papers' labels."""
    none = ("", "")
    task_a, task_b = title_task(*a), title_task(*b)
    if not task_a or not task_b or not (_apart(task_a, task_b) and _apart(task_b, task_a)):
        return none
    # one task in other words: the other's last word in the rest of this paper's title ('EVER:
    # Exact Volumetric Ellipsoid Rendering for Real-time View Synthesis' against 3D Convex
    # Splatting's 'Radiance Field Rendering'; SemanticSDS's 'Score Distillation Sampling'
    # against DreamPolish's 'Domain Score Distillation': round 26's readers)
    for said, (title, _), own in ((task_a, b, task_b), (task_b, a, task_a)):
        rest = title.lower().replace(own.lower(), " ")
        if said.split()[-1].lower() in re.split(r"[\s:,]+", rest):
            return none
    for said, text, name in ((task_a, b, labels[0]), (task_b, a, labels[1])):
        if not _stems(said) - _stems(f"{text[0]} {text[1]}") or _stems(said) <= _stems(name):
            return none
    return (f"for {task_a} ({labels[1]} is for {task_b})",
            f"for {task_b} ({labels[0]} is for {task_a})")  # fmt: skip
