"""What each paper does, for the offline comparison's summary: 'X proposes ...'.

Taken from the paper's own 'we propose' sentence with its verb in the third person, or
built from its contribution type when no sentence says it well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from paperbrief.engines.offline.compare_names import named
from paperbrief.engines.offline.compare_text import (
    base_of,
    by_doing,
    initials,
    phrase_end,
    squeeze,
    third_person_of,
    tidy,
    trim,
    unpraised,
)
from paperbrief.engines.offline.extract import clean, strip_lead_in
from paperbrief.engines.offline.facts import Roles
from paperbrief.models import Paper
from paperbrief.phrases import is_ing_verb as verbish
from paperbrief.text import sentences

_SUBJECT = re.compile(
    r"(?:^|,\s+)(?:(?:in|with) (?:this|the present|our) (?:paper|work|study|article|report),? )?"
    # ('Our approach uses diffusion models with only a reconstruction loss': Face Anonymization
    # Made Simple's main sentence gave no clause, and 'validated its results' took its place)
    r"(?:we|this (?:paper|work|study|article|report|survey)|our (?:paper|work|study|approach"
    r"|method|model|framework|system|pipeline))\s+"
    r"(?:also |further |first |then |here |therefore |thus |rather |instead |systematically "
    r"|comprehensively |rigorously |thoroughly |empirically |carefully )?"
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
# irregular past tenses an abstract uses after "we" (regular ones end in -ed)
_PAST = frozenset("built made took wrote ran began chose drew gave saw sought brought led set put"
                  " held kept sent spent won got went came became".split())  # fmt: skip
_DEICTIC = re.compile(r"^(?:this|these|that|those|such|it|them|its|their|both)\b", re.I)
_CLAIMS = frozenset(
    """show find found demonstrate observe hypothesize believe note report achieve obtain
    can could will would may might should must have has had are is were was do did need
    also further then first here thus therefore""".split()
)
_STRONG_BREAK = re.compile(r",\s|;\s|\s(?:that|which|while|whereas|by|through|to)\s|\s--?\s|—")
_FINDING_VERB = re.compile(r"(?:outperform|achiev|surpass|set|show|demonstrat|yield|improv|reach"
                           r"|obtain|perform|exceed|beat|deliver|match|remain|lead|excel)", re.I)
_NAMED_LEAD = re.compile(
    r"^(?:our|the) (?:system|method|approach|framework|model|tool|library|benchmark|dataset"
    r"|technique|algorithm|agent|platform),? (?:named|called|dubbed|termed) ([^,]+), ",
    re.IGNORECASE,
)


def third_person(verb: str, after_we: bool = True) -> str | None:
    """The third-person form of the verb after 'we' ('propose' -> 'proposes'), or None for a
    modal, a claim verb or a word that is not a plain verb."""
    word = verb.lower()
    if word in _CLAIMS or not word.isalpha() or len(word) < 3 or word.endswith("ly"):
        return None  # an adverb is no verb ('we automatically identify': not 'automaticallies')
    if not after_we:  # "this paper proposes": already third person
        singular = word[:-2] if word.endswith("es") else word[:-1]
        if word.endswith("s") and (singular in _CLAIMS or word[:-1] in _CLAIMS):
            return None
        return word if word.endswith("s") else None
    if word.endswith("s") and (word[:-1] in _VERBS or word[:-2] in _VERBS
                               or (word.endswith("ies") and word[:-3] + "y" in _VERBS)):
        return word  # already third person ('our work presents', or 'we presents' mistyped)
    if word.endswith("ing"):
        base = base_of(word, _VERBS)
        if base is None:
            return None
        word = base
    if word.endswith(("ed", "es")) and word[:-1] in _VERBS:
        word = word[:-1]
    if word.endswith("ed") and word[:-2] in _VERBS:
        word = word[:-2]
    if (word.endswith("ed") and not word.endswith(("eed", "bed"))) or word in _PAST:
        return word  # a past tense reads right after any subject ('we added' -> 'X added')
    return third_person_of(word)


def _shorten(text: str, words: int) -> str:
    """`text` cut to at most `words` words at a strong clause break where there is one,
    always after a complete noun phrase ('the modelling capabilities of LLMs | for three')."""
    for m in re.finditer(r",?\s+and\s+(\w+)\s", text):
        if m.group(1).lower() in _VERBS or m.group(1).lower().rstrip("s") in _VERBS:
            text = text[: m.start()]
            break
    if len(text.split()) <= words:
        return text.rstrip(" ,;:.-")
    every = text.split()
    breaks = [len(text[: m.start()].split()) for m in _STRONG_BREAK.finditer(text)]
    complete = [k for k in range(words, 3, -1) if _whole(every, k)]
    for k in complete:
        if k in breaks and k >= 5:
            return " ".join(every[:k]).rstrip(" ,;:.-")
    if complete:
        return " ".join(every[: complete[0]]).rstrip(" ,;:.-")
    return " ".join(_trim_verbs(every[:words])).rstrip(" ,;:.-")


def _whole(words: list[str], k: int) -> bool:
    """True if the first `k` words end on a complete noun phrase, not on a verb form."""
    return phrase_end(words, k) and not verbish(words[k - 1].lower().strip(",;:"))


def _trim_verbs(words: list[str]) -> list[str]:
    """Words without a dangling tail ('a benchmark designed', 'for comprehensively gauging')."""
    words = trim(words)
    while len(words) > 4 and (
        verbish(words[-1].lower().strip(",;:")) or re.search(r"(?:ed|ly),?$", words[-1])
    ):
        words = trim(words[:-1])
    return words


def _plain(text: str) -> str:
    """Drop 'novel' and the article it leaves wrong ('a novel end' -> 'an end'), and a
    trailing 'to address this issue'; other praise too ('a simple yet effective method')."""
    text = unpraised(text)
    text = re.sub(r"\b(?:a|an) novel(?:,| and) (\w)",  # 'a novel and lightweight benchmark'
                  lambda m: ("an " if m.group(1) in "aeiouAEIOU" else "a ") + m.group(1), text)
    text = re.sub(
        r"\b(?:a|an) novel,? (\w)",
        lambda m: ("an " if m.group(1) in "aeiouAEIOU" else "a ") + m.group(1),
        text,
    )
    text = re.sub(r"^novel ", "", text)
    # 'a Offset Shifting Denoiser' as the abstract wrote it (round 12's readers); not 'a one-step',
    # 'a unified', 'a Euclidean'
    text = re.sub(r"\ba (?=[AaIi]|[Ee](?![Uu])|[Oo](?!ne))", "an ", text)
    return re.sub(
        r",? to (?:address|tackle|solve|overcome|mitigate|fill|bridge) (?:this|these"
        r"|that|those|such|the) [\w -]{0,30}$",
        "",
        text,
    )


# a participle that modified the dropped name: 'presents featuring ...' reads wrong
_PARTICIPLE = re.compile(r"[a-z]{2,}(?:ing|ed)\b")


def _object(rest: str, label: str, name: str | None, verb: str, title: str) -> str | None:
    """The object of 'We propose ...' as a self-contained phrase, the paper's own name dropped."""
    rest = re.sub(r"^the (?=[A-Z])", "", rest.strip())
    if verb == "argues":  # "that systems research, long focused on X, is well-suited" -> no aside
        rest = re.sub(r"^(that [^,]{3,60}), [^,]{5,100}, ", r"\1 ", rest)
    if verb != "argues" and (m := re.search(r":\s+we\s+(\w+)\s+(.+)$", rest)):
        inner = third_person(m.group(1))
        if inner:
            return None if _DEICTIC.match(m.group(2)) else f"\x00{inner} {m.group(2)}"
    for known in sorted(filter(None, {label, name}), key=len, reverse=True):
        # 'LiveXiv: A scalable evolving live benchmark ...', 'PhysGame as a pioneering
        # benchmark to evaluate ...': what follows the name says what it is (round 13)
        if m := re.match(re.escape(known) + r"(?::\s+|\s+as\s+)(?=an?\s|the\s|A\s|An\s|The\s)",
                         rest, re.IGNORECASE):  # fmt: skip
            rest = rest[m.end() :]
            rest = rest[:1].lower() + rest[1:] if re.match(r"(?:An?|The)\s", rest) else rest
            break
    for known in sorted(filter(None, {label, name}), key=len, reverse=True):
        # '... a new task: customized manga generation and introduce DiffSensei, an innovative
        # framework ...': the paper's own name joined by a second verb is what it introduces
        m = re.search(r"\band\s+(introduce|present|propose|develop)\s+(?:the\s+)?"
                      + re.escape(known) + r"\s*,\s+((?:an?|the)\s.+)$", rest)
        if m and not re.search(r"\b(?:we|us)\b", m.group(2), re.I):
            return f"\x00{third_person(m.group(1))} {m.group(2)}"
    rest = rest.split(": ", 1)[0]
    for known in sorted(filter(None, {label, name}), key=len, reverse=True):
        if rest.lower().startswith(known.lower()):
            after = rest[len(known) :]
            which = r"^(?:,\s*|\s*--?\s*|\s*—\s*|\s+)(?:which|that|who)\s+(\w+)\s"
            if m := re.match(which, after):
                return f"\x00{after[m.start(1) :]}"
            if m := re.match(r"^(?:,\s*|\s*--\s*|\s*—\s*|:\s*)", after):
                rest = after[m.end() :]
                if _PARTICIPLE.match(rest):
                    return None  # 'GSQ, featuring spherical ...' without its name is no object
            break
    spelled = re.match(r"((?:[A-Z][\w-]*\s?){2,6}),\s", rest)  # "Adaptive Parallel Reasoning,"
    capitals = "".join(c for c in label if c.isupper())
    if spelled and len(capitals) >= 2 and initials(spelled.group(1)) == capitals:
        rest = rest[spelled.end() :]
        if _PARTICIPLE.match(rest):  # 'Grouped Spherical Quantization, featuring ...'
            return None
    head = rest.split(",", 1)[0]
    if len(head.split()) >= 4 and squeeze(head) in squeeze(title):
        return None  # only the title spelled out again
    deictic = _DEICTIC.match(rest)
    if deictic and not (verb == "argues" and rest.lower().startswith("that ")):
        return None
    if re.search(r"\b(?:we|us)\b", rest, re.I):
        return None
    rest = _self_reference(rest, {n for n in (label, name) if n})
    if rest is None or rest.startswith("\x00"):
        return rest
    rest = re.sub(r"\bour\b", "its", rest)
    rest = re.sub(r"\bOur\b", "Its", rest)
    return rest if len(rest.split()) >= 4 else None


