"""Facts that set two papers apart, for the offline comparison: a benchmark both report a
number on (compare_figures), whether a paper releases its code or data, and cells that are
whole clauses.

Hand rules over the abstract's own words; each is tested on real abstracts
(tests/test_compare_content.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperbrief.engines.offline.compare_figures import Reported as Reported
from paperbrief.engines.offline.compare_figures import reported as reported
from paperbrief.engines.offline.compare_figures import shared_results as shared_results
from paperbrief.engines.offline.compare_text import balanced, dangling, tidy
from paperbrief.engines.offline.extract import clean
from paperbrief.engines.offline.standalone import dangles
from paperbrief.phrases import is_adjective as adjective
from paperbrief.text import STOPWORDS, sentences, squash

# what a release is of: code, model weights or data, named in the release statement itself
_THING = (
    r"(?:source code|code|codes|codebase|implementations?|toolkit|scripts?|weights|checkpoints?|"
    r"models?|dataset|datasets|data|benchmarks?|corpus|corpora)"
)
# an explicit release or availability statement about one of those things; a project page,
# a demo or 'sampled results' link, or 'we construct/curate/collect a dataset' is none
_RELEASE = re.compile(
    r"\b" + _THING + r"\b[^.;]{0,60}?\b(?:is|are|will be|would be|shall be|has been|have been)\s+"
    r"(?:made\s+)?"
    r"(?:publicly\s+|openly\s+|freely\s+)?"
    r"(?:available|released|open[- ]sourced?|public|published)\b"
    # 'checkpoints and code can be found in https://...': availability at a link
    r"|\b" + _THING + r"\b[^.;]{0,60}?\bcan be (?:found|accessed|downloaded)\s+(?:at|in|on|via|"
    r"from)\s+\S*(?:https?:|www\.|github|huggingface)"
    # 'we (also / have / are / will publicly) release': not 'We evaluated 22 open-source LMMs'
    r"|\b(?:we|will)\s+(?:(?:also|further|hereby|fully|now|additionally|have|are|will|shall|do"
    r"|plan to|publicly|openly)\s+){0,2}(?:publicly\s+|openly\s+)?(?:releas|open[- ]sourc|publish)"
    r"\w*\b[^.;]{0,60}?\b" + _THING + r"\b"
    r"|\b(?:we|will)\s+make\s[^.;]{0,60}?\b" + _THING + r"\b[^.;]{0,30}?\bavailable\b"
    r"|^\W*" + _THING + r"\s*:\s*\S*(?:github\.com|huggingface\.co)",
    re.IGNORECASE,
)
_LINK_WITH_THING = re.compile(r"\b" + _THING + r"\b[^.;]{0,60}?(?:github\.com|huggingface\.co)",
                              re.IGNORECASE)  # fmt: skip
# 'trained' before a thing word names what is released ('our data, code, and trained
# checkpoints': Pangea, round 9), not a use of it
_USE = re.compile(r"(?<!\bour)(?<!\bthe)\s(?:with|for|to|on|that|which|trained(?!\s+(?:[\w-]+\s+)?"
                  + _THING + r"\b)|built|using)\s(?!https?:)",
                  re.IGNORECASE)  # fmt: skip
# a benchmark and its evaluation scripts are said as such, not as 'data' (round 9's readers:
# CAMEL-Bench's 'Our benchmark and evaluation scripts are open-sourced' is more than data)
_KINDS = (("code", r"(?<!evaluation )\b(?:source code|code|codes|codebase|implementations?"
                   r"|toolkit)\b|(?<!evaluation )\bscripts?\b"),
          ("model weights", r"\b(?:weights|checkpoints?|models?)\b"),
          ("data", r"\b(?:dataset|datasets|data|corpus|corpora)\b"),
          ("benchmark", r"\bbenchmarks?\b"),
          ("evaluation scripts", r"\bevaluation (?:scripts?|code)\b"))  # fmt: skip
# a thing word naming another ('benchmark code', 'model weights', 'dataset toolkit') is no
# release of its own: the noun it modifies is what is released
_MODIFIER = re.compile(r"\b" + _THING + r"\s+(?=" + _THING + r"\b)", re.IGNORECASE)
# 'data' naming the work on data is no data release ('All of our data processing and training
# code is open-sourced': MathCoder2, round 27's readers)
_DATA_WORK = re.compile(r"\bdata(?=\s+(?:processing|collection|generation|curation|synthesis"
                        r"|cleaning|preparation|filtering|pipeline)\b)", re.IGNORECASE)  # fmt: skip
# a link's own words are no released thing ('https://github.com/.../Cheating-LLM-Benchmarks')
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.-]+\.(?:com|org|io|co|ai|net)/\S*", re.I)
# 'model' naming another noun is no model release: 'model responses', 'model outputs', 'model
# merging', 'model card' release what the model wrote or a text about it, not its weights. A
# following word that is no thing word, no conjunction, preposition, verb or adverb is read as
# the noun 'model' modifies (no tagger is loaded for the few words of a release statement)
_MODEL_OF = re.compile(
    r"\bmodels?(?:'s?)?\s+(?!(?:and|or|are|is|will|would|can|could|have|has|had|were|was|be|at|on"
    r"|in|into|from|via|to|for|with|of|that|which|we|as|under|through|here|there|along|alongside"
    r"|shall|should|must|may|might"
    r"|together|itself|themselves|now|also|zoo|suite|series|family|families|collection|variants?"
    r"|checkpoints?|weights?|code|codes|codebase|datasets?|data)\b)"
    # a lower-case word that is no adverb ('publicly') nor participle ('released', 'related'):
    # 'model ru-en-RoSBERTa' is a name
    r"(?=(?-i:[a-z][a-z-]*)(?![\w-]))(?![a-z]+(?:ly|ed)\b)",
    re.IGNORECASE,
)
# the released noun is in the verb's object: '... open-source VBench++ | and continually add new
# video generation models' releases no models (a new clause starts at 'and <verb>')
_OBJECT_END = re.compile(
    r"\s+(?:and|or)\s+(?!(?:(?:our|the|its|their|all|pre-?trained|"
    r"\w+-?\w*)\s+){0,2}" + _THING + r"\b)",
    re.IGNORECASE,
)
# a release verb: a statement using one whose released noun is not parsed leaves the release
# unknown (no release row, no 'it releases' reason for the other paper)
_RELEASE_VERB = re.compile(
    r"\b(?:we|is|are|be|been|was|were|also|fully|publicly|openly)\s+(?:\w+\s+)?(?:releas(?:e|es|"
    r"ed|ing)|open[- ]sourc(?:e|es|ed|ing))\b|^\W*(?:released|open[- ]sourced)\b|\b(?:is|are|be|"
    r"been|make|made)\s+(?:\w+\s+)?(?:publicly|freely|openly)\s+available\b",
    re.IGNORECASE,
)


# a promise of a release ('Codes will be available', 'we will release', 'upon acceptance') is
# no release: a comparison says at most that the paper promises it
_PROMISE = re.compile(r"\b(?:will|would|shall)\b|\bto be (?:made |released|open)|\bupon "
                      r"(?:acceptance|publication)|\bafter (?:acceptance|publication)|\bcoming "
                      r"soon\b|\bplan(?:s|ned)? to\b|\bsoon\b", re.IGNORECASE)  # fmt: skip


def _kinds(found: list[str], repository: bool = False, abstract: str = "",
           promised: bool = False) -> str:  # fmt: skip
    # what is released is named before the release's purpose or use ('... our codebase with
    # support for training on Open X-Embodiment datasets' releases no data); `repository`: a
    # sentence links a GitHub repository and names nothing else, which is code
    text = " ".join(_released_part(_object(s)) for s in found) + (" code" if repository else "")
    # (a benchmark at a '/datasets/' link is the benchmark, not data besides it)
    text += " " + " ".join(k for k in _hub_kinds(abstract, promised)
                           if k != "dataset" or not re.search(r"\bbenchmarks?\b", text, re.I))
    if not promised and _OPEN_WEIGHTS.search(abstract):
        text += " weights"  # 'Open-weight offerings include base and instruction-tuned models'
    text = _named_data(_LINK.sub(" ", text), abstract)
    text = _MODIFIER.sub(" ", text)
    text = _DATA_WORK.sub(" ", text)  # 'our data processing and training code' is code only
    text = _THING_OF.sub(r"\1", text)  # 'the code of our benchmark' releases code (OmniEval)
    text = _MODEL_OF.sub(" ", text)
    kinds = [kind for kind, pattern in _KINDS if re.search(pattern, text, re.IGNORECASE)]
    if len(kinds) <= 1:
        return "".join(kinds)
    return ", ".join(kinds[:-1]) + " and " + kinds[-1]


# a Hugging Face link says what it holds: '/datasets/' data, '/spaces/' a demo (nothing
# released), '<org>/<name>' a model (round 18's readers: HelpSteer2's 'openly release the trained
# Reward Model at https://huggingface.co/nvidia/...' and HumanEdit's 'we release HumanEdit at
# https://huggingface.co/datasets/...' went unsaid)
_HUB = re.compile(r"huggingface\.co/(?:(datasets)/|(spaces|papers|docs|blog|collections)/|)"
                  r"[\w.-]+/[\w.-]*\w", re.IGNORECASE)  # fmt: skip
# the paper's own open weights ('Open-weight offerings include ...': Qwen2.5), not others'
# ('the best open-weight models struggle')
_OPEN_WEIGHTS = re.compile(r"\bopen[- ]weights?\s+offerings\b|\b(?:our|its)\s+open[- ]weights?\b"
                           r"|\b(?:release|provide|offer)\w*\s+(?:the\s+|its\s+|our\s+)?"
                           r"open[- ]weights?\b", re.IGNORECASE)  # fmt: skip


def _hub_kinds(abstract: str, promised: bool) -> list[str]:
    """The thing words for the Hugging Face links of sentences that release (or, `promised`,
    promise) what they link to."""
    out = []
    for s in sentences(abstract):
        if bool(_PROMISE.search(s)) != promised or not _RELEASE_VERB.search(s) and not re.search(
                r"\bavailable\b|\bat\s+https?:", s, re.I):  # fmt: skip
            continue
        for m in _HUB.finditer(s):
            if not m.group(2):
                out.append("dataset" if m.group(1) else "weights")
    return out


def _named_data(text: str, abstract: str) -> str:
    """The released part with a name the abstract calls a dataset or benchmark said as such:
    'we release the IMed-361M and model' releases data, for 'we introduce the IMed-361M
    benchmark dataset' (round 18's readers: 'Model weights released' for a dataset paper)."""
    for name in set(re.findall(r"(?<![\w-])([A-Z][\w.+-]*[A-Z0-9][\w+-]*|[A-Z][a-z]+[A-Z]\w*)",
                               text)):  # fmt: skip
        said = re.escape(name)
        what = re.search(rf"(?<![\w-]){said}(?:\s+benchmark)?\s+(dataset|corpus|benchmark)\b"
                         rf"|(?<![\w-]){said}\s*,\s+(?:a|an|the)\s+(?:[\w,-]+\s+){{0,6}}?"
                         rf"(dataset|corpus|benchmark)\b", abstract)  # fmt: skip
        if what:
            text = re.sub(rf"(?<![\w-]){said}(?![\w-])", f" {what.group(1) or what.group(2)} ",
                          text)  # fmt: skip
    return text


# '<thing> of our <thing>': the second names whose the first is, not a release of its own
_THING_OF = re.compile(r"\b(code|codes|codebase|implementation|weights|checkpoints|data)"
                       r"\s+(?:of|for)\s+(?:our|the|its|this|their)\s+(?:[\w-]+\s+){0,2}?"
                       + _THING + r"\b", re.IGNORECASE)  # fmt: skip


def _released_part(statement: str) -> str:
    """The statement up to the end of its released noun phrase: the first thing named, and
    what is coordinated with it before a purpose or use ('Please refer to our code on ...'
    and 'Our project page with source code is available' name the code after a 'to' or a
    'with'; the split is only looked for after the first thing, when the release statement
    is about that thing: 'code is available', 'code on https://github.com/...')."""
    m = _RELEASE.search(statement) or _LINK_WITH_THING.search(statement)
    if m and m.start() > 0 and re.match(_THING, m.group(0), re.IGNORECASE):
        # 'Our code is available at ...': the released thing opens the statement; what comes
        # before it ('... W4A4 quantized models using PrefixQuant is 1.60x faster. Our code')
        # is another sentence the splitter did not cut
        statement = statement[m.start() :]
        m = _RELEASE.search(statement) or _LINK_WITH_THING.search(statement)
    cut = _OBJECT_END.split(_USE.split(statement, maxsplit=1)[0], maxsplit=1)[0]
    first = re.search(r"\b" + _THING + r"\b", statement, re.IGNORECASE)
    if not first or first.end() <= len(cut) or _OBJECT_END.search(statement[: first.start()]):
        return cut  # '... open-source VBench++ | and continually add new ... models'
    if not m or m.start() != first.start():
        return cut  # 'We use open-source agent scaffolds | to evaluate ... models': no release
    head, tail = statement[: first.end()], statement[first.end() :]
    return head + _OBJECT_END.split(_USE.split(tail, maxsplit=1)[0], maxsplit=1)[0]


def _object(statement: str) -> str:
    """'Leveraging this toolkit, we are releasing the ... corpus': what follows 'we release' is
    what is released (the toolkit before it is not)."""
    m = _RELEASE.search(statement)
    if m and re.match(r"(?:we|will)\b", m.group(0), re.IGNORECASE):
        return statement[m.start() :]
    return statement


# data that is (not) available to a method is no release: 'only a limited amount of labeled
# data is available in practical applications' (SemiEvol, round 7's readers); a statement of
# availability counts only with a link, a 'publicly/openly/freely', or nothing after it
_SCARCE = re.compile(r"\b(?:limited|only|little|scarce|few|no|insufficient|abundant|plenty|"
                     r"amounts? of|lack of)\b[^.;]{0,40}?\b(?:is|are) (?:\w+ )?available\b(?![^.;]"
                     r"{0,40}(?:https?:|github|huggingface))", re.IGNORECASE)  # fmt: skip


def _statements(abstract: str) -> list[str]:
    """The release statements, clause by clause: 'Our dataset is available online on
    HuggingFace, | and our code will be available here' releases data and promises code (round
    11's readers: the whole sentence was read as one promise)."""
    parts = (part for s in sentences(abstract) for part in _release_clauses(s))
    stated = (s for s in parts if _RELEASE.search(s) or _LINK_WITH_THING.search(s))
    return [s for s in stated if not _SCARCE.search(s)]


