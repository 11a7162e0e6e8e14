"""`python -m paperbrief.cli`: the `paperbrief` command."""

import sys

from paperbrief.cli.entry import main

if __name__ == "__main__":
    sys.exit(main())
