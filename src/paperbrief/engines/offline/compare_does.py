"""What each paper of a comparison does, in a whole clause of its own (the summary's 'A
proposes X, while B introduces Y'): the paper's main contribution first (compare_roles), then
its other 'we propose' clauses, each cut only where it reads whole (not inside a list, not
half of what a verb joins, not on a word that wants more after it). Also `Profile`, what the
comparison knows about one paper (made by compare._profile).

Hand-written rules over the abstract's wording: no library tells a whole clause from a cut one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from paperbrief.engines.offline.compare_cells import PITCH
from paperbrief.engines.offline.compare_clauses import clauses
from paperbrief.engines.offline.compare_facts import content_free, lost_name, whole_tail
from paperbrief.engines.offline.compare_names import described_by, introduced
from paperbrief.engines.offline.compare_phrases import Phrases
from paperbrief.engines.offline.compare_reasons import names_only
from paperbrief.engines.offline.compare_roles import cut_list
from paperbrief.engines.offline.facts import Roles
from paperbrief.engines.offline.standalone import repeats
from paperbrief.models import Paper
from paperbrief.text import squash


@dataclass(frozen=True)
class Profile:
    """What the comparison needs to know about one paper."""

    label: str
    roles: Roles
    kind: str
    phrases: Phrases
    takeaway: str
    released: str
    promised: str
    unknown: bool  # a release verb whose object is not parsed: its releases are not said
    proposes: bool  # it says it proposes a method, model or framework of its own
    main: str  # its main contribution's sentence (compare_roles): the summary's clause first



def _refers_back(body: str) -> bool:
    """'seeks to narrow this gap': a clause that needs the sentence before it."""
    return bool(re.search(r"\b(?:this|these|those|such)\b(?!\s+(?:paper|work|study|article))",
                          body, re.IGNORECASE))  # fmt: skip


def restates(text: str, profile: Profile) -> bool:
    """A clause that holds 70 % of the paper's takeaway, in order, repeats it (a
    shorter cut of the takeaway's own clause is what the paper does, said in fewer words)."""
    return repeats(profile.takeaway, text, 0.7)


def does(paper: Paper, p: Profile, own: list[str], avoid: str | None, words: int,
          said: tuple[str, ...] = ()) -> str:  # fmt: skip
    """What the paper does, in at most `words` words: its own 'we propose' clause, else ''
    (never a shuffle of its own phrases). A clause repeating a figure the line already gives
    (`said`), or one whose method name was lost ('propose, an approach'), is not used. The
    paper's main contribution ('introduces an egocentric world exploration framework') comes
    before a sub-step ('creates a synthetic urban scene dataset, Genex-DB') even when only a
    shorter cut of it is whole. First comes `p.main`'s clause, whatever its verb (round 9)."""
    # 'generalizes the speculative decoding ...', not a later 'introduces <a part>'
    role = replace(p.roles, method=p.main) if p.main else None
    if role:  # (a cut that repeats the takeaway comes last, below)
        clause = _main_clause(paper, p, role, avoid, words, said, restating=False) or (
            _described(paper, p, avoid, words, said))
        if clause:
            return clause
    for main in (True, False):
        for size in range(words, 4, -1):
            for k, text in _heads(clauses(paper, p.label, p.roles, avoid, size)):
                if main == bool(_MAIN.match(text[len(p.label) :].strip())) and _reads_whole(
                        paper, p, k, text, said):  # fmt: skip
                    return text
    # no other clause: the main one even though it says the takeaway again, rather than only
    # the paper's kind ('COAT proposes a method': round 22's readers). Not before a side part
    # (RAP's 'designs a pipeline for data collection' stays): then 15 % of the held-out
    # summaries would repeat a takeaway, and issue 22 allows 10 %.
    return _main_clause(paper, p, role, avoid, words, said, restating=True) if role else ""


def _main_clause(paper: Paper, p: Profile, role: Roles, avoid: str | None, words: int,
                 said: tuple[str, ...], restating: bool) -> str:  # fmt: skip
    """The longest whole clause of the main contribution's sentence, '' when none reads whole
    (with `restating`, one that repeats the takeaway will do)."""
    for size in range(words, 4, -1):
        for k, text in _heads(clauses(paper, p.label, role, avoid, size, first_only=True)):
            if _reads_whole(paper, p, k, text, said, restating):
                return text
    return ""


def _described(paper: Paper, p: Profile, avoid: str | None, words: int,
               said: tuple[str, ...]) -> str:  # fmt: skip
    """When the main sentence only names what it introduces ('we introduce a novel approach
    called SL-HyDE to tackle this issue'), the clause of the next sentence led by that name
    ('SL-HyDE leverages large language models as generators to generate hypothetical
    documents'), said of the paper; '' when there is none."""
    text = described_by(paper.abstract, p.main)
    if text:
        names = introduced(paper)
        role = replace(p.roles, method=text)
        for size in range(words, 4, -1):
            for k, clause in _heads(clauses(paper, p.label, role, avoid, size, first_only=True,
                                            names=names)):  # fmt: skip
                if _reads_whole(paper, p, k, clause, said) and not _in_list(clause, paper):
                    return clause
    return ""