# where one release statement ends and the next begins within a sentence
def _release_clauses(sentence: str) -> list[str]:
    """The sentence cut where one release statement ends and the next begins; a part that
    states no release of its own ('The code, the model, | and the interface will be released')
    stays joined to what follows."""
    parts, held = [], ""
    for part in _CLAUSES.split(sentence):
        held = f"{held}, and {part}" if held else part
        if _RELEASE.search(held) or _LINK_WITH_THING.search(held):
            parts.append(held)
            held = ""
    return parts + ([held] if held else [])


# (a clause with its own subject and verb: '..., and our code will be available'; never inside a
# list, 'Our code, data, and models are available')
_CLAUSES = re.compile(r",\s+(?:and|but|while|whereas)\s+(?=(?:the|our|all|its|their)\s+"
                      r"(?:[\w-]+\s+){0,3}?(?:will|shall|is|are|can|has|have|was|were)\b)|;\s+",
                      re.IGNORECASE)  # fmt: skip


@lru_cache(maxsize=2048)  # asked by the profile, promises, release_unknown and the reasons
def releases(abstract: str) -> str:
    """What the abstract says it releases ('code', 'model weights', 'data', or two or three of
    them joined: 'code and model weights'), from explicit release or availability statements
    only, a promise ('will be available') not counted; '' when it states none."""
    return _kinds([s for s in _statements(abstract) if not _PROMISE.search(s)],
                  any(not _PROMISE.search(s) for s in _repositories(abstract)), abstract)


