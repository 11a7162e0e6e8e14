"""Relatedness: TF-IDF and embedding vectors, neighbours, comparison pairs, topics and
their names, ranking against a reader's interests profile (and that profile's loading
and cache), the child process that computes it, and the plan (`plan.RelatednessPlan`)
that holds all of it, made once per digest. It may import the shared top-level
modules, sources, engines, store and run; never digest or deliver.
"""
