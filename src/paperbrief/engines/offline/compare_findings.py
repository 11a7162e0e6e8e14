"""What a finding is, for the offline comparison's results cells: a number with what it
measures, 'outperforms', 'improves ... by', 'shows that ...', 'achieves ...', or a claim the
abstract itself says its results found ('The results indicate that LLMs hardly think about
intermediate steps'); never what the paper builds or hopes, how it was evaluated, what other work
does or what might happen. And how much of a headline a finding is (`weight`).

Hand rules over the abstract's own sentences (no library tells a paper's finding from its plan
or its background), tested on real abstracts (tests/test_compare_cells.py,
tests/test_compare_round22.py). Imports only the standard library.
"""

from __future__ import annotations

import re

_NUMBER_FINDING = re.compile(
    r"\d(?:[\d,.]*\d)?\s?(?:%|×|x\b|-fold|times\b|per cent|percentage points?|points?\b|pp\b)"
    r"|\bfrom\s+\d[\d.,]*\s+to\s+\d|\bby\s+\d|\b\d+(?:\.\d+)?\s+(?:vs\.?|versus)\s+\d",
    re.IGNORECASE,
)
_FINDING = re.compile(
    # not a purpose ('can be applied to achieve ...') nor a hope ('future improvements')
    r"outperform|surpass|\bbeats?\b|\bexceed|(?<!\bto )\bachiev"
    r"|(?<!to )(?<!future )(?<!for )\bimprov(?:es|ed|ements?)\b"
    r"|\bshow(?:s|ed|n)?\s+(?:\w+\s+)?"
    r"that\b|\bdemonstrat\w*\b|\breveal\w*\s+that\b|\bfind(?:s|ings?)?\s+(?:\w+\s+)?that\b"
    # state of the art reached, not an adjective of others' work ('evaluations of both
    # state-of-the-art commercial LLMs and open-source models': round 18)
    r"|\bfound\s+that\b|\bstate-of-the-art\s+(?:performance|results?|accuracy|quality)\b"
    r"|\b(?:achiev|obtain|reach|set|establish|attain|deliver)\w*\s+(?:a\s+)?(?:new\s+)?"
    r"state-of-the-art\b|\b(?:than|over|outperform\w*|surpass\w*)\s+(?:the\s+)?state-of-the-art"
    r"|\bSOTA\b|speed-?up"
    r"|\breveal\w*\s+(?:the\s+|a\s+)?(?:\w+\s+)?(?:limitations?|gaps?|weakness\w*)\b"
    # 'reduces X by 40 %', not 'we reduce the sampling steps to one by introducing ...'
    r"|\breduc\w+\b[^.]{0,60}\bby\s+(?:up to\s+|over\s+|about\s+|nearly\s+|roughly\s+|\d|half\b"
    r"|a factor\b|an order\b|orders\b)"
    r"|\b(?:higher|lower|better|faster|fewer|less|more|smaller|larger)\s+(?:[\w-]+\s+){0,3}than\b"
    r"|\b(?:significantly|substantially|consistently|much|markedly)\s+(?:higher|lower|better"
    r"|faster)\b|\bcompetitive\b|\bcomparable\b|\bon par\b"
    r"|\bmatch(?:es|ing)\b|\bsuperior\b|\bgains?\b|\bsets? (?:a )?new\b|\bstruggle"
    r"|\bfail(?:s|ed)? to\b"
    # 'FoPE can maintain a more stable perplexity ... compared to RoPE and ALiBi'
    r"|\b(?:more|less|better|higher|lower|fewer|faster)\b[^.;]{0,80}\bcompared (?:to|with)\b"
    r"|\byield\w*\b|\bscores?\b|\bremains? (?:far )?(?:below|behind)\b|\bwins?\b"
    # '... into 1280 tokens, while baselines need 6144 or 8192 tokens' (CoordTok)
    r"|\b(?:while|whereas)\s+(?:the\s+)?(?:baselines?|prior|existing|previous)\b[^.;]{0,40}?"
    r"\b(?:need|require|take|use)s?\s+\d",
    re.IGNORECASE,
)
_STRONG_FINDING = re.compile(r"outperform|surpass|\bbeats?\b|\bexceed|\bachiev|\bSOTA\b"
                             r"|state-of-the-art|speed-?up|\bsets? (?:a )?new\b", re.I)
