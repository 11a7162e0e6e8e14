"""The offline engine of an LLM run, imported and made when first used.

With an LLM the offline engine is the fallback and writes the papers not paid for, so the run
starts without it: its import (about 0.1 s) no longer comes before the first request, and a run
whose answers all pass (`--llm-all`) never imports it.
"""

from __future__ import annotations

import threading
from typing import Any

from paperbrief.engines import Engine


def _offline_engine() -> Engine:
    from paperbrief.engines.offline.engine import OfflineEngine

    return OfflineEngine()


class LazyOfflineEngine:
    """Stands for `OfflineEngine()`: every attribute is the real engine's, made on first use; a
    copy sent to another process (offline_pool) is the real engine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = _offline_engine()
            return self._engine

    def __getattr__(self, name: str) -> Any:  # only names not found on this object
        if name.startswith("__") or name in ("_lock", "_engine"):
            raise AttributeError(name)
        return getattr(self.engine, name)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_offline_engine, ())
