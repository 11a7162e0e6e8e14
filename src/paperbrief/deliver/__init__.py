"""Delivery: writing digests to files safely (output guard, overwrite checks), mail, the
Atom feed and chat. The last stage: it may import every other stage and the shared
top-level modules, but only the commands (`cli`, `lab`) import it.
"""