# a list opened in the clause: 'three major tasks: molecule editing', 'six tasks i.e., action
# count, direction, rotation' (the abstract goes on with the list's other items)
_LIST_OPENS = re.compile(r":\s|\bi\.e\.|\be\.g\.|\bsuch as\b|\bincluding\b", re.IGNORECASE)


def _in_list(clause: str, paper: Paper) -> bool:
    """True when the clause opens a list and stops before the abstract's sentence does."""
    if re.search(r"\b(?:i\.e|e\.g)\.?$", clause.rstrip(" ,")):
        return True  # 'spanning six tasks i.e.'
    if not _LIST_OPENS.search(clause):
        return False
    tail = " ".join(clause.rstrip(" .").split()[-2:])
    m = re.search(re.escape(tail) + r"\S*\s*(\S)", squash(paper.abstract))
    return bool(m) and m.group(1) != "."


# an object of praise words and a kind of thing only ('introduces a scalable and cost-effective
# method': round 14's readers): says that there is a method, not what it does
_PRAISE_ONLY = re.compile(
    r"^\S+(?:\s+forward)?\s+(?:an?|the|its)\s+(?:(?:simple|scalable|efficient|effective"
    r"|cost-effective|robust|general|generic|unified|lightweight|powerful|novel|new|flexible"
    r"|versatile|practical|principled|universal|strong|fast|accurate|high-quality|comprehensive"
    r"|first|innovative|elegant|straightforward|easy-to-use|plug-and-play)(?:,|\s+and|\s+yet)?\s+)+"
    r"(?:method|approach|framework|model|technique|pipeline|system|solution|strategy|algorithm"
    r"|paradigm|dataset|benchmark|tool|recipe)s?$", re.IGNORECASE)  # fmt: skip


def _praise_only(body: str) -> bool:
    return bool(_PRAISE_ONLY.match(body.rstrip(" .")))


# the verbs of a paper's main contribution ('we propose/introduce/present ...')
_MAIN = re.compile(r"(?:proposes|introduces|presents|puts forward|develops)\b(?!\s+(?:\w+\s+)?(?:"
                   r"findings|insights|results|evidence|observations)\b)")  # fmt: skip


def _reads_whole(paper: Paper, p: Profile, k: int, text: str, said: tuple[str, ...],
                 restating: bool = False) -> bool:  # fmt: skip
    """True when the clause says what the paper does in a whole clause of its own (one that
    repeats the takeaway only with `restating`)."""
    body = text[len(p.label) :].strip()
    if len(body.split()) < 3 or any(figure in body for figure in said):
        return False
    if (k and not _DOING.match(body)) or re.match(r"(?:releases|open-sources|opens? source)\b",
                                                 body) or _CHECKS_ITSELF.match(body):
        return False  # past the method sentence: not 'validates the effectiveness of SSO'
    if re.search(r"\b(?:aforementioned|above-mentioned|former|latter)\b|\bfuture (?:work"
                 r"|research|avenues|directions)|\bavenues\b", body):  # fmt: skip
        return False
    if lost_name(body) or content_free(body) or _refers_back(body):
        return False
    # 'introduces a method named X', 'represents a significant step towards ...', 'introduces
    # a scalable and cost-effective method': no more than a name, a pitch or praise (round 7, 14)
    if _praise_only(body) or names_only(body) or PITCH.search(body):
        return False
    last = body.rstrip(" .").split()[-1].lower().strip(",;:")
    if body.rstrip(" .").endswith((",", ";", ":")) or last in _OPEN_ENDS:
        return False  # 'combines Mamba-2,', 'capable of generating up', 'a Video-LLM adept'
    if _JOINS.search(body) and _next_word(body, paper.abstract) in ("with", "into", "and", "from"):
        return False  # 'combines Mamba-2 | with Selective Attention Layers': half of what it joins
    if last in _CLAIM_ENDS or (
            "not only" in body and " but " not in body):  # fmt: skip
        return False  # 'creates two new benchmarks ..., and show', 'not only perform well'
    if re.match(r"^\S+\s+(?:which|that|who|where)\b", body) or _cut_list(body, paper):
        return False  # 'proposes which uses ...', 'integrates communication, perception,'
    if _SHOWCASE.search(body) or _FIRST_ITEM.search(body):
        return False  # 'provides 68s video generation results and more examples', '...: 1 RVQ-VAE'
    return (restating or not restates(text, p)) and whole_tail(body, paper.abstract)


