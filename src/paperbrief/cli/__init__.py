"""The `paperbrief` command line, and the only package that imports argparse.

Its job is the command line and nothing else: `parser` builds every command and its options
(shared groups and number types in `options`); one module per command or family (`digest`,
`compare` (also `takeaway`), `rank`, `marks` (like, dislike, unmark, marks), `runs`, `serve`,
`lab` (`digest --config`)) reads the options, calls the library (paperbrief.api, paperbrief.steps
and the stages), and prints; `common` is what they share (logging, stdout, the store locked for
a run, the pipeline from the engine options) and `delivery` the digest's feed and mail; `entry`
holds `main`, which turns every failure into one line and an exit code. It may import everything;
nothing imports it.

`main` is re-exported here: the console script is `paperbrief.cli:main`, and
`python -m paperbrief.cli` runs it too.
"""

from __future__ import annotations

from paperbrief.cli.entry import main
from paperbrief.cli.parser import build_parser

__all__ = ["build_parser", "main"]