# a GitHub repository of the paper's own ('Project website: https://github.com/sled-group/
# Teachable_RL', round 9's readers: 'No release stated' was wrong): a repository is code put
# out. A github.io page is a project page (no code); a repository named in a sentence that
# says what it is already ('The dataset is available at github.com/...') is read there
_REPOSITORY = re.compile(r"\bgithub\.com/[\w.-]+/(?![\w.-]*\.github\.io\b)[\w.-]*\w", re.I)
# a repository that is a reading list ('Awesome-Attention-Heads', 'Our reference list is
# open-sourced at', 'collecting the latest papers'), or whose release verb names a thing not
# parsed ('We release a suite of DLMs ... https://github.com/...': weights, not only code)
_NOT_CODE = re.compile(r"\bawesome|\b(?:reference|reading|paper) lists?\b|\bpapers\b|\bresources\b"
                       r"|\bwe\s+(?:\w+\s+)?(?:releas|open[- ]sourc)\w*\s+(?!(?:it|them)\b)\w",
                       re.IGNORECASE)  # fmt: skip


def _repositories(abstract: str) -> list[str]:
    if re.search(r"\bsurvey\b|\b(?:a|this|our)\s+(?:[\w-]+\s+){0,2}review\s+(?:of|on)\b",
                 abstract, re.IGNORECASE):  # fmt: skip
        return []  # a survey's or review's repository is a reading list more often than code
    stated = _statements(abstract)
    return [s for s in sentences(abstract)
            if _REPOSITORY.search(s) and s not in stated and not _NOT_CODE.search(s)
            and not _names_data(s, abstract)]  # fmt: skip