_DASH = r"(?:\s*(?:--|—)\s*|(?<!\d)\s[-–]\s(?!\d))"


def _dashes(text: str) -> str:
    """Dashes as commas: 'a new problem -- similar question retrieval -- to' -> 'a new
    problem, similar question retrieval, to'."""
    text = re.sub(_DASH + r"([^-—–]{1,80}?)" + _DASH, r", \1, ", text)
    return re.sub(r",(?:\s*,)+", ",", re.sub(_DASH, ", ", text))


def _candidates(paper: Paper, role: Roles) -> tuple[str, ...]:
    return _candidate_texts(paper.abstract, role.method)


@lru_cache(maxsize=1024)
def _candidate_texts(abstract: str, method: str) -> tuple[str, ...]:
    """The method sentence, then every sentence, cleaned (cached: `clauses` is asked once per
    size for each paper of each pair)."""
    texts = [method] + [strip_lead_in(clean(s)) for s in sentences(abstract)]
    texts = [by_doing(t, relative_only=True) for t in texts]  # 'VisRAG, which establishes ...'
    return tuple(_dashes(tidy(_NAMED_LEAD.sub(r"\1 ", t))).rstrip(".") for t in texts)


def _self_reference(rest: str, names: set[str]) -> str | None:
    """The object without the paper's own name in an aside (', namely MotionCLR,'); a
    '\x00verb ...' clause for 'kGym to facilitate X'; None if the name is still in it."""
    for known in sorted(names, key=len, reverse=True):
        word = rf"(?<![\w-]){re.escape(known)}(?![\w-])"
        if " " in known:  # a title phrase: only as written ('Data Scaling Laws')
            word = rf"(?-i:{word})"
        rest = re.sub(rf",?\s*(?:namely|called|dubbed|termed|named)\s+(?:the\s+)?{word},?",
                      "", rest, flags=re.I)  # fmt: skip
        rest = re.sub(rf"\s*\({word}\)", "", rest, flags=re.I)
        if m := re.match(word + r"\s+to\s+(\w+)\s+(.+)$", rest, re.I):
            verb = third_person(m.group(1))
            return f"\x00{verb} {m.group(2)}" if verb else None
        if re.search(word, rest, re.I):
            return None
    return rest


