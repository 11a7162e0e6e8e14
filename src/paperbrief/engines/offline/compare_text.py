"""Small text helpers the offline comparison modules share.

LaTeX-free text, brackets that pair up, word runs without a trailing stopword, titles
squeezed to letters and digits, and initials.
"""

from __future__ import annotations

import re

from paperbrief.text import STOPWORDS, squash

_LATEX_PERCENT = re.compile(r"(\d)\s?\\%")


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


def trim(words: list[str]) -> list[str]:
    """`words` without trailing stopwords ('a method for the' -> 'a method')."""
    while len(words) > 1 and words[-1].lower().strip(",;:") in STOPWORDS:
        words = words[:-1]
    return words


def squeeze(text: str) -> str:
    """`text` lower-cased to letters and digits only, for loose matching against a title."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def initials(words: str) -> str:
    """Upper-case initials of `words`, split at spaces and hyphens ('Adaptive Parallel' -> 'AP')."""
    return "".join(part[0] for part in re.split(r"[\s-]+", words.strip()) if part).upper()


# Words a cut phrase must not end on: counts ('three'), adjectives that wait for their noun
# ('distinct', 'manual') and nouns that need what follows them ('the fact that', 'a way to').
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve twenty hundred hundreds
    thousand thousands million millions billion billions dozen dozens several many few
    multiple various numerous""".split()
)
_OPEN_ADJECTIVES = frozenset(
    """distinct different new various novel existing same other own such certain manual single
    first second third last initial final traditional finite infinite short long high low large
    small full partial specific general overall key main efficient robust accurate simple
    fast lightweight consistent""".split()
)
_NEEDS_COMPLEMENT = frozenset(
    """fact idea notion question problem issue need lack use ability number set kind type sort
    form part amount range variety series family class way means role effect impact importance
    presence absence advantage case""".split()
)
# Function words: a phrase never ends on one, and one after a cut means the phrase was whole.
_FUNCTION = frozenset(
    """a an the this these that those its their our his her some any each every all both either
    neither no of in on at by for with from into onto to via within without through over under
    between among across against about after before during until upon toward towards as than
    and or but nor so yet while whereas which who whom whose where when whether if because
    although though since is are was were be been being has have had do does did can could will
    would may might must should shall not also only even such namely including like per""".split()
)
_COMPLEMENT = frozenset("of that whether to how".split())
_NOUN_IVE = frozenset("objective alternative perspective initiative incentive primitive".split())


def _bare(word: str) -> str:
    return word.lower().strip(",;:.!?\"'()")


def dangling(word: str) -> bool:
    """True for a word a phrase cannot end on: a stopword, a count, an open adjective, an
    -ed/-ly word or an -ive/-ous/-able adjective."""
    bare = _bare(word)
    if bare in _FUNCTION or bare in _NUMBER_WORDS or bare in _OPEN_ADJECTIVES or not bare:
        return True
    if re.fullmatch(r"[\d.,]+", bare) or (len(bare) > 4 and re.search(r"(?<!e)ed$|ly$", bare)):
        return True
    return bare.endswith(("ous", "able", "ible", "ful", "ive")) and bare not in _NOUN_IVE


def phrase_end(words: list[str], k: int) -> bool:
    """True if the first `k` of `words` end on a complete noun phrase: no dangling last word,
    no compound cut in two ('three distinct | constraint'), no noun missing its complement."""
    if k < 1 or dangling(words[k - 1]):
        return False
    if k >= len(words) or words[k - 1][-1] in ",;:.!?)":
        return True
    following = _bare(words[k])
    if following not in _FUNCTION and not words[k].startswith("("):
        return False  # the noun phrase goes on
    return not (_bare(words[k - 1]) in _NEEDS_COMPLEMENT and following in _COMPLEMENT)


# a list number whose parentheses the listing lost, opening a sentence: '1 We transform ...', '4 By
# further investigating ...' (round 6); a count ('10 Million images') is followed by no such word
_LEADING_NUMBER = re.compile(r"^\(?[1-9][).]?\s+(?=(?:We|Our|By|In|To|This|The|It|A|An|First|Then"
                             r"|Finally|Based|Using|With|For|Through|Moreover|Additionally)\b)")
# ... or inside a sentence: 'WebRL incorporates 1 a
# self-evolving curriculum', 'we show that 1 UGround ...' (round 8); not a count or a name's
# number ('top 1 accuracy', 'on 1 A100', 'Stage 1 The' is a name): only before an article or a
# word with a lower-case letter, after a word that takes no number
_LIST_NUMBER = re.compile(r"(?<=[a-z,:])\s+\(?([1-9])\)?\s+(?=(?:a|an|the)\s|[A-Z][A-Za-z-]*[a-z])")
_TAKES_NUMBER = re.compile(r"\b(?:top|stage|step|version|level|phase|round|rank|part|type|tier"
                           r"|figure|table|section|only|about|nearly|over|under|than|to|of|by"
                           r"|from|and|or|at|per)$", re.IGNORECASE)  # fmt: skip


