"""Pairwise comparison for the offline engine, built from the two papers' extracted structure."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from paperbrief.engines.offline_extract import clean, strip_lead_in
from paperbrief.engines.offline_facts import Roles, fit, roles
from paperbrief.engines.offline_facts import contribution_type as classify
from paperbrief.models import LINE_MAX_CHARS, MAX_DIFFERENCES, ComparisonDraft, Difference, Paper
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.text import STOPWORDS, sentences, squash

_READ_FOR = {
    "method": "a technique to apply", "benchmark": "a way to evaluate models",
    "dataset": "data to train or test on", "system": "a system to build on or deploy",
    "analysis": "evidence about how existing approaches behave",
    "survey": "an overview of the literature", "position": "an argument about the field",
    "other": "its particular angle",
}  # fmt: skip
# What a paper of each kind does to a subject, when no sentence of its own says it well.
_KIND_DOES = {
    "method": "proposes a method for", "benchmark": "builds a benchmark for",
    "dataset": "releases a dataset for", "system": "builds a system for",
    "analysis": "studies", "survey": "surveys", "position": "takes a position on",
    "other": "looks at",
}  # fmt: skip
_BOTH_ARE = {
    "method": "both propose methods", "benchmark": "both build benchmarks",
    "dataset": "both release datasets", "system": "both build systems",
    "analysis": "both are analyses", "survey": "both are surveys",
    "position": "both are position papers",
}  # fmt: skip

# Words that say nothing about a subject on their own: never a focus or topic term by themselves,
# never the first or last word of a phrase.
VAGUE = frozenset(
    """vs average comparable find finds found finding results including include includes
    enable enables enabling allow allows allowing designed design effectiveness effective
    efficient efficiently improve improves improved improving improvement improvements require
    requires required requiring challenging challenge challenges high higher highest low lower
    large larger small smaller best better consistent consistently compared compare comparing
    make making key main strong stronger diverse wide range set sets way ways time state art
    level levels generated generate generates generating leading lead leads increasing increased
    substantial extensive experiments experiment experimental evaluate evaluated evaluates
    evaluating outperform outperforms outperforming surpass surpasses surpassing remains remain
    critical crucial important novel simple standard general specific common current future
    prior previous traditional modern popular widely widespread growing increasingly relative
    respectively approximately nearly roughly up despite due overall end-to-end real-world
    large-scale state-of-the-art fine-grained high-quality well-known cutting-edge
    yields yield yielding obtain obtains obtained reach reaches reaching deliver delivers
    delivering achieved achieve achieves showing shows reveal reveals demonstrating
    like making makes made called named ability abilities capability capabilities similar
    faster slower different gap gaps emerging shared identify train trained learn empower
    empowers boost boosting enhance enhances enhancing towards toward""".split()
)
# Nouns every paper in the field uses: fine inside a phrase, too broad to be a topic alone.
GENERIC_NOUNS = frozenset(
    """model models llm llms lm lms language languages task tasks data performance framework
    frameworks system systems problem problems solution solutions approach technique techniques
    benchmark benchmarks dataset datasets code codes agent agents accuracy quality
    work works paper papers research field area areas domain domains application applications
    process method methods tool tools setting settings number numbers scale size sizes
    analysis study studies training inference evaluation evaluations""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_LLM = re.compile(r"\b[Ll]arge [Ll]anguage [Mm]odels?\b")
