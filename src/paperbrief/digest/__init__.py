"""The digest: assembly of a week's papers into a Digest (`build`), its layout, and its
rendering to Markdown, HTML and plain text (templates included). It may import the
shared top-level modules, sources, engines, relate, store and run; never deliver.
"""
