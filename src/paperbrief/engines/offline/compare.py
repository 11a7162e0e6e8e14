"""Pairwise comparison for the offline engine, built from the two papers' extracted structure.

The assembly: short names (compare_names), the distinctive subject both share and whether that
link is loose (compare_ground, compare_central), what each paper does (compare_does,
compare_clauses), table cells that match their row (compare_cells, compare_roles), the facts
that set them apart (compare_facts: a benchmark both report, released or promised code or data;
compare_reasons, compare_prefer: the prefer lines) and each paper's own phrases
(compare_phrases). It says less rather than more: a row only when both papers have a cell for
it, "when to prefer" lines only when a fact sets the pair apart (each saying what its paper
does), and a summary of at most ~30 words about both papers (what each does) or else only what
they share. The result does not depend on the order the two papers are named in (`compare A B`
and `compare B A` and the digest say the same).
"""

from __future__ import annotations

import re

from paperbrief.engines.offline.compare_cells import (
    approach_cell,
    main_line,
    problem_cell,
    results_cell,
)
from paperbrief.engines.offline.compare_central import focus_term, with_digits
from paperbrief.engines.offline.compare_does import Profile, does, fresh, restates
from paperbrief.engines.offline.compare_domains import domain_reasons, modality_reasons
from paperbrief.engines.offline.compare_facts import (
    Reported,
    promises,
    release_unknown,
    releases,
)
from paperbrief.engines.offline.compare_ground import MAX_PHRASE_SHARE, Ground, link, paper_phrases
from paperbrief.engines.offline.compare_ground import share as phrase_share
from paperbrief.engines.offline.compare_kinds import kind, kinds_set_apart
from paperbrief.engines.offline.compare_names import introduced, named, short_name
from paperbrief.engines.offline.compare_phrases import head_complete, own_phrases, phrases
from paperbrief.engines.offline.compare_reasons import has_method, reasons
from paperbrief.engines.offline.compare_tasks import task_reasons
from paperbrief.engines.offline.compare_text import balanced, drop_list_numbers
from paperbrief.engines.offline.facts import FIELD_WORDS, fit, roles
from paperbrief.engines.offline.select import takeaway_line
from paperbrief.models import (
    FIELD_MAX_CHARS,
    LINE_MAX_CHARS,
    MAX_DIFFERENCES,
    NO_PREFERENCE,
    ComparisonDraft,
    Difference,
    Paper,
)
from paperbrief.text import STOPWORDS, content_tokens, squash, stem

SUMMARY_WORDS = 30
SHORT_WORDS = 24  # a summary this short is tried first
_CLAUSE_SIZES = (14, 12, 9, 7)  # words per paper's clause, longest first (`does` cuts shorter)
_BOTH_ARE = {
    "benchmark": "both build benchmarks", "dataset": "both build datasets",
    "survey": "both are surveys", "position": "both are position papers",
}  # fmt: skip
# what a paper of a kind offers that a paper of another kind does not
_KIND_OFFERS = {
    "survey": "an overview of the field (it is a survey)",
    "benchmark": "a way to evaluate models (it builds a benchmark)",
    "dataset": "data to train or test on (it builds a dataset)",
    "position": "an argument about the field (a position paper)",
    "method": "a method to apply (it proposes one; the other does not)",
}  # fmt: skip


_NOT_MODIFIERS = frozenset("""a an the of in on for to and or with by from as at our their its this
    these that those we both each such new novel""".split())


def _unclipped(phrase: str, texts: tuple[str, str]) -> str:
    """The phrase as both papers write it whole: 'space models' is 'state space models' when
    every use in both texts has 'state' before it (round 6: 'Both deal with space models')."""
    before: set[str] = set()
    for text in texts:
        found = re.findall(r"([A-Za-z][\w-]*)\s+" + re.escape(phrase) + r"\b", text, re.I)
        uses = len(re.findall(r"\b" + re.escape(phrase) + r"\b", text, re.I))
        if not found or len(found) < uses:
            return phrase  # a use with nothing (or punctuation) before it: whole already
        before |= {w.lower() for w in found}
    if len(before) != 1 or next(iter(before)) in _NOT_MODIFIERS:
        return phrase
    m = re.search(r"([A-Za-z][\w-]*)\s+" + re.escape(phrase) + r"\b", texts[0], re.I)
    if not m:
        return phrase
    word = m.group(1)  # 'State' opening a sentence or a title is 'state' (an acronym stays)
    return f"{word.lower() if word[1:].islower() else word} {phrase}"