# -ing words that name a subject ("parallel reasoning"), unlike verbs ("fusing", "favoring").
ING_NOUNS = frozenset(
    """reasoning programming learning training scheduling checkpointing computing processing
    encoding decoding modeling modelling planning engineering testing debugging coding
    fine-tuning pretraining pre-training post-training sampling parsing mining
    understanding networking rendering matching ranking routing caching streaming threading
    tracking triggering indexing prompting thinking writing reading embedding serving tuning
    hashing scaling forecasting labeling labelling clustering pruning compiling profiling
    solving differencing merging thinking""".split()
)
_BREAK = re.compile(r"[,;:.!?()\[\]\"“”{}]|\s[-–—]+\s|\d")
_SUBJECT = re.compile(
    r"(?:^|,\s+)(?:(?:in|with) (?:this|the present|our) (?:paper|work|study|article|report),? )?"
    r"(?:we|this (?:paper|work|study|article|report|survey)|our (?:paper|work|study))\s+"
    r"(?:also |further |first |then |here |therefore |thus |rather |instead )?"
    r"(?:(?:address|tackle|fill|bridge|close)\w* (?:this|these|that|the|such) (?:[\w-]+ ){0,3}?"
    r"by )?(?P<verb>[a-z]+)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_VERBS = """propose present introduce develop design build construct create study investigate
    analyze analyse examine explore evaluate describe release curate collect offer conduct review
    survey argue train leverage formulate derive provide contribute establish extend revisit
    benchmark characterize characterise outline summarize summarise discuss assess apply use
    run perform implement combine identify employ""".split()
_ALTERNATIVE = {
    "proposes": "puts forward", "introduces": "presents", "presents": "introduces",
    "develops": "builds", "builds": "develops", "studies": "examines", "examines": "studies",
    "investigates": "examines", "surveys": "reviews", "reviews": "surveys",
    "evaluates": "assesses", "explores": "examines", "constructs": "builds",
    "creates": "builds", "designs": "builds", "offers": "provides", "provides": "offers",
    "argues": "contends", "analyzes": "examines", "analyses": "examines",
}  # fmt: skip
_DEICTIC = re.compile(r"^(?:this|these|that|those|such|it|them|its|their|both)\b", re.I)
_CUT_TITLE = re.compile(r"\s(?:for|via|with|through|using|by|in|on|to|from|towards?)\s", re.I)
_HEAD_SPLIT = re.compile(r":|\s[-–—]{1,2}\s")
_LATEX_PERCENT = re.compile(r"(\d)\s?\\%")
_EMPTY_RESULT = "No result stated in the abstract."


def tidy(text: str) -> str:
    """Text without LaTeX escapes: '70\\%' reads '70 per cent' (grounded as the number 70)."""
    text = _LATEX_PERCENT.sub(r"\1 per cent", text)
    text = text.replace("\\", "")
    return squash(text)


def balanced(text: str) -> str:
    """`text` with its brackets removed if they do not pair up."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0:
        return text
    return squash(re.sub(r"\s*[()]\s*", " ", text)).replace(" ,", ",")


# --- phrases -------------------------------------------------------------------------------


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _chunks(text: str) -> list[list[str]]:
    """Runs of content words between punctuation, numbers and stopwords, as written."""
    out: list[list[str]] = []
    for part in _BREAK.split(_LLM.sub("LLMs", tidy(text))):
        run: list[str] = []
        for word in _WORD.findall(part):
            if word.lower() in STOPWORDS or len(word) < 2:
                if run:
                    out.append(run)
                run = []
            else:
                run.append(word)
        if run:
            out.append(run)
    return out


@dataclass
class Phrases:
    """The candidate phrases (1-3 content words) of one paper, counted, with a surface form."""

    counts: Counter[tuple[str, ...]]
    surface: dict[tuple[str, ...], str]
    in_title: set[tuple[str, ...]]

    def text(self, key: tuple[str, ...]) -> str:
        return self.surface.get(key, " ".join(key))


_TOO_BROAD = {("natural", "language"), ("language", "model"), ("programming", "language")}


def _verbish(word: str) -> bool:
    return word.endswith("ing") and word not in ING_NOUNS


def _acceptable(key: tuple[str, ...]) -> bool:
    if key[0] in VAGUE or key[-1] in VAGUE or _verbish(key[0]) or key in _TOO_BROAD:
        return False
    if len(key) > 1 and _adjective(key[-1]):
        return False
    if any(word in VAGUE for word in key) and len(key) == 2:
        return False
    return not all(word in GENERIC_NOUNS for word in key)


def phrases(title: str, abstract: str) -> Phrases:
    """Count the acceptable 1-3 word phrases of a paper's abstract and title."""
    counts: Counter[tuple[str, ...]] = Counter()
    in_title: set[tuple[str, ...]] = set()
    proper = _proper_nouns(abstract)
    surface: dict[tuple[str, ...], str] = {}
    for source, text in (("abstract", abstract), ("title", title)):
        for sentence in sentences(clean(text)) if source == "abstract" else [clean(text)]:
            for run in _chunks(sentence):
                for n in (1, 2, 3):
                    for i in range(len(run) - n + 1):
                        words = run[i : i + n]
                        key = tuple(_singular(w.lower()) for w in words)
                        if not _acceptable(key):
                            continue
                        if source == "title":
                            in_title.add(key)
                            counts[key] += 0  # present, even if only in the title
                        else:
                            counts[key] += 1
                        surface.setdefault(key, _cased(words, proper))
    return Phrases(counts, surface, in_title)


def _proper_nouns(abstract: str) -> set[str]:
    """Title-case words the abstract never writes in lower case, met mid-sentence between
    lower-case words ('the Linux kernel'): proper nouns that keep their capital."""
    text = tidy(clean(abstract))
    words = text.split()
    lower = {w.lower() for w in _WORD.findall(text) if w[:1].islower()}
    out = set()
    for i in range(1, len(words) - 1):
        word = words[i].strip(",.;:")
        prev, nxt = words[i - 1], words[i + 1]
        if (
            re.fullmatch(r"[A-Z][a-z0-9]+", word)
            and prev.islower()
            and prev[-1:].isalpha()
            and (nxt[:1].islower() or words[i][-1] in ",.;:")
            and word.lower() not in lower
        ):
            out.add(word)
    return out


def _cased(words: list[str], proper: set[str]) -> str:
    """Title-case words lowered ('Parallel' -> 'parallel'); acronyms, CamelCase, names kept."""
    return " ".join(
        w.lower() if w[:1].isupper() and w[1:] == w[1:].lower() and w not in proper else w
        for w in words
    )


def _score(p: Phrases, key: tuple[str, ...]) -> float:
    weight = 0.5 if len(key) == 1 else 1 + 0.6 * (len(key) - 1)
    return (p.counts[key] + 2 * (key in p.in_title)) * weight


def _overlaps(key: tuple[str, ...], chosen: list[tuple[str, ...]]) -> bool:
    return any(set(key) & set(other) for other in chosen)


_ADJECTIVES = frozenset(
    """parallel neural concurrent multiple single open human automatic automated unified
    functional computational empirical practical structural optimal natural several global local
    temporal spatial external internal additional original potential total central general
    critical formal logical asynchronous synchronous""".split()
)


def _adjective(word: str) -> bool:
    return word in _ADJECTIVES or word.endswith(
        ("ic", "ive", "ous", "able", "ible", "ful", "less", "ed", "ify")
    )


def _pick(
    keys: list[tuple[str, ...]], score: Callable[[tuple[str, ...]], float],
    count: Callable[[tuple[str, ...]], int], limit: int,
) -> list[tuple[str, ...]]:  # fmt: skip
    """Best-scored keys, none repeating a word of another; a key gives way to a longer one
    that accounts for at least half its uses ('parallel reasoning' -> 'adaptive ...')."""
    ranked = sorted(keys, key=lambda k: (-score(k), k))
    chosen: list[tuple[str, ...]] = []
    for key in ranked:
        longer = [k for k in keys if len(k) == len(key) + 1 and key in (k[1:], k[:-1])]
        longer = [k for k in longer if 2 * count(k) >= count(key)]
        key = max(longer, key=lambda k: (count(k), k), default=key)
        if len(chosen) < limit and not _overlaps(key, chosen):
            chosen.append(key)
    return chosen


def shared_phrases(pa: Phrases, pb: Phrases, limit: int = 3) -> list[str]:
    """The phrases both papers use, several-word phrases first, none repeating another's words."""

    def fits(key: tuple[str, ...]) -> bool:
        if key not in pb.counts:
            return False
        total = (
            pa.counts[key] + pb.counts[key] + 2 * (key in pa.in_title) + 2 * (key in pb.in_title)
        )
        if len(key) > 1:
            return total >= 2
        word = key[0]
        in_title = key in pa.in_title or key in pb.in_title
        return (
            min(pa.counts[key], pb.counts[key]) >= (2 if in_title else 3)
            and word not in GENERIC_NOUNS
            and not _adjective(word)
        )

    chosen = _pick([k for k in pa.counts if fits(k)], lambda k: _score(pa, k) + _score(pb, k),
                   lambda k: pa.counts[k] + pb.counts[k], limit)  # fmt: skip
    return [pa.text(k) for k in chosen]


def own_phrases(mine: Phrases, other: Phrases, exclude: set[str], limit: int = 3) -> list[str]:
    """Phrases one paper stresses and the other never uses, its own name and the topic left out."""
    banned = {_singular(w.lower()) for text in exclude for w in _WORD.findall(text)}

    def fits(key: tuple[str, ...]) -> bool:
        if key in other.counts or set(key) & banned:
            return False
        if len(key) > 1:
            return mine.counts[key] >= 2 or key in mine.in_title
        word = key[0]
        return (
            key in mine.in_title
            and mine.counts[key] >= 2
            and word not in GENERIC_NOUNS
            and not _adjective(word)
        )

    chosen = _pick(
        [k for k in mine.counts if fits(k)],
        lambda k: _score(mine, k),
        lambda k: mine.counts[k],
        limit,
    )
    return [mine.text(k) for k in chosen]


# --- names ---------------------------------------------------------------------------------

_INTRO_VERB = (r"(?:propose|present|introduce|develop|design|build|release|call|name|dub|term"
               r"|curate|construct|create)\w*")  # fmt: skip
_INTRODUCED = re.compile(
    r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?" + _INTRO_VERB + r"\s+"
    r"(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,5}?(?:called|named|dubbed|termed)\s+)?"
    r"([A-Z][\w.+-]*[A-Za-z0-9])(?!\s+[A-Z])"
)
_ACRONYM = re.compile(r"((?:[A-Z][\w-]*\s+){1,6})\(([A-Z][A-Za-z0-9-]{1,11})\)")
_NAME_LIKE = re.compile(r"^[A-Z].*(?:[A-Z0-9]|\.[a-z]+$)")


def _squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _initials(words: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s-]+", words.strip()) if part).upper()


def named(paper: Paper) -> str | None:
    """The name the paper gives its own artifact ('LLMCompiler', 'APR'), if the title uses it."""
    title = _squeeze(paper.title)
    abstract = squash(paper.abstract)
    for m in _INTRODUCED.finditer(abstract):
        name = m.group(1)
        if _NAME_LIKE.match(name) and len(name) > 2 and _squeeze(name) in title:
            return name
    for sentence in sentences(abstract):
        if not re.search(r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?" + _INTRO_VERB,
                         sentence, re.I):  # fmt: skip
            continue
        for m in _ACRONYM.finditer(sentence):
            expansion, acronym = m.group(1), m.group(2)
            capitals = "".join(c for c in acronym if c.isupper())
            if len(capitals) < 3 or abstract.count(acronym) < 2:
                continue
            if _initials(expansion).endswith(capitals):
                words = expansion.split()[-len(capitals) :]
                if _squeeze(" ".join(words)) in title:
                    return acronym
    return None


def _trim(words: list[str]) -> list[str]:
    while len(words) > 1 and words[-1].lower().strip(",;:") in STOPWORDS:
        words = words[:-1]
    return words


def short_name(paper: Paper, grounding: str) -> str | None:
    """What a reader would call the paper: the title's head before a colon, the name it gives
    its own artifact, or a short cut of the title; None if none is short and grounded."""
    title = squash(paper.title)
    candidates: list[str] = []
    head = _HEAD_SPLIT.split(title, maxsplit=1)[0].strip()
    if head != title and 1 <= len(head.split()) <= 5:
        candidates.append(head)
    name = named(paper)
    if name:
        candidates.append(name)
    if len(title.split()) <= 6:
        candidates.append(title)
    cuts = [head[: m.start()] for m in _CUT_TITLE.finditer(head)]
    candidates += [cut for cut in cuts if 2 <= len(cut.split()) <= 6][:1]
    candidates.append(" ".join(_trim(title.split()[:5])))
    for candidate in candidates:
        candidate = candidate.strip(" ,;:-")
        if candidate and not ungrounded(candidate, grounding):
            return candidate
    return None


# --- what each paper does ------------------------------------------------------------------

_CLAIMS = frozenset(
    """show find found demonstrate observe hypothesize believe note report achieve obtain
    can could will would may might should must have has had are is were was do did need
    also further then first here thus therefore""".split()
)
_STRONG_BREAK = re.compile(r",\s|;\s|\s(?:that|which|while|whereas|by|through|to)\s|\s--?\s|—")
_NAMED_LEAD = re.compile(
    r"^(?:our|the) (?:system|method|approach|framework|model|tool|library|benchmark|dataset"
    r"|technique|algorithm|agent|platform),? (?:named|called|dubbed|termed) ([^,]+), ",
    re.IGNORECASE,
)


def third_person(verb: str, after_we: bool = True) -> str | None:
    """The third-person form of the verb after 'we' ('propose' -> 'proposes'), or None for a
    modal, a claim verb or a word that is not a plain verb."""
    word = verb.lower()
    if word in _CLAIMS or not word.isalpha() or len(word) < 3:
        return None
    if not after_we:  # "this paper proposes": already third person
        singular = word[:-2] if word.endswith("es") else word[:-1]
        if word.endswith("s") and (singular in _CLAIMS or word[:-1] in _CLAIMS):
            return None
        return word if word.endswith("s") else None
    if word.endswith("ing"):
        for base in _VERBS:
            stem = base[:-1] if base.endswith("e") else base
            if word == stem + "ing":
                word = base
                break
        else:
            return None
    if word.endswith(("ed", "es")) and word[:-1] in _VERBS:
        word = word[:-1]
    if word.endswith("ed") and word[:-2] in _VERBS:
        word = word[:-2]
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    return word + "s"


def _shorten(text: str, words: int) -> str:
    """`text` cut to at most `words` words at a strong clause break where there is one."""
    for m in re.finditer(r",?\s+and\s+(\w+)\s", text):
        if m.group(1).lower() in _VERBS or m.group(1).lower().rstrip("s") in _VERBS:
            text = text[: m.start()]
            break
    if len(text.split()) <= words:
        return text.rstrip(" ,;:.-")
    best = None
    for m in _STRONG_BREAK.finditer(text):
        if len(text[: m.start()].split()) > words:
            break
        if len(text[: m.start()].split()) >= 5:
            best = m.start()
    kept = text.split()[:words] if best is None else text[:best].split()
    return " ".join(_trim_verbs(kept)).rstrip(" ,;:.-")


def _trim_verbs(words: list[str]) -> list[str]:
    """Words without a dangling tail ('a benchmark designed', 'for comprehensively gauging')."""
    words = _trim(words)
    while len(words) > 4 and (
        _verbish(words[-1].lower().strip(",;:")) or re.search(r"(?:ed|ly),?$", words[-1])
    ):
        words = _trim(words[:-1])
    return words


def _plain(text: str) -> str:
    """Drop 'novel' and the article it leaves wrong ('a novel end' -> 'an end'), and a
    trailing 'to address this issue'."""
    text = re.sub(
        r"\b(?:a|an) novel,? (\w)",
        lambda m: ("an " if m.group(1) in "aeiouAEIOU" else "a ") + m.group(1),
        text,
    )
    text = re.sub(r"^novel ", "", text)
    return re.sub(
        r",? to (?:address|tackle|solve|overcome|mitigate|fill|bridge) (?:this|these"
        r"|that|those|such|the) [\w -]{0,30}$",
        "",
        text,
    )


def _object(rest: str, label: str, name: str | None, verb: str, title: str) -> str | None:
    """The object of 'We propose ...' as a self-contained phrase, the paper's own name dropped."""
    rest = re.sub(r"^the (?=[A-Z])", "", rest.strip())
    if verb == "argues":  # "that systems research, long focused on X, is well-suited" -> no aside
        rest = re.sub(r"^(that [^,]{3,60}), [^,]{5,100}, ", r"\1 ", rest)
    if verb != "argues" and (m := re.search(r":\s+we\s+(\w+)\s+(.+)$", rest)):
        inner = third_person(m.group(1))
        if inner:
            return None if _DEICTIC.match(m.group(2)) else f"\x00{inner} {m.group(2)}"
    rest = rest.split(": ", 1)[0]
    for known in sorted(filter(None, {label, name}), key=len, reverse=True):
        if rest.lower().startswith(known.lower()):
            after = rest[len(known) :]
            which = r"^(?:,\s*|\s*--?\s*|\s*—\s*|\s+)(?:which|that|who)\s+(\w+)\s"
            if m := re.match(which, after):
                return f"\x00{after[m.start(1) :]}"
            if m := re.match(r"^(?:,\s*|\s*--\s*|\s*—\s*|:\s*)", after):
                rest = after[m.end() :]
            break
    spelled = re.match(r"((?:[A-Z][\w-]*\s?){2,6}),\s", rest)  # "Adaptive Parallel Reasoning,"
    capitals = "".join(c for c in label if c.isupper())
    if spelled and len(capitals) >= 2 and _initials(spelled.group(1)) == capitals:
        rest = rest[spelled.end() :]
    head = rest.split(",", 1)[0]
    if len(head.split()) >= 4 and _squeeze(head) in _squeeze(title):
        return None  # only the title spelled out again
    deictic = _DEICTIC.match(rest)
    if deictic and not (verb == "argues" and rest.lower().startswith("that ")):
        return None
    if re.search(r"\b(?:we|us)\b", rest, re.I):
        return None
    rest = re.sub(r"\bour\b", "its", rest)
    rest = re.sub(r"\bOur\b", "Its", rest)
    return rest if len(rest.split()) >= 4 else None


def _candidates(paper: Paper, role: Roles) -> list[str]:
    texts = [role.method] + [strip_lead_in(clean(s)) for s in sentences(paper.abstract)]
    return [tidy(_NAMED_LEAD.sub(r"\1 ", t)).rstrip(".") for t in texts]


def _clause(paper: Paper, label: str, role: Roles, avoid: str | None, words: int) -> str:
    """'X proposes ...': what the paper does, in its own words, in at most `words` words."""
    name = named(paper)
    texts = _candidates(paper, role)
    for text in texts:
        m = _SUBJECT.search(text)
        if m is None or m.start() > len(text) * 0.6:
            continue
        verb = third_person(m.group("verb"), m.group(0).lstrip(", ").lower().startswith("we"))
        if verb is None:
            continue
        obj = _object(m.group("rest"), label, name, verb, paper.title)
        if obj is None:
            continue
        if obj.startswith("\x00"):
            verb, obj = obj[1:].split(" ", 1)
        if m2 := re.match(r"and (\w+) ", obj):  # "compares and evaluate X"
            obj = f"and {third_person(m2.group(1)) or m2.group(1)} {obj[m2.end() :]}"
        if verb == avoid:
            verb = _ALTERNATIVE.get(verb, verb)
        return f"{label} {verb} {_shorten(_plain(obj), words)}"
    for text in texts:  # a sentence led by the paper's own name: "LLMCompiler executes ..."
        for known in filter(None, (name, label)):
            m = re.match(re.escape(known) + r"\s+([a-z]+s)\s+(.+)$", text)
            if m and m.group(1) not in ("is", "has", "was") and len(m.group(2).split()) >= 4:
                return f"{label} {m.group(1)} {_shorten(_plain(m.group(2)), words)}"
    return ""


def _fallback_clause(label: str, kind: str, subject: str, avoid: str | None) -> str:
    does = _KIND_DOES[kind]
    first = does.split()[0]
    if first == avoid:
        does = " ".join([_ALTERNATIVE.get(first, first), *does.split()[1:]])
    return f"{label} {does} {subject}"


# --- headline number -----------------------------------------------------------------------

_LEADING_FILLER = frozenset(
    """and or but while whereas with by that which where achieving achieves achieved delivering
    delivers reaching reaches obtaining obtains yielding yields showing shows it also only
    demonstrate demonstrates we can our results experimental experiments indicate indicates
    reveal reveals observe observes not further""".split()
)
_WINDOW_BREAK = re.compile(r"[;:]|,\s|\s(?:while|whereas|but|which|where)\s")


def headline(abstract: str, grounding: str, max_words: int = 14) -> str:
    """A short clean phrase stating the abstract's headline number with its unit ('%', 'x',
    'per cent'), or '' when the abstract has none."""
    for raw in sentences(abstract):
        sentence = tidy(clean(raw))
        numbers = find_numbers(sentence)
        for i, n in enumerate(numbers):
            per_cent = sentence[n.end :].startswith(" per cent")
            if not (n.unit or per_cent):
                continue
            before = sentence[: n.start]
            if before.endswith(("@", "-", "+")) or re.search(r"[A-Za-z]-?$", before):
                continue
            end = n.end + (len(" per cent") if per_cent else 0)
            gap = sentence[end : numbers[i + 1].start] if i + 1 < len(numbers) else ""
            if re.fullmatch(r"\s?[-–]\s?", gap):
                end = numbers[i + 1].end  # a range, "2.8x-5.8x"
            phrase = balanced(_window(sentence, n.start, end, max_words))
            if len(phrase.split()) >= 3 and not ungrounded(phrase, grounding):
                return phrase
    return ""


def _window(sentence: str, start: int, end: int, max_words: int) -> str:
    """The clause around [start, end), at most `max_words` words, fillers dropped in front."""
    breaks = list(_WINDOW_BREAK.finditer(sentence))
    left = max([0] + [m.end() for m in breaks if m.end() <= start])
    right = min([m.start() for m in breaks if m.start() >= end] + [len(sentence)])
    before = sentence[left:start].split()[-7:]
    while before and before[0].lower() in _LEADING_FILLER:
        before = before[1:]
    after = sentence[end:right].split()[: max(2, max_words - len(before) - 1)]
    after = _trim(after) if len(after) > 1 else after
    return " ".join([*before, sentence[start:end].strip(), *after]).strip(" ,;:.")


# --- the comparison ------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What the comparison needs to know about one paper."""

    label: str
    roles: Roles
    kind: str
    phrases: Phrases


def _listing(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " and " + terms[-1]


def _cell(text: str, words: int = 28) -> str:
    """One sentence of at most `words` words (a role can hold two glued at 'etc.')."""
    first = re.split(r"(?<=[a-z0-9)]\.)\s+(?=[A-Z])", tidy(text), maxsplit=1)[0]
    return fit(balanced(first), max_words=words)


def _result_cell(text: str) -> str:
    cell = _cell(text)
    return cell if len(cell.split()) >= 5 else _EMPTY_RESULT


def compare_papers(a: Paper, b: Paper) -> ComparisonDraft:
    """Shared ground, differences by aspect and when to prefer each, from the abstracts alone."""
    grounding = a.abstract + "\n" + b.abstract
    name_a, name_b = short_name(a, grounding), short_name(b, grounding)
    if not name_a or not name_b or name_a.lower() == name_b.lower():
        name_a, name_b = "the first paper", "the second paper"
    pa = Profile(name_a, roles(a.title, a.abstract), classify(a.title, a.abstract),
                 phrases(a.title, a.abstract))  # fmt: skip
    pb = Profile(name_b, roles(b.title, b.abstract), classify(b.title, b.abstract),
                 phrases(b.title, b.abstract))  # fmt: skip
    shared = shared_phrases(pa.phrases, pb.phrases)
    names = [name_a, name_b, named(a) or "", named(b) or ""]
    only_a = own_phrases(pa.phrases, pb.phrases, {*names, *shared})
    only_b = own_phrases(pb.phrases, pa.phrases, {*names, *shared})

    summary = _summary(a, b, pa, pb, shared, only_a, only_b)
    if shared:
        ground = f"Both deal with {_listing(shared)}"
    elif only_a and only_b:
        ground = f"No common subject: {name_a} is about {only_a[0]}, {name_b} about {only_b[0]}"
    else:
        ground = "No common subject beyond the field"
    if pa.kind == pb.kind and pa.kind in _BOTH_ARE:
        ground += f"; {_BOTH_ARE[pa.kind]}"

    differences = [
        Difference(aspect="problem", a=_cell(pa.roles.problem), b=_cell(pb.roles.problem)),
        Difference(aspect="approach", a=_cell(pa.roles.method), b=_cell(pb.roles.method)),
        Difference(aspect="results", a=_result_cell(pa.roles.result),
                   b=_result_cell(pb.roles.result)),
    ]  # fmt: skip
    if pa.kind != pb.kind:
        differences.append(Difference(aspect="contribution type", a=pa.kind, b=pb.kind))
    if only_a and only_b:
        differences.append(
            Difference(aspect="focus", a=_listing(only_a) + ".", b=_listing(only_b) + ".")
        )

    def prefer(p: Profile, only: list[str], paper: Paper) -> str:
        focus = f", with a focus on {_listing(only[:2])}" if only else ""
        number = headline(paper.abstract, grounding)
        figure = f"; headline result: {number}" if number else ""
        return fit(f"Read {p.label} for {_READ_FOR[p.kind]}{focus}{figure}")

    return ComparisonDraft(
        summary=summary,
        shared_ground=fit(ground),
        differences=differences[:MAX_DIFFERENCES],
        prefer_a_when=prefer(pa, only_a, a),
        prefer_b_when=prefer(pb, only_b, b),
    )


def _summary(
    a: Paper, b: Paper, pa: Profile, pb: Profile, shared: list[str], only_a: list[str],
    only_b: list[str],
) -> str:  # fmt: skip
    """One line: the shared subject, then what each paper does about it."""
    text = ""
    for words in (18, 14, 10, 7):
        first = _clause(a, pa.label, pa.roles, None, words)
        if not first:
            first = _fallback_clause(pa.label, pa.kind, (only_a or shared or ["it"])[0], None)
        verb = first[len(pa.label) :].split()[0]
        second = _clause(b, pb.label, pb.roles, verb, words)
        if not second:
            second = _fallback_clause(pb.label, pb.kind, (only_b or shared or ["it"])[0], verb)
        body = first + ", while " + second
        text = f"Both tackle {shared[0]}: {body}" if shared else _capital(body)
        text = squash(text).rstrip(".") + "."
        text = balanced(text)
        if len(text) <= LINE_MAX_CHARS:
            return text
    return fit(text, LINE_MAX_CHARS, 50)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
