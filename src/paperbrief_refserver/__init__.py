"""The reference OpenAI-compatible server (chat completions with faults, the Batch API,
embeddings, compatibility shapes) used by the tests, cassette recording and the benches.
Not part of the product: the wheel of paperbrief does not ship it (an editable install
puts src/ on sys.path, which makes it importable). It may import paperbrief; paperbrief
never imports it. Run it with `python -m paperbrief_refserver.server`.
"""