# what a project page shows is no contribution ('LinGen provides 68s video generation results
# and more examples', round 19), nor is a list cut after its first item ('Mogo consists of only
# two main components: 1 RVQ-VAE', its '(1)' dropped)
_SHOWCASE = re.compile(r"\b(?:more|additional|further)\s+(?:\w+\s+)?(?:examples|results|demos"
                       r"|visuali[sz]ations|samples)\b|\bresults and (?:more )?examples\b"
                       r"|^provides?\s+(?:\S+\s+){0,4}(?:results|examples|demos|samples)\b", re.I)
_FIRST_ITEM = re.compile(r":\s+\(?(?:1|i|a)\)?\s+\S+(?:\s+\S+){0,3}\s*$")


# how the paper checks its own work, or what it finds, is no clause of what it does ('validated
# its results on two public benchmarks', 'presents an empirical analysis and find that,
# although ...': round 16's readers)
_CHECKS_ITSELF = re.compile(r"(?:validat|verif|evaluat|test|assess)\w*\s+(?:its|the proposed"
                            r"|the effectiveness)\b|.*\band\s+(?:find|finds|found|show|shows"
                            r"|observe|observes|reveal|reveals)\s+that\b",
                            re.IGNORECASE)  # fmt: skip


# past its method sentence, a paper's clause must say what it does ('proposes', 'trains',
# 'uses'), not what it reports, checks or hopes ('validates', 'opens up avenues')
_DOING = re.compile(
    r"(?:proposes|presents|introduces|develops|designs|builds|constructs|creates|trains|uses"
    r"|leverages|combines|employs|integrates|adopts|applies|extends|formulates|generali[sz]es"
    r"|models|casts|treats|replaces|learns|distills|curates|collects|studies|investigates"
    r"|analy[sz]es|examines|explores|is an?|establishes|incorporates|adapts|puts forward"
    r"|reformulates|decomposes|unifies|fine-tunes|pre-trains|augments|exploits|frames"
    r"|revisits|surveys|reviews|argues|offers|provides|describes)\b"
)
# a verb that joins two things: its clause is whole only with both ('combines A with B'), no
# adjective after an article ('a unified workflow generation benchmark | with ...')
_JOINS = re.compile(r"(?<!\ba )(?<!\ban )(?<!\bthe )\b(?:combin|integrat|pair|coupl|merg|unif"
                    r"|augment|equip|replac|fus|bridg|connect|align|interleav|hybridi[sz])\w*\b",
                    re.IGNORECASE)  # fmt: skip


def _next_word(body: str, abstract: str) -> str:
    """The word the abstract writes right after the clause's last three words ('' if none)."""
    tail = " ".join(body.rstrip(" .").split()[-3:]).lower()
    m = re.search(re.escape(tail) + r"\s+([a-z]+)", squash(abstract).lower())
    return m.group(1) if m else ""


# a clause cannot end on a word that wants more after it: a preposition or particle, an
# article, a conjunction, or an adjective that takes a complement (round 6's cut summaries)
_OPEN_ENDS = frozenset("""up at to of for with in on by from as than into via over under between
    among without through across about toward towards onto upon within the a an its their our
    this these those that which and or nor but adept capable able such both either each""".split())
_CLAIM_ENDS = frozenset("show shows showed demonstrate demonstrates found find finds observe "
                        "observes reveal reveals and or".split())  # fmt: skip


_PARTICIPLE_BREAK = re.compile(r"\s*,\s+(?:allowing|enabling|making|which|while|thereby|where"
                               r"|leading|resulting|yielding|so that)\b")


def _heads(texts: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Each clause, then its head before a participle or relative clause ('runs LLM "workers"
    in parallel | , allowing them to synchronize'), numbered by the clause it comes from."""
    for k, text in enumerate(texts):
        yield k, text
        for m in _PARTICIPLE_BREAK.finditer(text):
            yield k, text[: m.start()]


def _cut_list(body: str, paper: Paper) -> bool:
    """True when the clause ends inside a list the abstract goes on with ('integrates
    communication, perception, | and planning'; 'utilizing subsequence | and subgraph ...')."""
    words = body.rstrip(" .").split()
    tail = re.escape(" ".join(words[-3:]).rstrip(","))
    flat = squash(paper.abstract)
    if re.search(tail + r",\s+[\w-]+(?:\s+[\w-]+){0,2},?\s+(?:and|or)\s", flat):
        return True  # 'enables users to create | , modify, and refine sketches'
    if not any(w.endswith(",") for w in words[-4:-1]) and not body.rstrip(" .").endswith(","):
        return cut_list(body, paper.abstract)
    return bool(re.search(tail + r",?\s+(?:(?:[\w-]+,?\s+){0,4})?(?:and|or)\s", flat)) or (
        cut_list(body, paper.abstract))  # fmt: skip


def fresh(clauses_: list[str], p: Profile) -> list[str]:
    """The clauses that do not repeat the paper's takeaway, when there are any; else all (the
    main contribution said again is the last resort of `does`)."""
    return [c for c in clauses_ if not restates(c, p)] or clauses_