def _names_data(sentence: str, abstract: str) -> bool:
    """'Med-MAT is publicly available at https://github.com/...' where another sentence says
    'we assembled 106 medical datasets to create Med-MAT': what is put out is data, not code
    (and what kind of data is not parsed: no release is said)."""
    m = re.match(r"\s*(?:The\s+)?([A-Z][\w.+-]*[\w+])\s+(?:is|are|has been|have been)\b", sentence)
    if not m or m.group(1).lower() in ("code", "project", "repository", "work", "system"):
        return False
    name = re.escape(m.group(1))
    return any(re.search(rf"(?<![\w-]){name}(?![\w-])", s) and re.search(
        r"\b(?:datasets?|benchmarks?|corpus|corpora|collection)\b", s, re.IGNORECASE)
               for s in sentences(abstract) if s != sentence)  # fmt: skip


# 'We introduce LLaVA-Critic, the first open-source large multimodal model': an open release
# said as a description, not as a release statement
_OPEN_SELF = re.compile(r"\b(?:we (?:introduce|present|propose|release|build|develop)\w*|this is)"
                        r"\s+[^.;]{0,60}?\b(?:the first|the largest|an?|fully|our)"
                        r" open[- ]source\b", re.IGNORECASE)  # fmt: skip


_VAGUE_RELEASE = re.compile(r"\b(?:resources|materials|artifacts|everything)\s+(?:are\s+|is\s+)?"
                            r"(?:publicly\s+|freely\s+|openly\s+)?available\b", re.IGNORECASE)