def _one_per_head(terms: list[str]) -> list[str]:
    """The phrases, one per head noun: 'lengthy documents and long documents' is one subject
    said twice (round 7), the first (most distinctive) kept; so is a phrase whose words, but
    for a stock noun, an earlier one has ('image restoration and restoration model',
    'long-context scenarios and long contexts': round 18)."""
    out, heads, words = [], set(), set()
    for term in dict.fromkeys(terms):
        head = stem(term.split()[-1].lower())
        stems = {stem(w) for w in re.split(r"[\s-]+", term.lower()) if w}
        own = stems - _STOCK_HEADS
        if head not in heads and not (own and own <= words):
            heads.add(head)
            words |= stems
            out.append(term)
    return out


# nouns that name no subject of their own beside another phrase's words
_STOCK_HEADS = frozenset(stem(w) for w in """model models method methods approach approaches
    framework frameworks system systems scenario scenarios setting settings task tasks
    technique techniques""".split())  # fmt: skip


def _listing(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " and " + terms[-1]


def _profile(paper: Paper, label: str) -> Profile:
    found = roles(paper.title, paper.abstract)
    main = main_line(paper.title, paper.abstract, found.method, _names(paper, label))
    return Profile(label, found, kind(paper.title, paper.abstract),
                   paper_phrases(paper), takeaway_line(paper.abstract, paper.title),
                   releases(paper.abstract), promises(paper.abstract),
                   release_unknown(paper.abstract), has_method(paper.abstract), main)  # fmt: skip


def compare_papers(a: Paper, b: Paper) -> ComparisonDraft:
    """Shared ground, differences by aspect and when to prefer each, from the abstracts alone;
    the same comparison (sides swapped) whichever paper comes first."""
    if (a.id, a.title) > (b.id, b.title):
        draft = _compare(b, a)
        return ComparisonDraft(
            summary=draft.summary,
            shared_ground=draft.shared_ground,
            differences=[Difference(aspect=d.aspect, a=d.b, b=d.a) for d in draft.differences],
            prefer_a_when=draft.prefer_b_when,
            prefer_b_when=draft.prefer_a_when,
        )
    return _compare(a, b)


def _compare(a: Paper, b: Paper) -> ComparisonDraft:
    grounding = a.abstract + "\n" + b.abstract
    name_a, name_b = short_name(a, grounding), short_name(b, grounding)
    if not name_a or not name_b or name_a.lower() == name_b.lower():
        name_a, name_b = "the first paper", "the second paper"
    pa, pb = kinds_set_apart(_profile(a, name_a), _profile(b, name_b), a, b)
    linked = link(a, b)
    shared, results, thin = linked.ground, linked.results, linked.thin
    names = [name_a, name_b, named(a) or "", named(b) or ""]
    own_a = _noun_phrases(own_phrases(pa.phrases, pb.phrases, {*names, *shared.named}), a, names)
    own_b = _noun_phrases(own_phrases(pb.phrases, pa.phrases, {*names, *shared.named}), b, names)
    rows = _differences(a, b, pa, pb, own_a, own_b, thin)[:MAX_DIFFERENCES]
    summary = _summary(a, b, pa, pb, shared, results, own_a, own_b, thin)
    # a prefer line gives facts only: what the paper does is the table's (round 6)
    kinds = (pa.kind, pb.kind)
    # the task each title names, when it sets the paper apart (round 25's readers: no line
    # where two papers serve different tasks), before the facts
    # the tasks, else the data (round 26's readers: 'video vs speech is left implicit'), else
    # text-only against multimodal models: the first that sets the two apart
    sides, labels = ((a.title, a.abstract), (b.title, b.abstract)), (pa.label, pb.label)
    tasks = next((t for split in (task_reasons, domain_reasons, modality_reasons)
                  if any(t := split(*sides, labels))), ("", ""))  # fmt: skip
    prefer_a = _prefer(pa, pb, [t for t in tasks[:1] if t]
                       + reasons(a.abstract, b.abstract, kinds, (a.title, b.title)))
    prefer_b = _prefer(pb, pa, [t for t in tasks[1:] if t]
                       + reasons(b.abstract, a.abstract, kinds, (b.title, a.title)))
    shared_line = _ground_line(pa, pb, shared, results, own_a, own_b, thin,
                               (f"{a.title}. {a.abstract}", f"{b.title}. {b.abstract}"))
    if not summary:
        summary = shared_line = fit(shared_line, LINE_MAX_CHARS)
    return ComparisonDraft(
        summary=summary,
        shared_ground=shared_line,
        differences=rows,
        prefer_a_when=prefer_a,
        prefer_b_when=prefer_b,
    )


_INTRODUCED = re.compile(r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+)?(?:introduce|propose|present"
                         r"|develop|build|design|release)\w*\s+(?-i:([A-Z][\w.+-]*[\w+]))", re.I)


def _noun_phrases(terms: list[str], paper: Paper, names: list[str]) -> list[str]:
    """The phrases that are well-formed noun phrases of the paper's abstract: two words or
    more, written so in the abstract and ending there ('sharp monocular' of 'sharp monocular
    depth', 'mobile', 'image-to' are not); a title fragment the abstract never writes ('analysis
    networks' of 'Fourier Analysis Networks', 'bind communication') and a phrase the field
    uses everywhere ('source code') are no focus, nor one holding a paper's own name ('Llamole
    integrates')."""
    out = []
    own = {n.lower() for n in names if n} | {m.lower() for m in _INTRODUCED.findall(paper.abstract)}
    for t in terms:
        if len(t.split()) < 2 or not head_complete(t, paper.abstract):
            continue
        if own & {w.lower() for w in t.split()}:
            continue
        key = max(phrases("", t).counts, key=len, default=())
        if key and phrase_share(key) > MAX_PHRASE_SHARE:
            continue
        if focus_term(t, paper.title, paper.abstract):  # compare_central: '3D object generation'
            out.append(with_digits(t, f"{paper.title}. {paper.abstract}"))
    return out


def _ground_line(pa: Profile, pb: Profile, shared: Ground, results: list[tuple[Reported, Reported]],
                 own_a: list[str], own_b: list[str], thin: bool,
                 texts: tuple[str, str] = ("", "")) -> str:  # fmt: skip
    if thin:
        line = f"Loosely related: both mention {_listing(shared.named)}, little else"
    elif shared.related and (shared.phrases or shared.nouns):
        named = _one_per_head([_unclipped(t, texts) for t in shared.phrases]) or shared.nouns
        line = f"Both deal with {_listing(named)}"
        if shared.phrases and shared.also:  # compare_ground.Ground.also
            line += f" (both also say {_listing([repr(w) for w in shared.also])})"
        if not shared.phrases and shared.adjectives:
            quoted = [f"'{w}'" for w in shared.adjectives]
            line += f" (both also say {_listing(quoted)})"
    elif shared.related:
        term = "terms" if len(shared.words) > 1 else "term"  # 'the distinctive term molecular'
        line = f"Both use the distinctive {term} {_listing(shared.words)}"
    else:
        line = "Little in common: no distinctive subject is central to both"
        if own_a and own_b:
            line += f" ({pa.label} is about {own_a[0]}, {pb.label} about {own_b[0]})"
    if results:
        line += f"; both report {_listing([ra.benchmark for ra, _ in results])}"
    if pa.kind == pb.kind and pa.kind in _BOTH_ARE:
        line += f"; {_BOTH_ARE[pa.kind]}"
    return fit(line)


# the field's stock words: no clause is set apart or made alike by them
_STOCK = frozenset("""method methods approach approaches framework frameworks model models novel new
    based using use uses system systems paper work task tasks performance result results data
    propose proposes introduce introduces present presents develop develops simple effective
    efficient existing large language generate generates generating generation enable enables
    enabling leverage leverages leveraging visual content user users interaction interactive
    train trains training learn learning improve improves improving
    high-quality""".split())  # fmt: skip
_CONTENT_WORD = re.compile(r"[A-Za-z][\w-]*")


def _mostly_shared(clause: str, label: str, own: Paper, other: Paper) -> bool:
    """True when most of what the clause says beyond its verb (3 words or more, 60 % of its
    content words by stem) the other abstract says too: 'employs adversarial finetuning to
    reduce the denoising to a single step' against a paper that also reduces sampling to one
    step by adversarial distillation is no difference between the two. Word stems, not a
    paraphrase model: the offline engine has none, and stems already catch the overlap the
    readers saw."""
    words = _CONTENT_WORD.findall(clause[len(label) :])[1:]  # past the verb
    def stems(text: str) -> set[str]:
        return {stem(w.lower()) for w in _CONTENT_WORD.findall(text)}

    titles = stems(label) | (stems(own.title) & stems(other.title))  # the subject both name
    keys = {stem(w.lower()) for w in words if w.lower() not in STOPWORDS | _STOCK} - titles
    if not keys:
        return False
    theirs = stems(f"{other.title} {other.abstract}")
    common = keys & theirs
    return len(common) >= 3 and len(common) >= 0.5 * len(keys)


def _figures(results: list[tuple[Reported, Reported]], pa: Profile, pb: Profile) -> str:
    ra, rb = results[0]
    return f"both report {ra.benchmark}: {pa.label} {ra.value} vs {pb.label} {rb.value}"


def _summary(a: Paper, b: Paper, pa: Profile, pb: Profile, shared: Ground,
             results: list[tuple[Reported, Reported]], own_a: list[str],
             own_b: list[str], thin: bool) -> str:  # fmt: skip
    """One line of at most ~30 words about both papers: what each does ('A proposes X, while B
    introduces Y'), with both numbers on a benchmark both report; for unrelated papers, plainly
    that they share little. A line about one paper only is never written: with no clause for
    each, it says less (the shared figures, or the shared ground alone)."""
    twins = _twins(a, b)
    if twins:  # round 18's paired readers: two versions of one work, and nothing said of it
        return _line(f"{_capital(pa.label)} and {pb.label} have nearly the same abstract "
                     f"({twins}% of their words in common): probably two versions of one work")
    if not shared.related:
        text = f"{_capital(pa.label)} and {pb.label} share little"
        if own_a and own_b:
            text += f": {pa.label} is about {own_a[0]}, {pb.label} about {own_b[0]}"
        return _line(text)
    lead = _figures(results, pa, pb) if results else ""
    if thin:
        lead = f"Loosely related (both mention {_listing(shared.named)})"
    said = tuple(r.value for pair in results for r in pair)
    firsts = _clauses(a, b, pa, own_a, None, said)
    by_verb: dict[str | None, list[str]] = {}  # the second paper's clauses, per verb to avoid
    # the pair of clauses that are both papers' main contributions, within SHORT_WORDS words
    # before SUMMARY_WORDS, then the pair whose shorter clause is longest, then the longest: not a
    # whole clause for one paper beside a bare name for the other ('DynamicScaler introduces an
    # Offset Shifting Denoiser.' where its clause goes on to say what the denoiser does: round
    # 13's paired readers; VINE's main clause beside a shorter side one: round 17)
    fitting = []
    for first in firsts:
        verb = first[len(pa.label) :].split()[0]
        if verb not in by_verb:
            by_verb[verb] = _clauses(b, a, pb, own_b, verb, said)
        for second in by_verb[verb]:
            joined = f"{first}, while {second}"
            text = f"{lead}: {joined}" if thin else "; ".join(p for p in (lead, joined) if p)
            if _fits(text, SUMMARY_WORDS):
                sizes_said = (len(first.split()) - len(pa.label.split()),
                              len(second.split()) - len(pb.label.split()))  # fmt: skip
                mains = _from_main(first, pa) + _from_main(second, pb)
                fitting.append((mains, _fits(text, SHORT_WORDS), min(sizes_said),
                                sum(sizes_said), text))  # fmt: skip
    if fitting:  # the main contributions first (compare_does), then a short line, the balance
        return _line(max(fitting, key=lambda f: f[:4])[4])
    # a clause for one paper beside the other's kind ('LLaVA-Critic introduces the first open-
    # source LMM ..., while HumanEval-V builds a benchmark'), never the two kinds alone when one
    # clause fits (round 18's readers: 'X proposes a method, while Y builds a benchmark' said
    # nothing the titles do not)
    half = _one_clause(a, b, pa, pb, firsts, own_b, said, lead, thin)
    if half:
        return _line(half)
    # no clause for each: never the shared-ground line again, but what sets the two apart when
    # it is known for sure (their kinds), with the shared figures. Never 'B is about <one of its
    # phrases>': blind readers (round 5) found such phrases were as often what the paper argues
    # against ('PrefixQuant is about per-token dynamic quantization') as what it is about
    contrast = _contrast(pa, pb)
    if contrast:
        text = "; ".join(p for p in (contrast, "" if thin else lead) if p)
        if _fits(text):
            return _line(text)
        return _line(contrast)
    if lead and not thin:
        return _line(lead)
    return ""  # no summary of its own: the shared ground alone (renderers show it once)


def _clauses(paper: Paper, other: Paper, p: Profile, own: list[str], avoid: str | None,
             said: tuple[str, ...]) -> list[str]:  # fmt: skip
    """What `paper` does, a clause per size in _CLAUSE_SIZES (`avoid`: a verb the other clause
    has), each true to the paper's kind and not mostly what `other` says too; those that do not
    repeat the paper's takeaway first (compare_does.fresh)."""
    return fresh([c for c in dict.fromkeys(does(paper, p, own, avoid, w, said)
                                           for w in _CLAUSE_SIZES)
                  if c and _true_to_kind(c, p) and not _mostly_shared(c, p.label, paper, other)],
                 p)  # fmt: skip


TWIN_SHARE = 0.6  # of the two abstracts' content words, shared (the next pair held-out: 0.34)


def _twins(a: Paper, b: Paper) -> int:
    """The share (in %) of content words the two abstracts have in common when it is so high
    that they are two versions of one work, else 0."""
    words_a, words_b = set(content_tokens(a.abstract)), set(content_tokens(b.abstract))
    share = len(words_a & words_b) / max(1, len(words_a | words_b))
    return round(100 * share) if share >= TWIN_SHARE else 0


def _one_clause(a: Paper, b: Paper, pa: Profile, pb: Profile, firsts: list[str],
                own_b: list[str], said: tuple[str, ...], lead: str, thin: bool) -> str:  # fmt: skip
    """'A <does>, while B <its kind>' (or the other way round) when B's kind is known and not
    A's, and A has a clause that fits: its main contribution's first, the longest."""
    if pa.kind == pb.kind and pa.kind not in ("survey", "benchmark", "dataset"):
        return ""  # (two surveys: each 'reviews the field'; two benchmarks: each builds one)
    seconds = _clauses(b, a, pb, own_b, None, said)
    options = [(f"{first}, while {pb.label} {_KIND_IS[pb.kind]}", first, pa)
               for first in firsts if pb.kind]  # fmt: skip
    options += [(f"{pa.label} {_KIND_IS[pa.kind]}, while {second}", second, pb)
                for second in seconds if pa.kind]  # fmt: skip
    fitting = []
    for joined, clause, profile in options:
        text = f"{lead}: {joined}" if thin else "; ".join(p for p in (lead, joined) if p)
        if _fits(text, SUMMARY_WORDS):
            fitting.append((not restates(clause, profile), _from_main(clause, profile),
                            len(text.split()), text))  # fmt: skip
    return max(fitting)[3] if fitting else ""


# what a survey's clause says when it is true to the paper: it surveys, reviews, sorts
_REVIEWS = re.compile(r"\b(?:survey|review|overview|taxonom|categori|summari|catalog)", re.I)


def _true_to_kind(clause: str, p: Profile) -> bool:
    """False for a survey's clause that does not say it reviews ('GUI Agents proposes a unified
    framework that delineates their perception': round 17's readers read a system into it)."""
    return p.kind != "survey" or bool(_REVIEWS.search(clause[len(p.label) :]))


def _from_main(clause: str, p: Profile) -> bool:
    """True when most of the clause's words are its paper's main contribution's."""
    words = set(content_tokens(clause[len(p.label) :]))
    return bool(p.main) and len(words & set(content_tokens(p.main))) * 2 >= len(words)


_KIND_IS = {
    "method": "proposes a method", "survey": "reviews the field", "benchmark": "builds a benchmark",
    "dataset": "builds a dataset", "position": "argues a position",
}  # fmt: skip


def _contrast(pa: Profile, pb: Profile) -> str:
    """'A proposes a method, while B builds a benchmark' when both kinds are known and differ,
    else ''."""
    if pa.kind and pb.kind and pa.kind != pb.kind:
        return f"{pa.label} {_KIND_IS[pa.kind]}, while {pb.label} {_KIND_IS[pb.kind]}"
    return ""


def _fits(text: str, words: int = SUMMARY_WORDS) -> bool:
    """True when the line holds `text` whole: at most SUMMARY_WORDS words and LINE_MAX_CHARS."""
    whole = squash(text)
    return len(whole.split()) <= words and len(whole) < LINE_MAX_CHARS - 2


def _line(text: str) -> str:
    text = balanced(squash(drop_list_numbers(_capital(text))).rstrip(" .,;:")) + "."
    return fit(text, LINE_MAX_CHARS, SUMMARY_WORDS + 5)


def _differences(a: Paper, b: Paper, pa: Profile, pb: Profile, own_a: list[str],
                 own_b: list[str], thin: bool) -> list[Difference]:  # fmt: skip
    """Rows with a cell on both sides; for a loosely related pair no problem or focus row (they
    would read as if the two papers worked on one thing)."""
    rows = []
    cells = {side: (problem_cell(p.title, p.abstract, prof.roles.problem, _names(p, prof)),
                    approach_cell(p.title, p.abstract, prof.roles.method, _names(p, prof)),
                    results_cell(p.title, p.abstract, _names(p, prof)))
             for side, p, prof in (("a", a, pa), ("b", b, pb))}  # fmt: skip
    for i, aspect in enumerate(("problem", "approach", "results")):
        cell_a, cell_b = cells["a"][i], cells["b"][i]
        if thin and aspect == "problem":
            continue
        # a row only when both sides say something, and something different
        if cell_a and cell_b and cell_a != cell_b and not _empty(cell_a) and not _empty(cell_b):
            rows.append(Difference(aspect=aspect, a=cell_a, b=cell_b))
    if pa.kind and pb.kind and pa.kind != pb.kind:  # only kinds the cues leave no doubt about
        rows.append(Difference(aspect="contribution type", a=pa.kind, b=pb.kind))
    # the focus: a paper's own phrases that are central to it (in its title or the sentence
    # that says what it does), never one from its background or from what it argues against
    # ('vocabulary alignment' of a paper that removes it: round 5 and 6 readers)
    focus_a = _central(own_a, a.title, f"{cells['a'][1]} {pa.roles.method} {pa.takeaway}")
    focus_b = _central(own_b, b.title, f"{cells['b'][1]} {pb.roles.method} {pb.takeaway}")
    if focus_a and focus_b and not thin:
        rows.append(Difference(aspect="focus", a=_listing(focus_a) + ".",
                               b=_listing(focus_b) + "."))  # fmt: skip
    # a release row whenever one side states or promises a release (both releasing is worth
    # a row too); a release verb whose object is not parsed leaves the row out, not 'No
    # release stated'
    if any((pa.released, pa.promised, pb.released, pb.promised)) and not (
            pa.unknown or pb.unknown):  # fmt: skip
        rows.append(Difference(aspect="releases", a=_released(pa), b=_released(pb)))
    if not rows and pa.takeaway and pb.takeaway and pa.takeaway != pb.takeaway:
        # the schema wants one row: each paper's takeaway (never a '—' cell)
        rows.append(Difference(aspect="takeaway", a=fit(pa.takeaway, FIELD_MAX_CHARS),
                               b=fit(pb.takeaway, FIELD_MAX_CHARS)))  # fmt: skip
    if not rows:
        rows.append(Difference(aspect="releases", a=_released(pa), b=_released(pb)))
    return rows


def _central(terms: list[str], title: str, main: str) -> list[str]:
    """The terms each of whose words the title or the paper's main sentences write."""
    text = f"{title} {main}".lower()
    return [t for t in terms if all(re.search(rf"\b{re.escape(w.rstrip('s'))}", text)
                                     for w in t.lower().split())]  # fmt: skip


def _names(paper: Paper, p: Profile | str) -> tuple[str, ...]:
    """What the paper calls itself: its short label (`p`'s) and the names it gives its
    artifacts (in the title or not: 'STRING shifts ...' says what the paper does)."""
    label = p if isinstance(p, str) else p.label
    said = (label, named(paper), *introduced(paper))
    return tuple(n for n in dict.fromkeys(said) if n and not n.startswith("the "))


def _released(p: Profile) -> str:
    said = f"{_capital(p.released)} released" if p.released else ""
    if p.promised:
        said += ("; " if said else "") + f"{p.promised} promised, not yet released"
    return _capital(said) + "." if said else "No release stated."


def _empty(cell: str) -> bool:
    return cell.startswith(("Not stated", "No result stated"))


def _prefer(me: Profile, other: Profile, facts: list[str]) -> str:
    """'Prefer X <when>: <the fact>' for each fact that sets the paper apart (it is a survey or
    a benchmark where the other is not, it releases code or data the other does not, a fact of
    compare_reasons the other lacks), else NO_PREFERENCE (which no renderer shows); a promise is
    no reason. What the paper does is not said again (the table says it: round 6's readers
    found 'Prefer X: it proposes ...' restated the approach), nor who reports the higher figure
    on a shared benchmark (settings differ too often to pick a paper by it)."""
    found = []
    # 'the other does not' propose a method: only when its abstract has no method cue at all
    kinds_apart = bool(other.kind) and me.kind != other.kind and me.kind in _KIND_OFFERS
    if kinds_apart and (me.kind != "method" or (
            other.kind in _KIND_OFFERS and not other.proposes)):  # fmt: skip
        found.append(f"for {_KIND_OFFERS[me.kind]}")
    found += facts
    if me.released and not other.released and not other.unknown:
        # a release is a reason of its own (a reader can build on it), said with what the
        # other paper states: a promise or nothing
        found.append(f"to build on its {me.released}: released (the other " + (
            "only promises a release)" if other.promised else "states no release)"))
    if not found:
        return NO_PREFERENCE
    return _fit_reasons(f"Prefer {me.label}", found)


def _fit_reasons(head: str, found: list[str]) -> str:
    """The line with as many whole reasons as fit (a reason is never cut mid-way)."""
    for k in range(len(found), 0, -1):
        line = head + " " + "; ".join(found[:k])
        if len(line.split()) <= FIELD_WORDS and len(line) < FIELD_MAX_CHARS - 1:
            return fit(line)
    return fit(head + " " + found[0])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
