"""LaTeX left in titles and abstracts (arXiv keeps the authors' markup) turned into plain text.

`95.1\\%` becomes `95.1%`, `$\\delta$` becomes `δ`, `\\emph{x}` becomes `x`. A math span is
rewritten only when every command in it is known; anything else stays as the authors wrote it,
so nothing is lost, only made readable.
"""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([%&#_$])")
_FONT = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsc|text|mathrm|mathbf|mathit|mathcal|"
    r"mathbb|mathsf|operatorname)\s*\{([^{}]*)\}"
)
# a font command whose backslash a copy lost ("$textbf{specialist} and textbf{generalist}$" on a
# Hugging Face page): the braces after the bare name mark it, so 'textbf{x}' is read as '\textbf{x}'
_BARE_FONT = re.compile(r"(?<![\\\w])(?=(?:emph|textit|textbf|texttt|textsc|mathrm|mathbf)\{)")
# pandoc's rule: no space just inside the dollars, no digit right after the closing one ($5 and $10)
_MATH = re.compile(r"(?<![\\$])\$(?=\S)([^$]{1,80}?)(?<=\S)\$(?![\d$])")
_PAREN_MATH = re.compile(r"\\\((.{1,80}?)\\\)")
_GLUED_TIMES = re.compile(r"(\d)times\b")
# 'sim' glued to a number that ends there or takes a unit letter: "sim25 FPS", "sim20%",
# "(sim100B)", "sim500-billion"; not a word that goes on ("sim2real")
_GLUED_SIM = re.compile(r"\bsim(?=\d+(?:\.\d+)?(?:[KMBT]\b|(?!\w)))")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")
_GREEK = (
    "alpha α beta β gamma γ delta δ epsilon ε varepsilon ε zeta ζ eta η theta θ iota ι kappa κ "
    "lambda λ mu μ nu ν xi ξ pi π rho ρ sigma σ tau τ phi φ varphi φ chi χ psi ψ omega ω "
    "Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Phi Φ Psi Ψ Omega Ω"
).split()
SYMBOLS: dict[str, str] = dict(zip(_GREEK[::2], _GREEK[1::2], strict=True)) | {
    "times": "×", "cdot": "·", "pm": "±", "sim": "~", "approx": "≈", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ll": "≪", "gg": "≫", "in": "∈", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "infty": "∞", "ell": "ℓ", "log": "log", "exp": "exp",
    "sqrt": "√", "circ": "°",
}  # fmt: skip


def _math(body: str) -> str:
    plain = _FONT.sub(r"\1", body)
    if any(name not in SYMBOLS for name in _COMMAND.findall(plain)):
        return f"${body}$"  # something we cannot say in plain text: keep it verbatim
    plain = _COMMAND.sub(lambda m: SYMBOLS[m.group(1)], plain)
    plain = re.sub(r"\^\{?°\}?", "°", plain)
    return _ESCAPED.sub(r"\1", plain.replace("{", "").replace("}", "").strip())


def plain_text(text: str) -> str:
    """`text` with common LaTeX markup (escapes, font commands, simple math) made plain."""
    # a number glued to 'times' is a `$\\times$` whose markup was lost in a copy ("48times"), and
    # 'sim' glued before one a lost `$\\sim$` ("sim25 FPS"): Hugging Face pages drop the markup
    text = _GLUED_SIM.sub("~", _GLUED_TIMES.sub("\\1×", text))
    text = _BARE_FONT.sub("\\\\", text)
    if "\\" not in text and "$" not in text:
        return text
    text = _PAREN_MATH.sub(r"$\1$", text)  # \( ... \) is inline math too
    parts = _MATH.split(text)  # prose, math, prose, math, …, prose
    for i, part in enumerate(parts):
        parts[i] = _math(part) if i % 2 else _ESCAPED.sub(r"\1", _FONT.sub(r"\1", part))
    return "".join(parts)