def release_unknown(abstract: str) -> bool:
    """True when the abstract uses a release verb ('we fully open-source VBench++') or calls what
    it introduces open-source, but what it releases, or promises, is not parsed: a comparison
    then says nothing of its releases."""
    if releases(abstract) or promises(abstract):
        return False
    if _OPEN_SELF.search(squash(abstract)) or re.search(r"\bopen[- ]weights?\b", abstract, re.I):
        return True  # 'Open-weight offerings include base and instruction-tuned models' (Qwen2.5)
    if _VAGUE_RELEASE.search(abstract):
        return True  # 'Resources available at: ...' (MMCOMPOSITION): something is, not said what
    return any(
        _RELEASE_VERB.search(s) and not re.search(r"\breleased by\b", s)
        for s in sentences(abstract)
    )


def promises(abstract: str) -> str:
    """What the abstract promises to release ('Codes will be available at ...': 'code') and
    does not say it releases; '' when it promises nothing more."""
    released = releases(abstract)
    promised = _kinds([s for s in _statements(abstract) if _PROMISE.search(s)],
                      any(_PROMISE.search(s) for s in _repositories(abstract)), abstract,
                      promised=True)  # fmt: skip
    return "" if not promised or promised == released else promised


_WHOLE_END = re.compile(r"\s*(?:[.!?;:,)\]]|[-–—]|\([^()]{1,80}\)\s*(?:[.;:,!?]|[-–—])|$)")


def _ends_whole(text: str, flat: str) -> bool:
    """True when `text`'s last words end a sentence or clause wherever the abstract has them."""
    tail = " ".join(text.split()[-4:])
    ends = [m.end() for m in re.finditer(re.escape(tail), flat)]
    return bool(ends) and all(_WHOLE_END.match(flat, end) for end in ends) or not ends


# --- cells: whole sentences or whole clauses ----------------------------------------------

CELL_WORDS = 30
# ';' or ', while ...' ends a clause; a ':' does not (what follows it is the content: 'We
# propose a different design approach: we run LLM workers in parallel ...'); a participle
# phrase after a comma starts a new one ('..., still cannot beat traditional ML models | ,
# shedding light on ...'): the clause before it is whole
CLAUSE_END = re.compile(r";\s|,\s(?=(?:while|whereas|but|which|and|where|thereby|shedding"
                         r"|suggesting|indicating|highlighting|underscoring|revealing|leading"
                         r"|resulting|allowing|enabling)\b)|\s[-–—]+\s")  # fmt: skip


