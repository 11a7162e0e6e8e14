"""Find which of many profile phrases occur in a text, without trying every phrase on it.

`ranking.rank` used to run every keyword's pattern over every paper (three times): 20,000
keywords took 91 s for 200 papers (issue 28, item 25). A phrase can only match where its words
are, so each phrase is indexed under one of the words it needs (its longest, usually its
rarest); a text is split into its words once, and only the phrases indexed under one of them
are tried, with the same pattern as before (`ranking.phrase_pattern`), so what matches is
unchanged.

Why a word is needed: a phrase's pattern matches its folded words joined by spaces or hyphens,
whole-word, its last word also with 's' or 'es'. Every run of word characters inside the phrase
is then a whole word of the text, except the phrase's last one, which may carry that plural
ending: a phrase with no other word is indexed under that last word, and a text's word is also
looked up without a trailing 's' or 'es'. A phrase with no word character at all (`"("`) is
tried on every text.

A phrase of plain words (letters, digits) is then checked on the text's words instead of by its
pattern, which would cost more to compile than to run: its words in a row, separated only by
spaces or hyphens, the last one also with 's' or 'es', with no hyphen or word character just
before or after: the pattern's very rule. Phrases with other characters (`"c++"`) use the
pattern.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

_TOKEN = re.compile(r"\w+")
_SPLIT = re.compile(r"[\s\-]+")


class PhraseIndex:
    """The phrases of a profile, indexed by a word each needs; `found(text)` lists the
    indexes of those that match the (already folded) `text`, in the phrases' order."""

    def __init__(
        self,
        phrases: Sequence[str],
        pattern: Callable[[str], re.Pattern[str]],
        fold: Callable[[str], str],
    ) -> None:
        self.phrases = list(phrases)
        self._pattern = pattern
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._always: set[int] = set()
        # per phrase: the words a text must have, and its last word (with or without a plural)
        self._needs: dict[int, tuple[frozenset[str], str | None]] = {}
        self._plain: dict[int, tuple[str, ...]] = {}  # phrases of plain words: checked by word
        for i, phrase in enumerate(self.phrases):
            words = [w for w in _SPLIT.split(fold(phrase)) if w]
            if not words:
                continue  # matches nothing (phrase_pattern gives a pattern that never matches)
            needed = [t for w in words[:-1] for t in _TOKEN.findall(w)]
            last = _TOKEN.findall(words[-1])
            plural_free = last[-1] if last and re.search(r"\w$", words[-1]) else None
            needed += last[:-1] if plural_free is not None else last
            self._needs[i] = (frozenset(needed), plural_free)
            if all(_TOKEN.fullmatch(w) for w in words):
                self._plain[i] = tuple(words)
            keys = needed + ([plural_free] if plural_free is not None else [])
            if keys:
                self._by_word[max(keys, key=len)].append(i)  # the longest: usually the rarest
            else:
                self._always.add(i)

    def __len__(self) -> int:
        return len(self.phrases)

    def _compiled_pattern(self, i: int) -> re.Pattern[str]:
        found = self._compiled.get(i)
        if found is None:
            found = self._compiled[i] = self._pattern(self.phrases[i])
        return found

    def pattern(self, i: int) -> re.Pattern[str]:
        """The compiled pattern of phrase `i` (as `found` matches it)."""
        return self._compiled_pattern(i)

    def candidates(self, text: str) -> list[int]:
        """Indexes of the phrases that may match `text` (a superset of those that do)."""
        if not self._by_word:
            return sorted(self._always)
        words = set(_TOKEN.findall(text))
        seen: set[int] = set(self._always)
        for word in words:
            for key in (word, word[:-1] if word.endswith("s") else "",
                        word[:-2] if word.endswith("es") else ""):  # fmt: skip
                if key:
                    seen.update(self._by_word.get(key, ()))
        return sorted(i for i in seen if i in self._always or self._has_words(i, words))

    def _has_words(self, i: int, words: set[str]) -> bool:
        needed, last = self._needs[i]
        if not needed <= words:
            return False
        return last is None or not words.isdisjoint((last, last + "s", last + "es"))

    def found(self, text: str) -> list[int]:
        """Indexes of the phrases whose pattern matches `text`, in the phrases' order."""
        words: _Words | None = None
        hits = []
        for i in self.candidates(text):
            plain = self._plain.get(i)
            if plain is None:
                if self._compiled_pattern(i).search(text):
                    hits.append(i)
                continue
            words = words or _Words(text)
            if words.has(plain):
                hits.append(i)
        return hits


class _Words:
    """A text's words in order, where each stands, and which gaps are only spaces or hyphens."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        self.spans = spans
        self.at: dict[str, list[int]] = defaultdict(list)
        for n, (_, _, word) in enumerate(spans):
            self.at[word].append(n)
        self.joined = [  # the gap after word n is only spaces and hyphens
            _SPLIT.fullmatch(text[spans[n][1]:spans[n + 1][0]]) is not None
            for n in range(len(spans) - 1)
        ]

    def has(self, phrase: tuple[str, ...]) -> bool:
        first, last = phrase[0], phrase[-1]
        n_words = len(phrase)
        starts = self.at.get(first, [])
        if n_words == 1:
            starts = [*starts, *self.at.get(first + "s", []), *self.at.get(first + "es", [])]
        for n in starts:
            end = n + n_words - 1
            if end >= len(self.spans):
                continue
            if any(self.spans[n + k][2] != phrase[k] for k in range(1, n_words - 1)):
                continue
            if n_words > 1 and self.spans[end][2] not in (last, last + "s", last + "es"):
                continue
            if not all(self.joined[n:end]):
                continue
            begin, stop = self.spans[n][0], self.spans[end][1]
            if begin and self.text[begin - 1] == "-":
                continue
            if stop < len(self.text) and self.text[stop] == "-":
                continue
            return True
        return False
