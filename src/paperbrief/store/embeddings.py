"""The store's cache of embeddings: one vector per (content key, model), as float32 bytes.

A paper's content key is its content hash (title and abstract, as for takeaways), so a paper
whose text has not changed is never embedded twice by one model, whatever its id or listing;
other texts (an interests profile's description) are keyed by a hash of the text. Vectors are
stored as little-endian float32 bytes (1 KB for 256 dimensions, 6 KB for text-embedding-3-small's
1,536) with their dimension. Mixed into `paperbrief.store.core.Store`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_LOOKUP_CHUNK = 500  # keys per SELECT (SQLite limits the number of bound parameters)


class EmbeddingStoreMixin:
    """Embedding cache for Store (uses its `_write` and `_read`)."""

    if TYPE_CHECKING:  # provided by Store

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]: ...

    def get_embeddings(self, keys: Sequence[str], model: str) -> dict[str, np.ndarray]:
        """The cached vectors of `keys` by `model` (float32), keyed by content key."""
        import numpy as np  # here, not with the store: a run without embeddings never needs it

        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self._read(
                f"SELECT content_key, dimensions, vector FROM embeddings "  # noqa: S608 (marks)
                f"WHERE model = ? AND content_key IN ({marks})",
                (model, *chunk),
            )
            for row in rows:
                vector = np.frombuffer(row["vector"], dtype="<f4")
                if vector.shape[0] == row["dimensions"]:  # a damaged row is embedded again
                    found[row["content_key"]] = vector.astype(np.float32)
        return found

    def put_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Cache `vectors` (content key -> vector) by `model`, in one transaction."""
        import numpy as np

        now = datetime.now(UTC).isoformat()
        rows = [
            (key, model, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes(), now)
            for key, v in vectors.items()
        ]
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (content_key, model, dimensions, vector, "
                "created) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