def whole_clause(line: str, abstract: str, max_words: int = CELL_WORDS) -> str:
    """The role line as a cell: the whole sentence when it is short enough, else its head up
    to a clause break (';', ', while', ', which', a dash); '' when it has none early enough,
    when the line is not a whole sentence of the abstract, or when it opens on a word that
    needs the sentence before it."""
    text = squash(balanced(tidy(line))).rstrip(".")
    if not text or dangles(text):
        return ""
    if re.search(
        r"\b(?:at|in|on|from|via|to|of|the|a|an|and|or|for|with|by|as|while|that)$",
        text,
        re.IGNORECASE,
    ):  # 'Code is available at' once the link is cleaned away
        return ""
    whole = _ends_whole(text, squash(tidy(abstract)))
    if whole and len(text.split()) <= max_words:
        return text + "."
    heads = [m.start() for m in CLAUSE_END.finditer(text) if m.start() > 0]
    heads = [h for h in heads if 6 <= len(text[:h].split()) <= max_words]
    if not heads:
        return ""
    return balanced(text[: heads[-1]].rstrip(" ,;:")) + "."


# where a long sentence's head may end: at a comma before a modifier or a second part ('We
# introduce AceMath, a suite of frontier math models that excel in solving complex math problems
# | , along with highly effective reward models ...') or at a colon ('We propose DreamRunner, a
# novel story-to-video generation method | : First, ...'); never without the comma, where the cell
# would read as cut (bench/content.py's "cut cells")
_SOFT_BREAK = re.compile(r"[,;]\s(?=(?:and|along with|including|together with|as well as|that"
                         # a participle phrase goes on from the whole clause before it ('We
                         # introduce VisionZip, a method that selects ... model | , reducing
                         # visual token redundancy and improving efficiency ...')
                         r"|reducing|improving|enabling|allowing|achieving|yielding|thereby"
                         r"|facilitating|ensuring|maintaining|preserving|resulting|leading"
                         r"|which|designed|capable|to|by|via|through|using|with|for)\s)|:\s")


def whole_head(line: str, abstract: str, max_words: int = CELL_WORDS) -> str:
    """The longest head of a sentence too long for a cell (see `whole_clause`) that ends where
    a phrase of the abstract ends (`whole_tail`), at least eight words; '' when none does."""
    text = squash(balanced(tidy(line))).rstrip(".")
    if not text or dangles(text):
        return ""
    ends = [m.start() for m in _SOFT_BREAK.finditer(text)
            if 8 <= len(text[: m.start()].split()) <= max_words]  # fmt: skip
    for end in reversed(ends):
        head = text[:end].rstrip(" ,;:")
        if whole_tail(head, abstract):
            return balanced(head) + "."
    return ""


_OPEN_TAIL = frozenset("them it its their this these that allowing enabling making using driven "
                       "designed based aimed called named such drawn built taken given known shown "
                       "chosen written grown seen".split())  # fmt: skip
# ... or by a participle phrase, a removable modifier ('mathematical code | accompanied with')
# (a participle or adjective phrase after a noun modifies it: 'a ... learning framework | designed
# to train web agents', 'a video autoencoder | capable of ...' end whole at the noun)
_GOES_ON = re.compile(r"\s*(?:[.,;:)!?]|$|(?:that|which|while|whereas|where|by|through|via|using|"
                      r"with|across|from|on|in|for|without|at)\b|\(|[a-z]{3,}ed\s+(?:with|by|on|in"
                      r"|for|from|at|via|using|to|specifically)\b|(?:specifically|explicitly)\s+"
                      r"[a-z]{3,}ed\b|capable\s+of\b|able\s+to\b)", re.IGNORECASE)  # fmt: skip
# 'teaches models | to predict', 'the ability of LLMs | to plan': the infinitive completes it
_OBJECT_INFINITIVE = re.compile(r"\b(?:enabl|allow|help|teach|train|forc|requir|encourag|prompt|"
                                r"ask|want|guid|caus|permit|instruct|empower|let|make|get|abilit|capabilit|"
                                r"potential|capacit|tendenc|attempt|effort|need|way|opportunit|"
                                r"propensit|failure|struggl)\w*"
                                r"(?:\s+\S+){1,3}$"
                                # 'learns model weights with the ability | to ...' (round 14)
                                r"|\b(?:abilit|capabilit|capacit|potential|tendenc|opportunit"
                                r"|propensit)\w*$", re.IGNORECASE)  # fmt: skip
# 'between latency | and accuracy', 'both A | and B', 'simultaneously achieves token
# compression | and ...': the pair is cut in two
_PAIRED = re.compile(r"\b(?:between|both|either|neither|among|whether|simultaneously|jointly"
                     r")\b(?:\s+\S+){1,3}$",
                     re.IGNORECASE)  # fmt: skip


