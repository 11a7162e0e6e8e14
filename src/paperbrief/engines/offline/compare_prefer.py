"""More facts for the offline comparison's "when to prefer" lines (round 9's readers: 12 of 15
prefer lines were a release while true, decision-relevant facts went unsaid): what the paper
calls itself (so 'CoDe achieves a 1.7x speedup' is read as the paper's own claim), a
training-free claim in the title ('Stable Flow: Vital Layers for Training-Free Image Editing'),
the memory and token budget it reports against a baseline, and whether the other paper gives a
speed figure at all.

Hand rules over the abstract's own words, like compare_reasons: no library reads '1280 tokens,
while baselines need 6144' or 'slashes memory usage by around 50%' as a budget the paper's own
method claims (a number tagger finds the figures, not whose they are nor what they measure),
so each rule asks for the paper's own voice ('we', 'our', its name) and a figure, and each is
said only when the other paper says nothing of the kind (when unsure, nothing is said).
"""

from __future__ import annotations

import re

from paperbrief.engines.offline.compare_text import mentions
from paperbrief.engines.offline.extract import LOST_TIMES
from paperbrief.text import sentences, squash

# the title's head before a colon ('OminiControl', 'Stable Flow'): a name when it is short
_HEAD = re.compile(r"^\s*([A-Z][^:]{1,40}?)\s*:")
# 'we propose Collaborative Decoding (CoDe)': an acronym the paper defines for its own method
_DEFINED = re.compile(r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?(?:propose|present|introduce"
                      r"|develop|design|build|call|name|dub|term)\w*\s+[^.;()]{0,80}?"
                      r"\(([A-Z][A-Za-z0-9-]{1,15})\)")  # fmt: skip
# 'we introduce CoordTok, a video tokenizer': a one-word name with a capital inside or a digit
_NAMED = re.compile(r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?(?:propose|present|introduce"
                    r"|develop|design|build)\w*\s+((?=[\w-]*[A-Z0-9][\w-]*[A-Z0-9])"
                    r"[A-Z][\w-]{2,24})\s*[,(]")  # fmt: skip


def own_names(title: str, abstract: str) -> tuple[str, ...]:
    """What the paper calls its own work: the title's head before a colon when it is one to
    three words, and an acronym it defines for what it proposes ('CoDe')."""
    names = []
    head = _HEAD.match(title)
    if head and len(head.group(1).split()) <= 3:
        names.append(head.group(1))
    flat = squash(abstract)
    found = [*_DEFINED.finditer(flat), *_NAMED.finditer(flat)]
    names += [m.group(1) for m in found if flat.count(m.group(1)) >= 2]
    return tuple(dict.fromkeys(n for n in names if len(n) > 2))


_OWN = re.compile(r"\b(?:we|our|this (?:paper|work)|the proposed|proposed)\b", re.IGNORECASE)


def own_voice(sentence: str) -> bool:
    """The sentence speaks of the paper's own work ('we', 'our', 'this paper', 'the proposed')."""
    return bool(_OWN.search(sentence))

# others' work ('existing methods need 6144 tokens'), unless set against it ('Unlike existing
# methods, ..., OminiControl ... with only ~0.1% additional parameters'), or a hope
_OTHERS = re.compile(
    r"\b(?:existing|previous|prior|conventional|current)\s+(?:\w+\s+){0,2}"
    r"(?:methods|approaches|works|models|systems|tokenizers)\b",
    re.I,
)
_CONTRAST = re.compile(r"\b(?:unlike|than|over|compared (?:to|with)|outperform\w*|surpass\w*)"
                       r"\s+(?:\w+\s+){0,2}(?:existing|previous|prior|conventional|current)\b",
                       re.IGNORECASE)  # fmt: skip
_HOPE = re.compile(r"\b(?:could|may|might|potential|future|aims?\s+to)\b", re.IGNORECASE)


def own_claims(title: str, abstract: str) -> list[str]:
    """The sentences that claim something of the paper's own work: in its voice ('we', 'our')
    or naming it ('CoDe achieves ...', 'OminiControl ... with only ~0.1% additional
    parameters'), not of others' methods nor a hope."""
    names = own_names(title, abstract)
    out = []
    for s in sentences(abstract):
        mine = own_voice(s) or mentions(s, names)
        if mine and not _HOPE.search(s) and (not _OTHERS.search(s) or _CONTRAST.search(s)):
            out.append(s)
    return out


# the title calls the method training-free: 'Vital Layers for Training-Free Image Editing'
_TITLE_FREE = re.compile(r"\b(?:training|tuning|finetuning|fine-tuning)[- ]free\b", re.I)


def title_training_free(title: str, abstract: str) -> bool:
    """True when the title says the paper's method needs no training (a title names the
    paper's own work; 'Do We Need Training-Free ...?' asks, and is not read), the title joins
    no other part to it ('Motion Generation and Training-free Editing': the generator is
    trained), and no sentence of its own trains ('through lightweight, trained conditioning
    adapters': DreamCache is finetuning-free only at test time)."""
    m = _TITLE_FREE.search(title)
    if not m or "?" in title or re.search(r"(?<![\w-])and(?![\w-])", title[: m.start()], re.I):
        return False
    # a sentence that says training-free itself sets it against others' training ('Despite
    # its training-free approach, ChatDiT surpasses ... those ... trained on ...')
    return not any((_TRAINED_BY.search(s) or _TRAINED_WORD.search(s)) and not _TITLE_FREE.search(s)
                   for s in own_claims(title, abstract))  # fmt: skip


_TRAINED_WORD = re.compile(r"(?<![\w-])(?:trained|learned|learnable|trainable)\b", re.I)


# training said of the method without 'we': 'these capabilities are achieved by training on
# images generated by the DiT itself', 'with only ~0.1% additional parameters' (a learned adapter)
_TRAINED_BY = re.compile(r"\bby (?:training|fine-?tuning)\b|\b(?:additional|extra|trainable"
                         r"|learnable) (?:\w+ )?parameters\b", re.IGNORECASE)  # fmt: skip
_NEGATED = re.compile(r"\b(?:not|no|without|never|nor|zero)\s+(?:[\w~%.-]+\s+){0,3}$", re.I)


def trains_named(title: str, abstract: str) -> bool:
    """True when a sentence of the paper's own (its voice or its name) trains its method in
    words compare_reasons.trains does not read ('achieved by training on', '~0.1% additional
    parameters'), not negated ('without additional parameters')."""
    for s in own_claims(title, abstract):
        for m in _TRAINED_BY.finditer(s):
            if not _NEGATED.search(s[: m.start()]):
                return True
    return False


_NUM = r"(?:up to |around |about |nearly |over |~\s?)?\d+(?:[.,]\d+)?\\?"  # '10\%': a LaTeX percent
# memory the paper's method saves: 'slashes memory usage by around 50%', 'reduces GPU memory
# by 3x', '2.5x less memory', '40% lower memory'
_MEMORY = re.compile(
    r"\b(?:reduc|cut|slash|sav|lower|decreas)\w*\s+(?:the\s+)?(?:peak\s+|GPU\s+|inference\s+"
    r"|training\s+)?memory(?:\s+(?:usage|consumption|footprint|cost|requirements?))?\s+by\s+"
    + _NUM
    + r"\s*(?:%|×|x|times)(?![\w])"
    r"|(?<![\w.])" + _NUM + r"\s*(?:%|×|x|times)\s+(?:less|lower|smaller|reduction in|fewer"
    r"|decrease in|savings? in)\s+(?:peak\s+|GPU\s+)?memory\b",  # 'a 50% decrease in memory usage'
    re.IGNORECASE,
)
# any word of memory: SepLLM's 'over 50% reduction in KV cache' is a memory cut too
_ANY_MEMORY = re.compile(r"\bmemory\b|\bVRAM\b|\bGPU hours\b|\bKV[- ]?cache|\bfootprint\b"
                         r"|\boffload", re.IGNORECASE)  # fmt: skip


def memory_figure(title: str, abstract: str) -> str:
    """The memory saving the paper reports for its own method, as said after 'it reports'
    ('slashes memory usage by around 50%' is 'a memory cut of around 50%'), else ''."""
    for s in own_claims(title, abstract):
        m = _MEMORY.search(s)
        if m and not _NEGATED.search(s[: m.start()]):
            figure = re.search(_NUM + r"\s*(?:%|×|x|times)", m.group(0), re.I)
            # a range is said whole: '45% to 50% less memory' (Adam-mini)
            lower = re.search(r"(\d+(?:\.\d+)?\s*%?\s*(?:to|-|–)\s*)$", s[: m.start()])
            if figure:
                said = (lower.group(1) if lower else "") + figure.group(0)
                return f"memory use cut by {squash(said).replace(chr(92), '')}"
    return ""


_N = r"\d+(?:[.,]\d+)?\s*[KkM]?"
# a token budget against a baseline: '1280 tokens, while baselines need 6144 or 8192 tokens'
_TOKENS_VS = re.compile(
    r"\b(" + _N + r")\s+(?:[\w-]+\s+)?tokens\b,?\s+(?:while|whereas)\s+((?:the\s+)?[\w -]{2,40}?)"
    r"\s+(need|require|use|take)s?\s+(" + _N + r"(?:\s+or\s+" + _N + r")?)\s+(?:[\w-]+\s+)?tokens",
    re.IGNORECASE,
)
# a share or a fold of the tokens: 'with less than 10% tokens', '4x fewer visual tokens',
# 'reduces the number of visual tokens by 75%'
_TOKENS_SHARE = re.compile(
    r"\b(?:with|using|uses?|requires?|needs?)\s+(?:less than|only|under|just)\s+\d+(?:\.\d+)?\\?%"
    r"\s+(?:of\s+(?:the\s+)?)?(?:[\w-]+\s+)?tokens\b"
    r"|(?<![\w.])" + _NUM + r"\s*(?:×|x|times|%)\s+fewer\s+(?:[\w-]+\s+)?tokens\b"
    r"|\breduc\w*\s+(?:the\s+)?(?:number\s+of\s+)?(?:[\w-]+\s+)?tokens\s+by\s+"
    + _NUM
    + r"\s*(?:%|×|x|times)(?![\w])",
    re.IGNORECASE,
)
_ANY_TOKENS = re.compile(r"\b(?:fewer|less|compress\w*|reduc\w*|budget|\d+)\b[^.;]{0,30}\btokens\b",
                         re.IGNORECASE)  # fmt: skip


def token_figure(title: str, abstract: str) -> str:
    """The token budget the paper reports for its own method against a baseline ('1280 tokens
    where baselines need 6144 or 8192', 'with less than 10% tokens'), else ''."""
    for s in own_claims(title, abstract):
        m = _TOKENS_VS.search(s)
        if m:
            return f"{squash(m.group(1))} tokens where {m.group(2).strip()} {m.group(3)} " + (
                f"{squash(m.group(4))}"
            )
        m = _TOKENS_SHARE.search(s)
        if m and not _NEGATED.search(s[: m.start()]):
            said = squash(m.group(0))
            said = LOST_TIMES.sub("×", said).replace("\\%", "%")
            # 'with less than 10% tokens' is said as 'using less than 10% tokens'
            said = re.sub(r"^(?:with|using|uses?|requires?|needs?)\b", "using", said, flags=re.I)
            return re.sub(r"^reduc\w*", "reducing", said, flags=re.I)
    return ""


def budget_reasons(mine: tuple[str, str], other: tuple[str, str]) -> list[str]:
    """The memory and token budgets of `mine` ((title, abstract)) that `other` does not speak
    of at all, each as a reason a reader can act on."""
    out = []
    memory = memory_figure(*mine)
    if memory and not _ANY_MEMORY.search(other[1]):
        out.append(f"if memory is tight: it reports {memory}")
    tokens = token_figure(*mine)
    if tokens and not _ANY_TOKENS.search(other[1]):
        out.append(f"if the token budget matters: it reports {tokens}")
    return out


# the size of data the paper builds: 'a dataset containing 3k reasoning-intensive charts and 20k
# Q&A pairs', 'totaling 361 million masks', 'a diverse 6M instruction dataset'
_COUNT = (r"(?<![\w.,])((?:over |more than |nearly |about |around |approximately |~\s?)?)"
          r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
          r"(k|K|M|B|million|billion|thousand)?\+?")  # fmt: skip
_ITEMS = (r"(?:samples|examples|images|videos|questions|pairs|instructions|hours|documents|tasks"
          r"|problems|dialogues|conversations|trajectories|clips|masks|sentences|annotations"
          r"|prompts|episodes|demonstrations|scenes|frames|texts|captions|utterances|papers"
          r"|articles|queries|instances|entries|items|records|recordings|charts|tables|programs"
          r"|solutions|responses|preferences|comparisons)")  # fmt: skip
# the words between the count and its noun hold no other figure ('83k objects and 671k masks'
# is two counts); a count in a dataset's name ('Rexverse-2M dataset') says no noun, and is left
_SIZE = re.compile(_COUNT + r"\s+((?:[^\W\d][\w&/-]*\s+){0,3}?" + _ITEMS + r")\b"
                   r"|" + _COUNT + r"\s+(instruction|preference|image|video|text)\s+(?:dataset"
                   r"|corpus)\b")  # fmt: skip
_DATA_WORD = re.compile(r"\b(?:dataset|benchmark|corpus|collection|suite|data)\b", re.IGNORECASE)
_BUILDS = re.compile(r"\b(?:construct|build|built|collect|curat|creat|introduc|present|releas"
                     r"|compris|contain|consist|includ|featur|span|total|produc|generat|synthesi"
                     r"|annotat|gather)\w*", re.IGNORECASE)  # fmt: skip
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
# data large enough that its size is a reason to pick the paper (a few hundred items are not)
_LARGE = 10_000


def data_size(title: str, abstract: str) -> tuple[str, float]:
    """The largest data the paper says it builds, as said ('361 million masks', '20k Q&A
    pairs') and its count; ('', 0) when none is said in a sentence that builds data of its own.
    """
    best: tuple[str, float] = ("", 0.0)
    for s in own_claims(title, abstract):
        if not (_DATA_WORD.search(s) and _BUILDS.search(s)):
            continue
        for m in _SIZE.finditer(s):
            first = m.group(2) is not None
            qualifier, number, unit = m.group(1, 2, 3) if first else m.group(5, 6, 7)
            value = float(number.replace(",", "")) * _SCALE.get((unit or "").lower(), 1.0)
            if value > best[1] and not re.match(r"\d{4}$", number):  # a year is no count
                noun = m.group(4) if first else f"{m.group(8)} samples"
                space = " " if unit and len(unit) > 1 else ""
                best = (f"{qualifier or ''}{number}{space}{unit or ''} {squash(noun)}", value)
    return best


def _builds_data(title: str, abstract: str) -> bool:
    """The paper builds or trains on data of its own whose size it gives in no count ('MMPR,
    a high-quality, large-scale multimodal reasoning preference dataset'): a size said for the
    other paper then sets nothing apart (MMPR may well be larger)."""
    return any(_OWN_DATA.search(s) and (_BUILDS.search(s) or re.search(r"\btrain", s, re.I))
               for s in own_claims(title, abstract))  # fmt: skip


# data of its own, of any kind: 'a benchmark', '87 public datasets', 'purely trained on synthetic
# multimodal data' (Euclid, against VisOnlyQA's 70k instances)
_OWN_DATA = re.compile(r"\b(?:datasets?|corpus|corpora|benchmarks?)\b|\b(?:synthetic|training"
                       r"|instruction|preference)\s+(?:[\w-]+\s+)?data\b", re.I)  # fmt: skip


def scale_reason(mine: tuple[str, str], other: tuple[str, str]) -> list[str]:
    """'if you need data: its data has 361 million masks' when the paper builds data of
    10,000 items or more and the other states no data of its own that large (round 25's
    readers: 'if data scale matters' against a paper with no data set up no comparison)."""
    said, size = data_size(*mine)
    if size < _LARGE or data_size(*other)[1] >= _LARGE / 10 or _builds_data(*other):
        return []
    return [f"if you need data: its data has {said}"]


# little data said as a strength: 'outperforms ... baselines using only 40K verifiable problems',
# 'using merely 0.3% of the training data'
_FEW = re.compile(r"\b(?:using|with|on|from|requires?|needs?|requiring|needing)\s+(?:only|merely"
                  r"|just)\s+(?:about\s+|around\s+)?(\d+(?:[.,]\d+)?\s*(?:%|k|K|M)?\s+"
                  r"(?:of\s+the\s+)?(?:[^\W\d][\w-]*\s+){0,2}?(?:" + _ITEMS[3:-1]
                  + r"|training data|data))\b")  # fmt: skip


def little_data(title: str, abstract: str) -> str:
    """The little data the paper's own method needs, as said ('only 40K verifiable problems'),
    else ''."""
    for s in own_claims(title, abstract):
        m = _FEW.search(s)
        if m and not re.search(r"\bGPU|\bcompute\b", m.group(1), re.IGNORECASE):
            return f"only {squash(m.group(1))}"  # '1.5k GPU hours' is compute, not data
    return ""


def data_reasons(mine: tuple[str, str], other: tuple[str, str]) -> list[str]:
    """Data scale and data economy: the first when the paper builds data of 10,000 items or
    more and the other states no data of its own that large, the second when it says it needs
    little data ('using only 40K verifiable problems') and the other says nothing alike."""
    out = scale_reason(mine, other)
    few = little_data(*mine)
    if few and not little_data(*other) and not re.search(r"\b(?:only|merely|just)\s+\d", other[1]):
        out.append(f"if data is scarce: it reports needing {few}")
    return out