# what is no finding: what the paper builds, hopes or offers ('We hope MIR could be', 'we
# provide practitioners immediate access', 'will drive further advancements')
_NOT_FINDING = re.compile(
    r"^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|first\s+|then\s+)?(?:propose"
    r"|introduce|present|develop|design|build|construct|curate|collect|create|provide|offer"
    r"|release|hope|believe|expect|envision|anticipate|aim|plan|make|open-source)\w*\b"
    r"|\b(?:we hope|we believe|we expect|we envision|we anticipate|will (?:drive|inspire|serve"
    r"|facilitate|enable|benefit|pave|help|foster|spur|open|advance|support|contribute|become)"
    r"|could (?:serve|be|inspire|help|facilitate|enable|pave)|may (?:serve|inspire|help"
    r"|facilitate|enable|pave)|is (?:publicly )?available|are (?:publicly )?available"
    r"|paves? the way|pav(?:es|ing) (?:a|the) (?:way|path)|lays? the (?:foundation|groundwork)"
    r"|opens? (?:up )?(?:new )?(?:avenues|possibilities|doors|directions)|sheds? light)\b",
    re.IGNORECASE,
)
_SECONDARY = re.compile(r"^(?:also|moreover|furthermore|additionally|in addition|besides|finally"
                        r"|further)\b|\b(?:also|even)\s+(?:excels?|works?|performs?|generali[sz]es"
                        r"|transfers?|applies|helps|benefits)\b", re.IGNORECASE)  # fmt: skip


_CONCESSIVE = re.compile(r"(?:while|although|though|despite|whereas)\b", re.IGNORECASE)

# a means without its main clause: 'by scaling a transformer architecture ... to this problem'
MEANS_ONLY = re.compile(r"^(?:by|through|via)\s+\w+ing\b", re.IGNORECASE)


_SHOWN = re.compile(r"\b(?:show|demonstrate|find)s?\s+that\b", re.IGNORECASE)


# 'demonstrate the effectiveness of X' says nothing found unless a figure or a comparison
# follows ('outperforms', 'than', 'over the baselines')
_VAGUE = re.compile(r"\b(?:demonstrat|show|validat|verif|confirm|prov)\w*\s+(?:the\s+)?(?:\w+\s+)?"
                    r"(?:effectiveness|efficacy|efficiency|superiority|potential|feasibility"
                    r"|usefulness|versatility|ability|capabilit\w*)\b", re.IGNORECASE)  # fmt: skip
_COMPARED = re.compile(r"\bthan\b|\bover\b|\bbaselines?\b|\bcompared\b|\bagainst\b", re.I)


# what others do or what might happen is no finding of the paper's: 'Existing state-of-the-art
# DM inversion approaches rely on training ...', 'an adversary could use LLMs to ...' (blind
# readers, round 5: background and hedges shown as a result)
_OTHERS = re.compile(r"^(?:(?:most|many|some)\s+)?(?:existing|current|previous|prior"
                     r"|conventional|traditional|recent|state-of-the-art|these|such)\b",
                     re.IGNORECASE)  # fmt: skip
_HEDGE = re.compile(r"\b(?:could|might|may)\b", re.IGNORECASE)


# how the paper was evaluated, or what it is, is no finding (round 18's readers: 'Utilizing
# MedRGB, we conduct extensive evaluations of ...', 'Compared to previous iterations, Qwen 2.5
# has been significantly improved during both the pre-training and post-training stages', 'Our
# work is the first systematic study on ...'): unless a figure or a found verb follows
_SETUP = re.compile(
    r"\bwe\s+(?:\w+ly\s+)?(?:conduct|perform|carry out|run|undertake)\w*\s+(?:\w+\s+){0,3}?"
    r"(?:evaluations?|experiments?|analys[ie]s|studies|benchmarking|assessments?)\b"
    r"|\b(?:has|have)\s+been\s+(?:\w+ly\s+)?(?:improved|enhanced|upgraded|expanded)\b(?!\s+by\b)"
    r"|^(?:our|this)\s+(?:work|study|paper)\s+(?:is|serves|presents|provides|offers)\b"
    r"|^(?:this|our)\s+(?:survey|review)\s+serves\b"
    r"|\bwe\s+(?:\w+ly\s+)?(?:categori[sz]e|review|summari[sz]e|discuss|outline)\b",
    re.IGNORECASE,
)
_FOUND_AFTER = re.compile(r"\b(?:show|find|reveal|demonstrat|observe|achiev|outperform|surpass)\w*",
                          re.IGNORECASE)  # fmt: skip
# others' work set against the paper's own, before its claim: 'Unlike existing methods that often
# yield imprecise outputs ..., our approach possesses ...' (the finding word is the others')
_UNLIKE_LEAD = re.compile(r"^(?:unlike|in contrast to|whereas)\b[^,]{0,160},\s*", re.IGNORECASE)