# an embedded question wants its verb: 'examined how architecture', 'asks whether models'
_QUESTION = re.compile(r"\b(?:how(?!\s+to\b)|why|whether|what|which of)\b(?:\s+\S+){1,2}$",
                       re.IGNORECASE)  # fmt: skip


def _alike(last: str, after_and: str) -> bool:
    """True when the words either side of 'and' are items of one list: both hyphenated
    ('Pre-LN and Post-LN') or of one suffix ('tokenization and quantization')."""
    last, after_and = last.strip(",;:()"), after_and.strip(",;:.()")
    if len(last) < 3 or len(after_and) < 3:
        return False
    if "-" in last and "-" in after_and:  # the text is lower-cased here: 'pre-ln and post-ln'
        return True
    return last[-4:].lower() == after_and[-4:].lower() and last.isalpha() and after_and.isalpha()


def _goes_on_after(words: list[str], flat: str, end: int) -> bool:
    """A clause may also end before 'to' (a purpose: '... an evaluator | to assess ...') or
    before 'and' (a new coordinate), unless its last words need what follows."""
    text = " ".join(words)
    if re.match(r"\s+to\s", flat[end:]):  # not 'three primary challenges contributing | to'
        return not _OBJECT_INFINITIVE.search(text) and not words[-1].lower().endswith("ing")
    if re.match(r"\s+(?:and|or)\s+[\w-]+(?:\s+[\w-]+)?\s*(?:[.;:)]|,\s+(?:which|while|where"
                r"|whereas|allowing|enabling|thereby)\b|$)", flat[end:]):  # fmt: skip
        return False  # 'the strengths of Pre-LN | and Post-LN.': the list's last item is dropped
    if re.match(r"\s+and\s", flat[end:]):  # not 'a theoretical | and empirical understanding'
        # nor 'designed to automatically recognize | and conduct token-level rewards': verbs
        # that share the object after the second one
        if re.search(r"\bto\s+(?:\S+\s+)?\S+$", text, re.IGNORECASE):  # 'to better encode |
            return False
        if _alike(words[-1], flat[end:].split()[1]):
            return False  # 'of Pre-LN | and Post-LN within ...': a pair of names cut in two
        return not re.search(r"(?:al|ic|ar)$", words[-1].lower())
    return False


_HYPHEN_ADJECTIVES = frozenset("quality scale level based aware free time grained specific like "
                               "wise efficient resolution world art".split())  # fmt: skip


def whole_tail(text: str, abstract: str) -> bool:
    """True when `text` (a clause quoted from the abstract) ends where a noun phrase or clause
    of the abstract ends: followed there by punctuation or a new modifier ('that', 'by',
    'for'), not by the rest of its phrase ('enables language models | to orchestrate',
    'a theoretical | framework', 'between latency | and accuracy')."""
    words = text.rstrip(" .").split()
    if not words:
        return False
    last = words[-1].lower().strip(",;:")
    # 'in parallel', 'in isolation': an adjective after 'in' ends the phrase
    idiom = len(words) >= 2 and words[-2].lower() == "in" and last.isalpha()
    if dangling(words[-1]) or last in _OPEN_TAIL or (adjective(last) and not idiom):
        return False
    if "-" in last and last.rsplit("-", 1)[1] in _HYPHEN_ADJECTIVES:  # 'high-quality'
        return False
    if re.match(r"(?:high|low|well|fine|large|small|full|multi|long|short)-", last):
        return False  # 'to create high-fidelity | avatars'

    if _PAIRED.search(text):  # 'a trade-off between latency | , model size and accuracy'
        return False
    if re.search(r",\s+(?:including|such as|e\.g\.,?)\s+(?:\S+\s+){0,2}\S+$", text, re.I):
        return False  # 'a training methodology, including pre-training | on ... and ...'
    if _QUESTION.search(text):  # 'studies that examined how architecture | and task ... influence'
        return False
    if re.search(r"\b(?:that|which|who)\s+\S+$", text, re.IGNORECASE):  # 'an LLM that acts'
        return False
    # a question or a 'the first ...' the abstract goes on with ('examines why directly applying
    # SAEs | to ... fails', 'presents the first high-quality dataset | for egocentric video
    # generation': round 14's readers) ends whole only where the abstract's sentence or clause does
    question, first = _OPEN_QUESTION.search(text), _FIRST.search(text)
    flat = squash(tidy(clean(abstract))).lower()
    for size in (3, 2):  # 'develops a theoretical' is 'develop a theoretical' in the abstract
        tail = " ".join(words[-size:]).lower()
        ends = [m.end() for m in re.finditer(re.escape(tail), flat)]
        if ends and question:
            return any(re.match(r"\s*(?:[.,;:)!?]|$)", flat[end:]) for end in ends)
        if ends and first and all(_FIRST_SCOPE.match(flat, end) for end in ends):
            return False
        if ends:
            return any(_GOES_ON.match(flat, end) or _goes_on_after(words, flat, end)
                       for end in ends)  # fmt: skip
    return True  # rewritten beyond its last two words: the last word was checked


