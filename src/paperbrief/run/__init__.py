"""Running the engines over many papers: the pipeline (concurrency, commits, progress), the
offline process pool, the Batch API flow and the run lock. It sits beside the stages:
it may import the shared top-level modules, sources, engines and store; relate, digest
and deliver may import it, not the reverse.
"""
