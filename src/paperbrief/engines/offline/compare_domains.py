"""The kind of data a paper works on (video, images, speech, molecules, ...), for the offline
comparison's "when to prefer" lines.

Round 26's fresh readers missed, in pair after pair, a prefer line where the two papers work on
different data: "video + motion control vs image/stylization is clear", "training-free change
for image diffusion vs finetuning for music", "video vs speech is left to the titles", "medical
imaging vs language modeling is left implicit". The line is said only when each paper's data is
plain (named in its title, or the data its abstract names most and at least three times), one
of the two never names the other's, each names its own more often, and no kind is named twice
by both. Round 27's fresh readers asked for text-only against multimodal language models too
(`modality_reasons`).

A hand-written word list: the data kinds are few and stable, their names are ordinary words,
and a keyword model (tags, phrases) ranks what is distinctive, not what kind of data it is.
"""

from __future__ import annotations

import re

# name said in the line -> the words that name it (case-insensitive unless (?-i:...))
_DOMAINS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "video": r"\bvideos?\b",
        "images": r"\bimages?\b|\bphoto(?:graph)?s?\b|\bpictures?\b",
        "3D": r"(?-i:\b3D|\bNeRF)|\bpoint clouds?\b|\bmesh(?:es)?\b|\bthree-dimensional\b"
              r"|\bgaussian splatting\b|\bradiance fields?\b",
        "speech": r"\bspeech\b|\bspoken\b|\b(?-i:TTS|ASR)\b|\bspeakers?\b",
        "music": r"\bmusic(?:al)?\b|\bsongs?\b",
        "audio": r"\baudio\b|\bsounds?\b",
        "code": r"\bcode generation\b|\bprogramming\b|\bsoftware\b|\bcoding\b|\bsource code\b",
        "molecules": r"\bmolecul\w*|\bprotein\w*|\bchemi\w*|\bdrugs?\b",
        "medicine": r"\bmedic\w*|\bclinic\w*|\bbiomedic\w*|\bradiolog\w*|\bpatients?\b",
        "robots": r"\brobot\w*|\bembodied\b|\bhumanoids?\b",
        # ('Mathematical Models for Code-Mixed Information Retrieval' is no mathematics paper)
        "mathematics": r"\bmath\b|\bmathematics\b|\bmathematical (?:reasoning|problems?)\b"
                       r"|\btheorems?\b",
        "driving": r"\bdriving\b|\bvehicles?\b",
        "finance": r"\bfinanc\w*",
        "law": r"\blegal\b|\blaw\b",
    }.items()
}
# a title's word that names the data the paper serves, even beside another ('Text-to-Video'
# names video, not text; 'Image-to-3D' names 3D): the kind after 'to' wins
_TO = re.compile(r"\bto-(\w+)", re.IGNORECASE)
_MANY = re.compile(r"(?i)modalities|\bomni|\bany-to-any\b")
MIN_MENTIONS = 3
# kinds one is made from the other so often that 'works on video' against 'works on 3D' misleads
# (MonST3R's geometry from dynamic video against MotionGS's dynamic 3D scenes)
_OVERLAP = ({"3D", "video"},)


def domain(title: str, abstract: str) -> str:
    """The data the paper works on when it is plain, else ''."""
    if _MANY.search(title):
        return ""  # '... across Language, Visual, and Audio': many kinds, none plain
    in_title = [name for name, words in _DOMAINS.items() if words.search(title)]
    target = _TO.search(title)
    if target:
        in_title = [n for n in in_title if _DOMAINS[n].search(target.group(1))] or in_title
    if len(in_title) == 1:
        return in_title[0]
    if in_title:
        return ""  # 'Video and Image ...', 'Speech-to-Text': two kinds, none plain
    ranked = sorted(_counts(abstract).items(), key=lambda item: -item[1])
    (top, most), (_, next_most) = ranked[0], ranked[1]
    return top if most >= MIN_MENTIONS and most >= 2 * next_most else ""


def domain_reasons(a: tuple[str, str], b: tuple[str, str], labels: tuple[str, str]
                   ) -> tuple[str, str]:  # fmt: skip
    """The two prefer reasons ('if you work on video (FLUX works on images)'), one per paper,
    when the papers (title, abstract) work on plainly different data; else two empty strings (a
    line on one side only reads as a title echo: round 26)."""
    da, db = domain(*a), domain(*b)
    if not da or not db or da == db or {da, db} in _OVERLAP:
        return "", ""
    ca, cb = _counts(f"{a[0]} {a[1]}"), _counts(f"{b[0]} {b[1]}")
    # one of the two never names the other's data ('subject-driven video customization' from a
    # reference image against an image paper that never writes 'video'), and each names its
    # own more often than the other's
    if cb[da] and ca[db] or ca[da] <= ca[db] or cb[db] <= cb[da]:
        return "", ""
    # data both write of more than once is common ground, not a split (EchoPrime's
    # echocardiography videos against a medical vision-language model: both are medicine)
    if any(ca[name] >= 2 and cb[name] >= 2 for name in _DOMAINS):
        return "", ""
    return (f"if you work on {da} ({labels[1]} works on {db})",
            f"if you work on {db} ({labels[0]} works on {da})")


# a multimodal model against a text-only language model (round 27's readers: "VLM versus text
# LLM", "LVLM versus LLM" left unstated)
_MODEL_ACRONYMS = r"(?-i:\b(?:MLLMs?|LVLMs?|VLMs?|LMMs?)\b)"
_MULTIMODAL = re.compile(_MODEL_ACRONYMS + r"|\bmulti-?modal\b|\bvision[- ]language\b",
                         re.IGNORECASE)  # fmt: skip
_PERCEPTION = re.compile(r"\b(?:images?|visual|vision|videos?|speech|audio|pixels?|multi-?modal)\b|"
                         + _MODEL_ACRONYMS, re.IGNORECASE)  # fmt: skip
_TEXT_LM = re.compile(r"(?-i:\bLLMs?\b)|\blanguage models?\b", re.IGNORECASE)


def _modality(title: str, abstract: str) -> str:
    """'multimodal' for a paper on multimodal models (named in its title, or thrice),
    'text' for one on language models (named in its title) that never writes of images,
    vision, video, speech or audio, else ''."""
    # an acronym in brackets after its words is one mention ('Vision-Language Models (VLMs)')
    text = re.sub(r"\s*\([^()]{1,12}\)", "", f"{title} {abstract}")
    # (OHRBench's abstract names VLMs twice in a discussion: round 27's paired readers)
    if _MULTIMODAL.search(title) or len(_MULTIMODAL.findall(text)) >= 3:
        return "multimodal"
    if _TEXT_LM.search(title) and not _PERCEPTION.search(text):
        return "text"
    return ""


def modality_reasons(a: tuple[str, str], b: tuple[str, str], labels: tuple[str, str]
                     ) -> tuple[str, str]:  # fmt: skip
    """'if you work on text-only language models (X works on multimodal models)' and its mirror
    when one paper is plainly on multimodal models and the other on text alone, else two empty
    strings."""
    ma, mb = _modality(*a), _modality(*b)
    if {ma, mb} != {"text", "multimodal"}:
        return "", ""
    said = {"text": "text-only language models", "multimodal": "multimodal models"}
    return (f"if you work on {said[ma]} ({labels[1]} works on {said[mb]})",
            f"if you work on {said[mb]} ({labels[0]} works on {said[ma]})")


def _counts(text: str) -> dict[str, int]:
    """How often `text` names each kind of data."""
    return {name: len(words.findall(text)) for name, words in _DOMAINS.items()}