_OPEN_QUESTION = re.compile(r"\b(?:how(?!\s+to\b)|why|whether|what)\b(?:\s+\S+){1,5}$", re.I)
_FIRST = re.compile(r"\bthe first\s+(?:[\w-]+\s+){0,3}[\w-]+$", re.IGNORECASE)
_FIRST_SCOPE = re.compile(r"\s+(?:for|tailored|designed|dedicated|specifically)\b", re.IGNORECASE)


# --- cells with content ---------------------------------------------------------------------

# where a LaTeX macro naming the paper's method was cleaned away before a verb: after 'that'
# ('evaluations demonstrate that \omniedit can significantly outperform': OmniEdit, round 12's
# readers) or after 'with' ('Llama 3.1 70B with \method even achieves': STRING, round 13); the
# word before the gap is group 1 or 2 (compare_cells puts the paper's name back there)
LOST_SUBJECT = re.compile(
    r"\b((?:demonstrat|show|confirm|indicat|reveal|find|found|prove|verif)\w*\s+that)\s+"
    r"(?=(?:can|could|achieves|outperforms|surpasses|significantly|consistently"
    r"|substantially)\b)|\b(with)\s+(?=(?:even\s+|also\s+)?(?:achieves|outperforms|surpasses"
    r"|attains)\b)", re.IGNORECASE)  # fmt: skip

# a sentence whose method name (a LaTeX macro, a link) was cleaned away: 'We propose, an
# approach ...', 'called .', '( )'
_LOST_NAME = re.compile(
    r"\b(?:propose|proposes|present|presents|introduce|introduces|call|calls|called|dub|dubbed"
    r"|name|named|term|termed|release|releases)\s*[,;:.)]"
    r"|\b(?:the|a|an|our|we)\s*[,;:.)]|\b(?:a|an|the)\s+(?:and|or)\b"  # 'an and effective'
    r"|\(\s*[,;]?\s*\)|,\s*,|^\s*[,;:]"
    # a preposition left before a comma where a macro was ('the effectiveness of, with'), or a
    # placeholder's braces ('a framework named {}')
    r"|\b(?:of|for|with|by|via|from|than|named|called|dubbed|termed)\s*[,;:.)](?!\d)|[{}]"
    r"|" + LOST_SUBJECT.pattern,
    re.IGNORECASE,
)
# a slogan is no approach: 'brings back the magic of flip-book animation', 'just draw your idea'
_SLOGAN = re.compile(r"\bmagic\b|\bjust (?:draw|type|say|describe|write|tell)\b|\bbrings? back\b"
                     r"|\bgame[- ]chang|\brevolutioni[sz]|\bsets? a new standard\b|\bunleash",
                     re.IGNORECASE)  # fmt: skip


def lost_name(text: str) -> bool:
    """True when the text reads as a sentence whose name was lost ('propose, an approach',
    'the effectiveness of, with', 'named {}') or is a slogan ('brings back the magic of')."""
    return bool(_LOST_NAME.search(text) or _SLOGAN.search(text))


_EMPTY_WORDS = frozenset(
    """we our us this that these paper work propose proposes proposed present presents
    introduce introduces introduced novel new approach approaches method methods framework
    simple effective efficient two-fold twofold study technique model models solution design
    address addresses tackle problem issue""".split()
)


def content_free(text: str, least: int = 3) -> bool:
    """True for a cell that says nothing but that there is an approach ('We propose a two-fold
    approach.'): fewer than `least` words beyond stopwords and the field's stock words."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", text)]
    # a compound counts as two words ('a new concurrent-reasoning paradigm' says something)
    return sum((1 + ("-" in w.strip("-"))) * (w not in STOPWORDS and w not in _EMPTY_WORDS)
               for w in words) < least  # fmt: skip