def finding(text: str) -> bool:
    """True when the text states a finding: a number with what it measures, 'outperforms',
    'improves ... by', 'shows that ...', 'achieves ...'; never what the paper builds or hopes,
    how it was evaluated, nor what other work does or what might happen (without a figure of
    the paper's own)."""
    text = _UNLIKE_LEAD.sub("", text.strip())
    setup = _SETUP.search(text)
    if setup and not (_NUMBER_FINDING.search(text) or _FOUND_AFTER.search(text, setup.end())):
        return False
    if _OTHERS.match(text) or (_HEDGE.search(text) and not _NUMBER_FINDING.search(text)):
        return False
    if _NOT_FINDING.search(text) and not (_SHOWN.search(text) and _NUMBER_FINDING.search(text)):
        return False  # 'We created two benchmarks ... and show that ... improves ... by 5-10%'
    vague = _VAGUE.search(text)
    if vague and not (_NUMBER_FINDING.search(text) or _STRONG_FINDING.search(text)
                      or _COMPARED.search(text)):  # fmt: skip
        # 'Extensive experiments are provided to demonstrate the effectiveness of X', unless a
        # finding stands beside it ('not only excels in fine-grained grounding tasks ..., but
        # also shows great potential')
        return bool(_FINDING.search(text[: vague.start()] + " " + text[vague.end() :]))
    return bool(_FINDING.search(text) or _NUMBER_FINDING.search(text))


def weight(text: str) -> int:
    """How much of a headline finding a sentence is: a number with a unit or a from-to change
    counts most, a strong verb ('outperforms', 'achieves') next; a secondary finding ('DD also
    excels on ...') less."""
    weight = 3 * bool(_NUMBER_FINDING.search(text)) + bool(_STRONG_FINDING.search(text))
    return weight - 2 * bool(_SECONDARY.search(text)) - 2 * bool(_CONCESSIVE.match(text))


# a sentence that says its results found something: '(The) results surprisingly indicate
# that', 'Extensive experiments demonstrate that' (CLAIM_LEAD opens on 'we', 'our results')
RESULTS_SAY = re.compile(
    r"^(?:(?:the|our|these|extensive|experimental|empirical|comprehensive|further)\s+)*"
    r"(?:results|experiments|evaluations?|analys[ie]s|findings|studies|ablations|we)\b[^,]{0,40}?"
    r"\b(?:show|demonstrate|find|observe|indicate|confirm|reveal|suggest|identify|prove)s?\s+"
    r"that\s+", re.IGNORECASE)  # fmt: skip


# participles that go on from a finding to a pitch ('DiffSensei outperforms existing models | ,
# marking a significant advancement in manga generation'): a pitch says nothing found
PITCH_PARTICIPLES = r"paving|positioning|marking|demonstrating|highlighting|underscoring|showcasing"
_PITCH_TAIL = re.compile(r",\s+(?:thereby\s+)?(?:" + PITCH_PARTICIPLES + r"|opening|offering new)"
                         r"\b[^;]*$")  # fmt: skip


def unpitched(cell: str) -> str:
    """The cell without a trailing pitch, and 'X not only does A' whose ', but also B' was cut
    read as 'X does A'."""
    m = _PITCH_TAIL.search(cell)
    if m and len(cell[: m.start()].split()) >= 4 and finding(cell[: m.start()]):
        cell = cell[: m.start()].rstrip(" ,") + "."
    return cell if re.search(r"\bbut\b", cell) else _NOT_ONLY.sub(" ", cell)


_NOT_ONLY = re.compile(r"\s+not only\s+", re.IGNORECASE)


def vouched_for(cell: str, abstract: str) -> bool:
    """True when the abstract says the cell's claim is what its results found: a sentence
    whose results lead ('The results indicate that', 'We find that') comes right before it."""
    head = re.escape(" ".join(cell.split()[:5]).rstrip(".,;"))
    return bool(re.search(r"\b(?:show|demonstrate|find|indicate|confirm|reveal|suggest|identify"
                          r"|prove)s?\s+that,?\s+" + head, abstract, re.IGNORECASE))


def plain_claim(text: str) -> bool:
    """True for a claim with no hedge, no plan and no means alone ('LLMs hardly think about
    intermediate steps'), not one of others' work."""
    return len(text.split()) >= 5 and not (
        _HEDGE.search(text) or _OTHERS.match(text) or _NOT_FINDING.search(text)
        or re.search(r"\bpotential(?:ly)?\b", text, re.IGNORECASE)
        or MEANS_ONLY.match(text) or _VAGUE.search(text))  # fmt: skip
