"""paperbrief: one-line takeaways, pairwise comparisons and a weekly digest of research papers.

The Python API (docs/python-api.md), imported on first use so that `import paperbrief` stays
cheap:

- `load(sources)` -> list[Paper]: read listings (files or live specs such as `hf:2026-W10`)
- `digest(sources, top=25, engine="auto")` -> Digest: what `paperbrief digest --json` makes
- `render(digest, "markdown" | "html" | "text" | "json")` -> str
- `compare(a, b=None, source=None)` -> Comparison: what `paperbrief compare --json` makes
- `rank(sources, interests=...)` -> list of ranked papers, best first

`Paper`, `Digest` and `Comparison` are the pydantic models they take and return.
"""

__version__ = "0.1.0"

__all__ = [
    "Comparison", "Digest", "Paper", "__version__", "compare", "digest", "load", "rank", "render",
]

_API = {"compare", "digest", "load", "rank", "render"}
_MODELS = {"Comparison", "Digest", "Paper"}

TYPE_CHECKING = False  # not typing's: `import paperbrief` imports nothing
if TYPE_CHECKING:
    from paperbrief.api import compare, digest, load, rank, render
    from paperbrief.models import Comparison, Digest, Paper


def __getattr__(name: str) -> object:
    """The API's names, imported when first used (paperbrief.api, paperbrief.models)."""
    if name in _API:
        from paperbrief import api

        value = getattr(api, name)
    elif name in _MODELS:
        from paperbrief import models

        value = getattr(models, name)
    else:
        raise AttributeError(f"module 'paperbrief' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
