"""scikit-learn's English stop words, without importing scikit-learn.

Importing any part of scikit-learn imports the whole package first (numpy, scipy and its
estimators: one to two seconds), while reading a listing or writing a takeaway needs only this
word list. The list lives, free of imports, in `sklearn/feature_extraction/_stop_words.py`: it is
read from that file, and should a release move it, the public import is used instead.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _load() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        words_spec = importlib.util.spec_from_file_location("paperbrief._sklearn_stop_words", path)
        if path.is_file() and words_spec is not None and words_spec.loader is not None:
            module = importlib.util.module_from_spec(words_spec)
            words_spec.loader.exec_module(module)
            words = getattr(module, "ENGLISH_STOP_WORDS", None)
            if isinstance(words, frozenset) and words:
                return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # pragma: no cover

    return frozenset(ENGLISH_STOP_WORDS)  # pragma: no cover


ENGLISH_STOP_WORDS: frozenset[str] = _load()
