"""The store: one SQLite file of papers, takeaways, comparisons, batches and embedding
vectors (`core.Store`), its schema migrations, and the guard that tells a damaged or
foreign database apart. It sits beside the stages: it may import the shared top-level
modules (`models`, `errors`, ...) and nothing else of paperbrief.
"""