def clauses(paper: Paper, label: str, role: Roles, avoid: str | None, words: int,
            first_only: bool = False, names: tuple[str, ...] = ()) -> Iterator[str]:  # fmt: skip
    """Every 'X proposes ...' clause the abstract gives, the method sentence's first (the
    caller takes the first that reads well); with `first_only`, the method sentence's only.
    `names`: more names of the paper's own artifact that may lead a clause ('SL-HyDE
    leverages ...')."""
    name = named(paper)
    texts = _candidates(paper, role)[:1] if first_only else _candidates(paper, role)
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
        yield f"{label} {verb} {_shorten(_plain(obj), words)}"
    for text in texts:  # a clause led by the paper's own name: "LLMCompiler executes ...",
        # "Using video diffusion models as the foundation, AniDoc emerges as a ... tool"
        for known in filter(None, (name, label, *names)):
            # (or after a sentence that ends on the name: '..., Emma-X. Emma-X leverages ...')
            m = re.search(r"(?:^|,\s+|\.\s+)" + re.escape(known)
                          + r"\s+((?:is an?|[a-z]+s(?: as)?))\s+(.+)$", text)  # fmt: skip
            if m is None or m.start() > len(text) * 0.5:
                continue
            head, obj = m.group(1), m.group(2)
            is_a = head.startswith("is a")
            if _FINDING_VERB.match(head):
                continue  # 'PixelMan outperforms ...' is a result, not what it does
            if head.split()[0] in ("is", "has", "was") and not is_a:
                continue  # a bare 'X is', 'X has', 'X was'
            if is_a:  # 'X is a ...': the article is the object's
                obj = head[3:] + " " + obj
            obj = re.sub(r"\bour\b", "its", obj)  # 'leverages our constructed ... dataset'
            if len(obj.split()) >= 4:
                yield f"{label} {'is' if is_a else head} {_shorten(_plain(obj), words)}"
