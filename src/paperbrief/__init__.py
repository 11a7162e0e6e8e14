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

import sys  # always imported already: free (types is not)

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


class _Package(type(sys)):  # types.ModuleType
    """The package's module: the import system sets each imported subpackage as an attribute of
    its parent, and `paperbrief.digest` (the subpackage that assembles and renders a digest)
    would then hide the function `paperbrief.digest`. The names of the API stay the API's; the
    subpackage is imported by its full name as ever (`from paperbrief.digest.build import ...`).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _API and isinstance(value, type(sys)):
            return  # the subpackage stays in sys.modules; the name is the function's
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
