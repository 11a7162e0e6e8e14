"""The offline engine: extractive takeaways (candidates, selector, facts, tags) and the
comparison wording (`compare*`), with no network and no model download
(`engine.OfflineEngine`; `lazy` loads it only when first used). It may import the shared
top-level modules and `paperbrief.engines`; never relate, digest, deliver, store or run.
"""
