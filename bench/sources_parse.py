"""Print how fast each source format parses, on the real fixtures scaled up by repetition."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from paperbrief.sources import merge, parse_text

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _scaled(name: str, copies: int) -> tuple[str, str]:
    """The fixture's text repeated `copies` times, each copy with distinct titles/ids."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        entries = json.loads(text)
        out = []
        for n in range(copies):
            for e in entries:
                e = json.loads(json.dumps(e))
                e["paper"]["id"] = f"{9000 + n % 1000:04d}.{len(out):05d}"
                e["title"] = f"{e['title']} {n}"
                out.append(e)
        return name, json.dumps(out)
    if name.endswith(".xml"):
        head, _, rest = text.partition("<entry>")
        body = "<entry>" + rest.rsplit("</feed>", 1)[0]
        copies_text = [re.sub(r"</title>", f" {n}</title>", body) for n in range(copies)]
        return name, head + "".join(copies_text) + "</feed>\n"
    head, _, rest = text.partition("Mar 5\n")
    title = re.compile(r"^(?![A-Z][a-z]{2} \d)([A-Z][^\n]{0,200})$", re.M)  # not date lines
    copies_text = [title.sub(rf"\1 {n}", rest) for n in range(copies)]
    return name, head + "Mar 5\n" + "\n".join(copies_text)


def main(copies: int = 40) -> None:
    """Parse each scaled fixture and merge it with itself; print papers per second."""
    for fixture in [
        "hf-daily-papers-page.txt",
        "hf-api/hf_daily_papers_2026-03-16.json",
        "arxiv/arxiv_api_2016_search_au_del_maestro.xml",
    ]:
        name, text = _scaled(fixture, copies)
        t0 = time.perf_counter()
        listing = parse_text(text, name)
        t1 = time.perf_counter()
        merged = merge([listing, listing])
        t2 = time.perf_counter()
        n = len(listing.papers)
        print(
            f"{name}: {n} papers, {len(text) / 1e6:.1f} MB; parse {n / (t1 - t0):,.0f} papers/s; "
            f"merge of 2x{n} {2 * n / (t2 - t1):,.0f} papers/s ({merged.duplicates} duplicates)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