def drop_list_numbers(text: str) -> str:
    """The text without the list numbers whose parentheses were lost, at its start or inside
    it (see _LEADING_NUMBER and _LIST_NUMBER)."""
    text = _LEADING_NUMBER.sub("", text)

    def keep(m: re.Match[str]) -> str:
        return m.group(0) if _TAKES_NUMBER.search(text[: m.start()]) else " "

    return _LIST_NUMBER.sub(keep, text)


def mentions(text: str, names: tuple[str, ...], *, ignore_case: bool = False) -> bool:
    """True when `text` writes one of `names` as a whole word ('CoDe', not 'CoDec'; 'F-HOI',
    not 'F-HOI-2')."""
    flags = re.IGNORECASE if ignore_case else 0
    return any(n and re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, flags) for n in names)


# praise the abstract gives its own work before what it is ('a simple yet effective method',
# 'an innovative framework', 'two novel distillation approaches'): a comparison says what the
# work does, not how the authors rate it (round 21's readers: 'proposes a simple yet powerful
# encoder-free MLLM'). Words that can name a property ('efficient', 'robust', 'unified',
# 'scalable', 'lightweight', 'simple' alone) stay. A hand list: no library tells praise from
# description.
_PRAISE = r"(?:novel|innovative|powerful|elegant|remarkable|groundbreaking|pioneering|cutting-edge)"
_PRAISED = re.compile(
    r"\b(an?|the|two|three|our|its)\s+((?:" + _PRAISE + r"|simple,?\s+(?:yet|but|and)\s+"
    r"(?:effective|powerful))(?:,?\s+(?:and|yet)\s+(?:effective|" + _PRAISE[3:] + r")?\s+)"
    r"(?!(?:and|or|but|yet)\b)(?=[\w(])", re.IGNORECASE)  # fmt: skip


def unpraised(text: str) -> str:
    """`text` without the praise before a noun phrase ('a simple yet effective method that
    selects ...' -> 'a method that selects ...'), its article agreeing again."""

    def drop(m: re.Match[str]) -> str:
        article, rest = m.group(1), text[m.end() :]
        if article.lower() in ("a", "an"):
            vowel = bool(re.match(r"[aeiou]|(?:hou|hon)", rest, re.IGNORECASE)) and not re.match(
                r"(?:uni|use|one|eu)", rest, re.IGNORECASE)  # fmt: skip
            article = ("An" if vowel else "A") if article[0].isupper() else (
                "an" if vowel else "a")  # fmt: skip
        return article + " "

    return _PRAISED.sub(drop, text)


# a clause that answers the sentence before by doing something ('VisRAG, which tackles this
# issue by establishing a VLM-based RAG pipeline'): what it does is the gerund (round 23's
# readers found VisRAG described by its retriever's training data instead)
_BY_DOING = re.compile(
    r"\b(?:address|tackl|solv|overcom|bridg|fill|clos|mitigat|alleviat|resolv)(?P<s>e?s|e)?\s+"
    r"(?:this|these|that|those|such|the)\s+(?:[\w-]+\s+){0,2}?by\s+(?P<g>[a-z]+)ing\b"
)
# the verbs abstracts write after 'by' to say what the paper does (no lemmatiser is a
# dependency: `base_of` knows only the verbs it is given)
_BY_VERBS = """introduce propose present develop establish build design leverage use employ
    construct create combine integrate train learn formulate decompose incorporate explore
    exploit adopt utilize utilise curate generate model reformulate unify apply""".split()


def base_of(gerund: str, verbs: list[str]) -> str | None:
    """The verb of `verbs` whose -ing form `gerund` is ('establishing' -> 'establish',
    'introducing' -> 'introduce'), else None."""
    for base in verbs:
        if gerund == (base[:-1] if base.endswith("e") else base) + "ing":
            return base
    return None


def third_person_of(base: str) -> str:
    """'establish' -> 'establishes', 'apply' -> 'applies', 'use' -> 'uses'."""
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + ("es" if base.endswith(("s", "sh", "ch", "x", "z")) else "s")


def by_doing(text: str, relative_only: bool = False) -> str:
    """'which tackles this issue by establishing X' -> 'which establishes X'; 'we address
    these challenges by introducing X' -> 'we introduce X' (not with `relative_only`: the
    summary's clauses read that form themselves, compare_clauses._SUBJECT); other text
    unchanged."""

    def verb(m: re.Match[str]) -> str:
        base = base_of(m.group("g") + "ing", _BY_VERBS)
        if base is None:
            return m.group(0)
        if relative_only and not re.search(r"\bwhich\s+$", text[: m.start()]):
            return m.group(0)
        return third_person_of(base) if (m.group("s") or "").endswith("s") else base

    return _BY_DOING.sub(verb, text)
