"""Embeddings of a listing's papers and of the profile's texts, through the store's cache.

`CachedEmbeddings.rows` looks every text up in the store by (content key, model) first and sends
only the missing ones, all of them in one list (so a listing and its profile share batches: 54
papers and a profile are one request), saving each batch as soon as it returns: a rerun pays
nothing, and a run that fails half way keeps what it paid for. `embed_listing` is what digest and
rank call: the papers' rows and the profile's rows, or None (after one warning on stderr) when
the embeddings cannot be had, so that the caller goes on with TF-IDF.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from paperbrief.errors import PaperbriefError
from paperbrief.models import Paper
from paperbrief.relate.ranking import paper_text

log = logging.getLogger("paperbrief.embedding")


class Batches(Protocol):
    """What embeds texts (paperbrief.engines.llm.embed.Embedder)."""

    model: str

    def batches(
        self, texts: Sequence[str], subjects: Sequence[str] | None = None
    ) -> Iterator[tuple[int, np.ndarray]]: ...


class EmbeddingCache(Protocol):
    """The part of paperbrief.store.core.Store that keeps embeddings."""

    def get_embeddings(self, keys: Sequence[str], model: str) -> dict[str, np.ndarray]: ...
    def put_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


@dataclass(frozen=True)
class Item:
    """One text to embed: its cache key, the text, and what the call log calls it."""

    key: str
    text: str
    subject: str


def paper_item(paper: Paper) -> Item:
    """A paper: keyed by its content hash, embedded as its title and abstract."""
    return Item(paper.content_hash, paper_text(paper), paper.id)


def text_item(text: str, subject: str = "profile") -> Item:
    """Any other text (an interests profile's): keyed by a hash of the text."""
    return Item("text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], text, subject)


class CachedEmbeddings:
    """Vectors by `embedder`'s model, from the store when it has them (`refresh`: never)."""

    def __init__(
        self, embedder: Batches, store: EmbeddingCache | None = None, *, refresh: bool = False
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.refresh = refresh
        self.cached = 0  # texts found in the store, this run
        self.embedded = 0  # texts sent to the endpoint, this run

    @property
    def model(self) -> str:
        return self.embedder.model

    def rows(self, items: Sequence[Item]) -> np.ndarray:
        """L2-normalised float32 rows, one per item (EmbeddingError, or another
        PaperbriefError, when the missing ones cannot be embedded)."""
        keys = [item.key for item in items]
        found: dict[str, np.ndarray] = {}
        if self.store is not None and not self.refresh:
            found = self.store.get_embeddings(keys, self.model)
        self.cached += sum(1 for k in keys if k in found)
        missing = list({item.key: item for item in items if item.key not in found}.values())
        for start, batch in self.embedder.batches(
            [m.text for m in missing], [m.subject for m in missing]
        ):
            fresh = {m.key: row for m, row in zip(missing[start:], batch, strict=False)}
            if self.store is not None:
                self.store.put_embeddings(self.model, fresh)  # kept even if a later batch fails
            found.update(fresh)
            self.embedded += len(fresh)
        dims = {found[k].shape[0] for k in keys}
        if len(dims) > 1:  # e.g. cached by a server that answered with another dimension
            raise PaperbriefError(f"{self.model}: embeddings of different dimensions {dims}")
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        matrix = np.vstack([found[k] for k in keys]).astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)


def embed_listing(
    papers: Sequence[Paper], texts: Sequence[str], embeddings: CachedEmbeddings
) -> tuple[np.ndarray, np.ndarray] | None:
    """(the papers' rows, the texts' rows), or None after saying on stderr why TF-IDF is used."""
    items = [paper_item(p) for p in papers] + [text_item(t) for t in texts]
    if not papers:
        return None
    try:
        rows = embeddings.rows(items)
    except Exception as exc:  # noqa: BLE001 (never lose the digest: TF-IDF does the job)
        why = str(exc) if isinstance(exc, PaperbriefError) else f"{type(exc).__name__}: {exc}"
        log.warning(
            "embeddings unavailable (%s): pairing, topics and ranking use TF-IDF this run",
            " ".join(why.split()),
        )
        return None
    log.info(
        "embeddings by %s: %d from the cache, %d embedded",
        embeddings.model, embeddings.cached, embeddings.embedded,
    )
    return rows[: len(papers)], rows[len(papers) :]
