"""Issue 27: move paperbrief's modules into packages by pipeline stage, mechanically, re-runnably.

Run from the repository root:

    python tools/restructure.py            # apply (git mv + rewrite references); idempotent
    python tools/restructure.py --check    # change nothing; exit 1 if something is left to do

What it does, in order:
  1. reports every module under src/paperbrief that MAPPING and KEEP do not know (exit status 3 at
     the end if there is one: add it to one of the two tables and run again);
  2. `git mv`s each module of MAPPING (and each data file of DATA) to its new place, creating the
     stage packages with an `__init__.py` whose docstring says the package's job and what it may
     import (PACKAGES); in a moved module, `Path(__file__)...parents[N]` and string literals naming
     sibling files ("offline_extract.py", "../text.py") are adjusted to the new depth and names;
  3. rewrites every reference in src/, tests/, bench/, tools/, docs/, README.md, pyproject.toml and
     .ci/run: `from paperbrief.x import module` statements (split and aliased so local names keep
     working), dotted names anywhere (imports, monkeypatch/mock.patch strings, `python -m`,
     importlib strings, prose), file paths (`src/paperbrief/store.py`, `"engines" / "x.json"`),
     bare "old_module.py" string literals, `resources.files("paperbrief")` lookups of moved data;
  4. breaks the reference server's server <-> batch import cycle (the error-fault table moves to
     paperbrief_refserver/faults.py);
  5. runs `ruff check --fix --select I` over the touched Python files (import order and wrapping of
     the longer import lines), if ruff is installed.

A second run finds nothing to move and no reference to rewrite: it changes nothing.
Stdlib only.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

# old dotted module -> new dotted module. A package (chat) moves as a whole directory.
MAPPING: dict[str, str] = {
    # store/: the SQLite store and its parts
    "paperbrief.store": "paperbrief.store.core",
    "paperbrief.store_batches": "paperbrief.store.batches",
    "paperbrief.store_damage": "paperbrief.store.damage",
    "paperbrief.store_embeddings": "paperbrief.store.embeddings",
    "paperbrief.store_guard": "paperbrief.store.guard",
    "paperbrief.store_migrations": "paperbrief.store.migrations",
    # engines/llm/: everything that talks to an OpenAI-compatible server
    "paperbrief.engines.llm": "paperbrief.engines.llm.engine",
    "paperbrief.engines.llm_batch": "paperbrief.engines.llm.batch",
    "paperbrief.engines.llm_body": "paperbrief.engines.llm.body",
    "paperbrief.engines.llm_embed": "paperbrief.engines.llm.embed",
    "paperbrief.engines.llm_errors": "paperbrief.engines.llm.errors",
    "paperbrief.engines.llm_numbers": "paperbrief.engines.llm.numbers",
    "paperbrief.engines.llm_repair": "paperbrief.engines.llm.repair",
    "paperbrief.engines.llm_reply": "paperbrief.engines.llm.reply",
    "paperbrief.engines.llm_retry": "paperbrief.engines.llm.retry",
    "paperbrief.engines.llm_room": "paperbrief.engines.llm.room",
    "paperbrief.prompts": "paperbrief.engines.llm.prompts",
    # engines/offline/: the extractive engine, its comparison wording included
    "paperbrief.engines.offline": "paperbrief.engines.offline.engine",
    "paperbrief.engines.offline_candidates": "paperbrief.engines.offline.candidates",
    "paperbrief.engines.offline_compare": "paperbrief.engines.offline.compare",
    "paperbrief.engines.offline_extract": "paperbrief.engines.offline.extract",
    "paperbrief.engines.offline_facts": "paperbrief.engines.offline.facts",
    "paperbrief.engines.offline_select": "paperbrief.engines.offline.select",
    "paperbrief.engines.offline_tags": "paperbrief.engines.offline.tags",
    "paperbrief.engines.compare_clauses": "paperbrief.engines.offline.compare_clauses",
    "paperbrief.engines.compare_headline": "paperbrief.engines.offline.compare_headline",
    "paperbrief.engines.compare_names": "paperbrief.engines.offline.compare_names",
    "paperbrief.engines.compare_phrases": "paperbrief.engines.offline.compare_phrases",
    "paperbrief.engines.compare_text": "paperbrief.engines.offline.compare_text",
    "paperbrief.engines.tldr_words": "paperbrief.engines.offline.tldr_words",
    "paperbrief.engines.lazy_offline": "paperbrief.engines.offline.lazy",
    # prices are read by models (shared), so they are shared too
    "paperbrief.engines.pricing": "paperbrief.pricing",
    # relate/: vectors, neighbours, pairs, topics and their names, ranking, embeddings, profiles
    "paperbrief.relatedness": "paperbrief.relate.relatedness",
    "paperbrief.relate_process": "paperbrief.relate.process",
    "paperbrief.topics": "paperbrief.relate.topics",
    "paperbrief.topic_names": "paperbrief.relate.topic_names",
    "paperbrief.ranking": "paperbrief.relate.ranking",
    "paperbrief.embedding": "paperbrief.relate.embedding",
    "paperbrief.partner": "paperbrief.relate.partner",
    "paperbrief.phrase_index": "paperbrief.relate.phrase_index",
    "paperbrief.interests": "paperbrief.relate.interests",
    "paperbrief.profile_cache": "paperbrief.relate.profile_cache",
    "paperbrief.profile_terms": "paperbrief.relate.profile_terms",
    # digest/: assembly, layout, rendering to Markdown/HTML/text
    "paperbrief.digest": "paperbrief.digest.build",
    "paperbrief.digest_identity": "paperbrief.digest.identity",
    "paperbrief.layout": "paperbrief.digest.layout",
    "paperbrief.render": "paperbrief.digest.render",
    "paperbrief.render_html": "paperbrief.digest.render_html",
    "paperbrief.render_text": "paperbrief.digest.render_text",
    "paperbrief.md_escape": "paperbrief.digest.md_escape",
    "paperbrief.number_lines": "paperbrief.digest.number_lines",
    "paperbrief.template_sandbox": "paperbrief.digest.template_sandbox",
    # deliver/: files, mail, feed, chat
    "paperbrief.mail": "paperbrief.deliver.mail",
    "paperbrief.feed": "paperbrief.deliver.feed",
    "paperbrief.output_guard": "paperbrief.deliver.output_guard",
    "paperbrief.overwrite": "paperbrief.deliver.overwrite",
    "paperbrief.chat": "paperbrief.deliver.chat",
    # run/: running the engines over many papers
    "paperbrief.pipeline": "paperbrief.run.pipeline",
    "paperbrief.batching": "paperbrief.run.batching",
    "paperbrief.offline_pool": "paperbrief.run.offline_pool",
    "paperbrief.lock": "paperbrief.run.lock",
    # added by issues 22, 25 and 28 (their branches landed before the move)
    "paperbrief.engines.compare_facts": "paperbrief.engines.offline.compare_facts",
    "paperbrief.engines.compare_ground": "paperbrief.engines.offline.compare_ground",
    "paperbrief.engines.standalone": "paperbrief.engines.offline.standalone",
    "paperbrief.store_marks": "paperbrief.store.marks",
    "paperbrief.keyword_evidence": "paperbrief.relate.keyword_evidence",
    "paperbrief.learned_rank": "paperbrief.relate.learned_rank",
    "paperbrief.seen": "paperbrief.relate.seen",
    "paperbrief.stopping": "paperbrief.run.stopping",
    "paperbrief.orphans": "paperbrief.run.orphans",
    # sources/: looking a paper up by id or reference
    "paperbrief.lookup": "paperbrief.sources.lookup",
    # the reference LLM server leaves the product
    "paperbrief.refserver": "paperbrief_refserver.server",
    "paperbrief.refserver_batch": "paperbrief_refserver.batch",
    "paperbrief.refserver_compat": "paperbrief_refserver.compat",
    "paperbrief.refserver_embed": "paperbrief_refserver.embed",
}

# modules that stay where they are: the shared pieces, the commands, the packages kept as they are
KEEP: set[str] = {
    "paperbrief",
    # shared pieces (any stage may import them; they import only each other)
    "paperbrief.models", "paperbrief.errors", "paperbrief.http", "paperbrief.text",
    "paperbrief.numbers", "paperbrief.safe_text", "paperbrief.latex", "paperbrief.windows",
    "paperbrief.stopwords", "paperbrief.atomic", "paperbrief.base_url", "paperbrief.redact",
    "paperbrief.retrying", "paperbrief.ratelimit", "paperbrief.breaker", "paperbrief.text_args",
    # overall deadlines of network exchanges (http, mail and the LLM client use them)
    "paperbrief.deadline", "paperbrief.deadline_net", "paperbrief.deadline_httpx",
    # the commands: may import every stage
    "paperbrief.cli", "paperbrief.lab", "paperbrief.lab_config",
    "paperbrief.cli_marks", "paperbrief.marks", "paperbrief.serve",
    # engines/__init__ (the Engine protocol) stays; sources/ stays as it is
    "paperbrief.engines",
}
KEEP_PACKAGES = ("paperbrief.sources",)

# data files (paths under src/) that move with their modules
DATA: dict[str, str] = {
    "paperbrief/engines/selector.json": "paperbrief/engines/offline/selector.json",
    "paperbrief/engines/term_df.json": "paperbrief/engines/offline/term_df.json",
    "paperbrief/engines/phrase_df.json": "paperbrief/engines/offline/phrase_df.json",
    "paperbrief/templates": "paperbrief/digest/templates",
}

PACKAGES: dict[str, str] = {
    "paperbrief.store": (
        "The store: one SQLite file of papers, takeaways, comparisons, batches and embedding\n"
        "vectors (`core.Store`), its schema migrations, and the guard that tells a damaged or\n"
        "foreign database apart. It sits beside the stages: it may import the shared top-level\n"
        "modules (`models`, `errors`, ...) and nothing else of paperbrief."
    ),
    "paperbrief.engines.llm": (
        "The LLM engine: takeaways, comparisons and embeddings from an OpenAI-compatible server\n"
        "(`engine.LLMEngine`), the Batch API client, prompts, replies and their repair, retries.\n"
        "The only package that imports `openai`. It may import the shared top-level modules and\n"
        "`paperbrief.engines` (the Engine protocol); never relate, digest, deliver, store or run."
    ),
    "paperbrief.engines.offline": (
        "The offline engine: extractive takeaways (candidates, selector, facts, tags) and the\n"
        "comparison wording (`compare*`), with no network and no model download\n"
        "(`engine.OfflineEngine`; `lazy` loads it only when first used). It may import the shared\n"
        "top-level modules and `paperbrief.engines`; never relate, digest, deliver, store or run."
    ),
    "paperbrief.relate": (
        "Relatedness: TF-IDF and embedding vectors, neighbours, comparison pairs, topics and\n"
        "their names, ranking against a reader's interests profile (and that profile's loading\n"
        "and cache), the child process that computes it. It may import the shared top-level\n"
        "modules, sources, engines, store and run; never digest or deliver."
    ),
    "paperbrief.digest": (
        "The digest: assembly of a week's papers into a Digest (`build`), its layout, and its\n"
        "rendering to Markdown, HTML and plain text (templates included). It may import the\n"
        "shared top-level modules, sources, engines, relate, store and run; never deliver."
    ),
    "paperbrief.deliver": (
        "Delivery: writing digests to files safely (output guard, overwrite checks), mail, the\n"
        "Atom feed and chat. The last stage: it may import every other stage and the shared\n"
        "top-level modules, but only the commands (`cli`, `lab`) import it."
    ),
    "paperbrief.run": (
        "Running the engines over many papers: the pipeline (concurrency, commits, progress), the\n"
        "offline process pool, the Batch API flow and the run lock. It sits beside the stages:\n"
        "it may import the shared top-level modules, sources, engines and store; relate, digest\n"
        "and deliver may import it, not the reverse."
    ),
    "paperbrief_refserver": (
        "The reference OpenAI-compatible server (chat completions with faults, the Batch API,\n"
        "embeddings, compatibility shapes) used by the tests, cassette recording and the benches.\n"
        "Not part of the product: the wheel of paperbrief does not ship it (an editable install\n"
        "puts src/ on sys.path, which makes it importable). It may import paperbrief; paperbrief\n"
        "never imports it. Run it with `python -m paperbrief_refserver.server`."
    ),
}

# packages that exist already: a sentence added (once) to their docstring: what they may import
IMPORT_RULES: dict[str, str] = {
    "paperbrief.engines": "It may import only the shared top-level modules (models, errors, text,\n"
                          "numbers, ...); `engines/offline/` and `engines/llm/` import it.",
    "paperbrief.sources": "It may import only the shared top-level modules (models, errors, http,\n"
                          "text, ...): it is the first stage.",
    "paperbrief.deliver.chat": "Part of the deliver stage: it may import digest (rendering),\n"
                               "store and the shared top-level modules.",
}

# the reference server's cycle: batch imported the error-fault table from server
FAULTS_NAME = "_ERROR_FAULTS"
FAULTS_MODULE = "paperbrief_refserver.faults"
FAULTS_FROM = "paperbrief_refserver.server"

REWRITE_ROOTS = ("src", "tests", "bench", "tools", "docs")
REWRITE_FILES = ("README.md", "pyproject.toml", ".ci/run")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yaml", ".yml", ".sh", ".j2", ""}
SELF = Path("tools/restructure.py")


def mod_path(dotted: str, root: Path) -> Path:
    """The file (or package dir) of a dotted module under src/, whether or not it exists."""
    parts = dotted.split(".")
    base = root / "src" / Path(*parts)
    if base.is_dir():
        return base
    return base.with_suffix(".py")


_PACKAGE_MOVES = {"paperbrief.chat"}


def old_file(old: str, root: Path) -> Path:
    parts = old.split(".")
    if old in _PACKAGE_MOVES:
        return root / "src" / Path(*parts)
    return (root / "src" / Path(*parts)).with_suffix(".py")


def new_file(old: str, root: Path) -> Path:
    parts = MAPPING[old].split(".")
    if old in _PACKAGE_MOVES:
        return root / "src" / Path(*parts)
    return (root / "src" / Path(*parts)).with_suffix(".py")


def all_modules(root: Path) -> set[str]:
    """Dotted names of every module and package under src/paperbrief."""
    out = set()
    for p in (root / "src" / "paperbrief").rglob("*.py"):
        parts = list(p.relative_to(root / "src").with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.add(".".join(parts))
    return out


def new_names() -> set[str]:
    """Every dotted name the new layout defines: moved modules and their parent packages."""
    names = set(MAPPING.values()) | set(PACKAGES)
    for new in list(names):
        parts = new.split(".")
        for i in range(1, len(parts)):
            names.add(".".join(parts[:i]))
    return names


def unknown_modules(root: Path) -> list[str]:
    known_new = new_names()
    out = []
    for m in sorted(all_modules(root)):
        if m in KEEP or m in MAPPING or m in known_new:
            continue
        if any(m.startswith(p + ".") for p in KEEP_PACKAGES) or m in KEEP_PACKAGES:
            continue
        if any(m.startswith(new + ".") for new in MAPPING.values()):
            continue  # inside a moved package
        if any(m.startswith(old + ".") for old in _PACKAGE_MOVES):
            continue
        out.append(m)
    return out


# ---------------------------------------------------------------------------- moving files


def git_mv(src: Path, dst: Path, root: Path, dry: bool, log: list[str]) -> None:
    log.append(f"git mv {src.relative_to(root)} {dst.relative_to(root)}")
    if dry:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "mv", str(src), str(dst)], cwd=root, check=True)


def ensure_packages(root: Path, dry: bool, log: list[str]) -> None:
    """An __init__.py with the docstring for every package of the new layout that lacks one."""
    needed = {n.rsplit(".", 1)[0] for n in MAPPING.values() if "." in n} | set(PACKAGES)
    for pkg in sorted(needed):
        init = root / "src" / Path(*pkg.split(".")) / "__init__.py"
        if init.exists():
            continue
        doc = PACKAGES.get(pkg)
        if doc is None:
            continue  # an existing package (engines, sources): created elsewhere
        log.append(f"create {init.relative_to(root)}")
        if dry:
            continue
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(f'"""{doc}\n"""\n', encoding="utf-8")
        subprocess.run(["git", "add", str(init)], cwd=root, check=True)


def add_import_rules(root: Path, dry: bool, log: list[str]) -> list[Path]:
    """The IMPORT_RULES sentence at the end of an existing package's docstring, if not there yet."""
    touched = []
    for pkg, rule in IMPORT_RULES.items():
        init = root / "src" / Path(*pkg.split(".")) / "__init__.py"
        if not init.exists():
            continue
        text = init.read_text(encoding="utf-8")
        tree = ast.parse(text)
        first = tree.body[0] if tree.body else None
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            log.append(f"WARNING: {init.relative_to(root)} has no docstring for its import rule")
            continue
        if rule.split("\n")[0] in text:
            continue
        lines = text.splitlines(keepends=True)
        last = lines[first.end_lineno - 1]
        end = last.rstrip().rfind('"""')
        body = last[:end].rstrip()
        if body:  # one-line docstring, or text before the closing quotes
            lines[first.end_lineno - 1] = f'{body}\n\n{rule}\n"""\n'
        else:
            lines[first.end_lineno - 1] = f'{rule}\n"""\n'
            if first.end_lineno >= 2 and lines[first.end_lineno - 2].strip():
                lines[first.end_lineno - 1] = f'\n{rule}\n"""\n'
        log.append(f"import rule added to {init.relative_to(root)}")
        if not dry:
            init.write_text("".join(lines), encoding="utf-8")
            touched.append(init)
    return touched


def move_modules(root: Path, dry: bool, log: list[str]) -> dict[Path, tuple[Path, Path]]:
    """git mv every module still at its old place; {new file: (old file, new file)} of the moves.
    (store.py and the new store/ directory are different names: no order is needed.)"""
    moved: dict[Path, tuple[Path, Path]] = {}
    for old in MAPPING:
        src, dst = old_file(old, root), new_file(old, root)
        if not src.exists():
            continue
        if dst.exists():
            log.append(f"CONFLICT: both {src.relative_to(root)} and {dst.relative_to(root)} exist")
            continue
        git_mv(src, dst, root, dry, log)
        moved[dst] = (src, dst)
    return moved


def move_data(root: Path, dry: bool, log: list[str]) -> list[tuple[str, str]]:
    done = []
    for old, new in DATA.items():
        src, dst = root / "src" / old, root / "src" / new
        if src.exists() and not dst.exists():
            git_mv(src, dst, root, dry, log)
            done.append((old, new))
        elif src.exists() and dst.exists():
            log.append(f"CONFLICT: both src/{old} and src/{new} exist")
    return done


# ---------------------------------------------------------------------------- rewriting


def fix_moved_module(text: str, old: Path, new: Path, root: Path) -> str:
    """`parents[N]` of `__file__` and sibling-file string literals, for a module that moved."""
    delta = len(new.relative_to(root).parts) - len(old.relative_to(root).parts)
    if delta:
        text = re.sub(
            r"(Path\(__file__\)(?:\.resolve\(\))?\.parents\[)(\d+)(\])",
            lambda m: f"{m.group(1)}{int(m.group(2)) + delta}{m.group(3)}",
            text,
        )
    old_dir, new_dir = old.parent, new.parent
    file_moves = _file_moves(root)

    def literal(m: re.Match[str]) -> str:
        quote, name = m.group(1), m.group(2)
        target = os.path.normpath(old_dir / name)
        moved_to = file_moves.get(Path(target))
        if moved_to is None:
            if not Path(target).exists() and not (new_dir / name).exists():
                return m.group(0)
            moved_to = Path(target)
        rel = os.path.relpath(moved_to, new_dir)
        return f"{quote}{Path(rel).as_posix()}{quote}"

    return re.sub(r"([\"'])((?:\.\./)*[A-Za-z_][\w]*\.(?:py|json))\1", literal, text)


def _file_moves(root: Path) -> dict[Path, Path]:
    out = {}
    for old in MAPPING:
        out[old_file(old, root)] = new_file(old, root)
    for old, new in DATA.items():
        out[root / "src" / old] = root / "src" / new
    return out


def _dotted_regex() -> re.Pattern[str]:
    olds = sorted(MAPPING, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(o) for o in olds) + r")(?![\w])")


NEW_NAMES = new_names()
KEEP_BEFORE = re.compile(r"""(?:resources\.files|getLogger)\(\s*["']$""")


def rewrite_dotted(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        old = m.group(1)
        if KEEP_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            # resources.files("paperbrief.digest") names a package (see rewrite_resources);
            # getLogger("paperbrief.embedding") is a logger's name, not a module's
            return old
        if text[m.end():m.end() + 1] == "/":
            return old  # an identifier such as the webhook schema "paperbrief.digest/1"
        rest = re.match(r"\.(\w+)", text[m.end():])
        if rest and f"{old}.{rest.group(1)}" in NEW_NAMES:
            return old  # already the new layout (paperbrief.store.core, paperbrief.digest.build)
        rest = re.match(r"\s+import\s+\(?\s*(\w+)", text[m.end():])
        if rest and f"{old}.{rest.group(1)}" in NEW_NAMES:
            return old  # from paperbrief.digest import render: the new package's module
        return MAPPING[old]

    return _dotted_regex().sub(sub, text)


def _path_pairs(root: Path) -> list[tuple[str, str]]:
    """(old, new) paths relative to src/, as posix strings: modules and data."""
    pairs = []
    for old in MAPPING:
        o = old_file(old, root).relative_to(root / "src").as_posix()
        n = new_file(old, root).relative_to(root / "src").as_posix()
        pairs.append((o, n))
    pairs += list(DATA.items())
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def rewrite_paths(text: str, root: Path) -> str:
    for old, new in _path_pairs(root):
        # slash paths: src/paperbrief/store.py, paperbrief/engines/llm.py, paperbrief/templates/
        text = re.sub(r"(?<![\w.])" + re.escape(old) + r"(?![\w])", new, text)
        # pathlib joins: "paperbrief" / "engines" / "term_df.json"
        o_parts, n_parts = old.split("/"), new.split("/")
        if len(o_parts) > 1:
            pat = r'"\s*/\s*"'.join(re.escape(p) for p in o_parts)
            text = re.sub(r'(?<![\w])"' + pat + r'"', '"' + '" / "'.join(n_parts) + '"', text)
    return text


def rewrite_basenames(text: str, root: Path) -> str:
    """String literals that are exactly an old module's file name ("offline_compare.py")."""
    names: dict[str, str] = {}
    dupes = set()
    for old in MAPPING:
        if old in _PACKAGE_MOVES:
            continue
        o, n = old_file(old, root).name, new_file(old, root).name
        if o in names:
            dupes.add(o)
        names[o] = n
    for d in dupes:
        names.pop(d)
    olds = {o for o, n in names.items() if o != n}
    if not olds:
        return text
    pat = re.compile(r"([\"'])(" + "|".join(re.escape(o) for o in sorted(olds)) + r")\1")
    return pat.sub(lambda m: f"{m.group(1)}{names[m.group(2)]}{m.group(1)}", text)


def rewrite_resources(text: str) -> str:
    """resources.files("paperbrief") lookups of data directories that moved into a package."""
    for old, new in DATA.items():
        o_parts, n_parts = old.split("/"), new.split("/")
        if len(o_parts) != 2:
            continue
        old_pkg, name = o_parts
        new_pkg = ".".join(n_parts[:-1])
        if n_parts[-1] != name:
            continue
        text = re.sub(
            r'resources\.files\("' + re.escape(old_pkg) + r'"\)(\.joinpath\("' + re.escape(name)
            + r'"|\s*/\s*"' + re.escape(name) + r'")',
            lambda m, p=new_pkg: f'resources.files("{p}"){m.group(1)}',
            text,
        )
    return text


def rewrite_from_imports(text: str) -> str:
    """`from paperbrief import store` -> `from paperbrief.store import core as store`, splitting
    statements that import several names of which some are moved modules."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        moved = [a for a in node.names if f"{node.module}.{a.name}" in MAPPING]
        if not moved:
            continue
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        out = []
        rest = [a for a in node.names if a not in moved]
        if rest:
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in rest)
            out.append(f"{indent}from {node.module} import {names}\n")
        for a in moved:
            new = MAPPING[f"{node.module}.{a.name}"]
            parent, leaf = new.rsplit(".", 1)
            local = a.asname or a.name
            alias = "" if local == leaf else f" as {local}"
            out.append(f"{indent}from {parent} import {leaf}{alias}\n")
        edits.append((node.lineno, node.end_lineno, out, node.col_offset))
    for start, end, out, col in sorted(edits, reverse=True):
        first = lines[start - 1]
        if first[:col].strip():
            continue  # `x; from a import b` on one line: leave it (the dotted rewrite may do)
        last = lines[end - 1]
        if not last.endswith("\n"):
            out[-1] = out[-1].rstrip("\n")
        lines[start - 1:end] = out
    return "".join(lines)


FROM_IMPORT_TEXT = re.compile(
    r"\bfrom (paperbrief[\w.]*) import (\w+(?: as \w+)?(?:, *\w+(?: as \w+)?)*)(?![\w,(])")


def rewrite_from_imports_text(text: str) -> str:
    """`from paperbrief import cli, ranking` written in a string or a doc (code a test runs in a
    subprocess, a README example): the moved names become a second statement after a `;`."""

    def sub(m: re.Match[str]) -> str:
        module, names = m.group(1), [n.strip() for n in m.group(2).split(",")]
        keep, moved = [], []
        for name in names:
            leaf, _, alias = name.partition(" as ")
            (moved if f"{module}.{leaf}" in MAPPING else keep).append((leaf, alias))
        if not moved:
            return m.group(0)
        parts = []
        if keep:
            parts.append(f"from {module} import "
                         + ", ".join(leaf + (f" as {a}" if a else "") for leaf, a in keep))
        for leaf, alias in moved:
            parent, new_leaf = MAPPING[f"{module}.{leaf}"].rsplit(".", 1)
            local = alias or leaf
            parts.append(f"from {parent} import {new_leaf}"
                         + ("" if local == new_leaf else f" as {local}"))
        return "; ".join(parts)

    return FROM_IMPORT_TEXT.sub(sub, text)


def break_refserver_cycle(root: Path, dry: bool, log: list[str]) -> list[Path]:
    """Move the error-fault table out of server.py into faults.py; batch imports it from there."""
    server = mod_path(FAULTS_FROM, root)
    faults = mod_path(FAULTS_MODULE, root)
    if not server.exists() or faults.exists():
        return []
    text = server.read_text(encoding="utf-8")
    tree = ast.parse(text)
    node = next(
        (n for n in tree.body if isinstance(n, ast.Assign)
         and any(isinstance(t, ast.Name) and t.id == FAULTS_NAME for t in n.targets)),
        None,
    )
    if node is None:
        log.append(f"WARNING: {FAULTS_NAME} not found in {server}; the refserver cycle stays")
        return []
    lines = text.splitlines(keepends=True)
    block = "".join(lines[node.lineno - 1:node.end_lineno])
    log.append(f"move {FAULTS_NAME} to {faults.relative_to(root)} (breaks server <-> batch)")
    if dry:
        return []
    faults.write_text(
        '"""The faults the reference server answers with an HTTP error (429s, 5xx, 400, ...):\n'
        'shared by the live handler (server) and the Batch API desk (batch)."""\n\n' + block,
        encoding="utf-8",
    )
    subprocess.run(["git", "add", str(faults)], cwd=root, check=True)
    # server.py: the definition goes, an import joins the module's imports
    last_import = max(n.end_lineno for n in tree.body
                      if isinstance(n, (ast.Import, ast.ImportFrom)) and n.lineno < node.lineno)
    del lines[node.lineno - 1:node.end_lineno]
    lines.insert(last_import, f"from {FAULTS_MODULE} import {FAULTS_NAME}\n")
    server.write_text("".join(lines), encoding="utf-8")
    touched = [server, faults]
    for path in (root / "src" / "paperbrief_refserver").glob("*.py"):
        t = path.read_text(encoding="utf-8")
        new = t
        for server_name in (FAULTS_FROM, *(o for o, n in MAPPING.items() if n == FAULTS_FROM)):
            new = new.replace(f"from {server_name} import {FAULTS_NAME}\n",
                              f"from {FAULTS_MODULE} import {FAULTS_NAME}\n")
        if new != t:
            path.write_text(new, encoding="utf-8")
            touched.append(path)
    return touched


LINE_LENGTH = 100


def _wrap(body: str, indent: str, prefix: str, nl: str) -> list[str]:
    """`body` cut at spaces into lines of at most LINE_LENGTH, continued at `indent` + `prefix`."""
    out = []
    while len(body) > LINE_LENGTH:
        cut = body.rfind(" ", len(indent) + len(prefix) + 1, LINE_LENGTH + 1)
        if cut <= 0:
            break
        out.append(body[:cut].rstrip() + nl)
        body = indent + prefix + body[cut + 1:].lstrip()
    out.append(body + nl)
    return out


def fix_long_lines(text: str, before: set[str]) -> tuple[str, list[str]]:
    """Lines the rewrite made longer than LINE_LENGTH: docstring and comment lines wrap at a space,
    a code line's trailing comment moves above it, a code line gets `# noqa: E501`; a line inside
    another multi-line string is reported (returned) and left alone."""
    try:
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, tokenize.TokenError):
        return text, []
    doc_lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        documented = isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
        first = body[0] if documented and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            doc_lines.update(range(first.lineno, first.end_lineno + 1))
    string_lines: set[int] = set()
    comments: dict[int, int] = {}
    for tok in tokens:
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            string_lines.update(range(tok.start[0], tok.end[0] + 1))
        elif tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.start[1]
    out: list[str] = []
    left: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        body = line.rstrip("\r\n")
        if len(body) <= LINE_LENGTH or body in before:
            out.append(line)
            continue
        nl = line[len(body):]
        indent = re.match(r"\s*", body).group(0)
        if number in doc_lines:
            out.extend(_wrap(body, indent, "", nl))
        elif number in string_lines:
            left.append(f"line {number}")
            out.append(line)
        elif comments.get(number) == len(indent):
            out.extend(_wrap(body, indent, "# ", nl))
        elif number in comments:
            code, comment = body[:comments[number]].rstrip(), body[comments[number]:]
            out.extend(_wrap(indent + comment, indent, "# ", nl))
            out.append(code + ("  # noqa: E501" if len(code) > LINE_LENGTH else "") + nl)
        else:
            out.append(body + "  # noqa: E501" + nl)
    return "".join(out), left


def files_to_rewrite(root: Path) -> list[Path]:
    out = []
    for d in REWRITE_ROOTS:
        for p in sorted((root / d).rglob("*")) if (root / d).exists() else []:
            if not p.is_file() or "__pycache__" in p.parts:
                continue
            if p.suffix not in TEXT_SUFFIXES or p.resolve() == (root / SELF).resolve():
                continue
            if p.suffix == ".json" or p.suffix == ".jsonl":
                continue
            out.append(p)
    for f in REWRITE_FILES:
        if (root / f).exists():
            out.append(root / f)
    return out


def rewrite_text(path: Path, text: str, root: Path) -> str:
    if path.suffix == ".py":
        text = rewrite_from_imports(text)
        text = rewrite_basenames(text, root)
    text = rewrite_from_imports_text(text)
    text = rewrite_dotted(text)
    if path.suffix == ".py":
        text = rewrite_resources(text)
    text = rewrite_paths(text, root)
    return text


def check_idempotent_names(root: Path) -> None:
    """A new file name that is another module's old file name would be rewritten again."""
    olds = {old_file(o, root).name: o for o in MAPPING if o not in _PACKAGE_MOVES}
    for o in MAPPING:
        if o in _PACKAGE_MOVES:
            continue
        n = new_file(o, root).name
        if n in olds and olds[n] != o:
            sys.exit(f"restructure: new file name {n} of {o} is the old name of {olds[n]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if work is left")
    args = parser.parse_args()
    root = Path.cwd()
    if not (root / "src" / "paperbrief").is_dir():
        sys.exit("restructure: run me from the repository root (src/paperbrief not found)")
    check_idempotent_names(root)
    dry = args.check
    log: list[str] = []

    unknown = unknown_modules(root)
    for m in unknown:
        print(f"restructure: UNKNOWN module {m}: add it to MAPPING or KEEP", file=sys.stderr)

    ensure_packages(root, dry, log)
    moved = move_modules(root, dry, log)
    move_data(root, dry, log)
    touched: list[Path] = []
    before: dict[Path, set[str]] = {}
    if not dry:
        for dst, (src, _) in moved.items():
            if dst.is_file():
                text = dst.read_text(encoding="utf-8")
                before[dst] = set(text.splitlines())
                new = fix_moved_module(text, src, dst, root)
                if new != text:
                    dst.write_text(new, encoding="utf-8")
                    touched.append(dst)
        touched += break_refserver_cycle(root, dry, log)
    elif mod_path(FAULTS_FROM, root).exists() and not mod_path(FAULTS_MODULE, root).exists():
        log.append(f"move {FAULTS_NAME} to {FAULTS_MODULE}")
    touched += add_import_rules(root, dry, log)

    rewrites = 0
    for path in files_to_rewrite(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        new = rewrite_text(path, text, root)
        before.setdefault(path, set(text.splitlines()))
        if new != text:
            rewrites += 1
            log.append(f"rewrite {path.relative_to(root)}")
            if not dry:
                path.write_text(new, encoding="utf-8")
                touched.append(path)

    py = sorted({str(p) for p in touched if p.suffix == ".py" and p.exists()})
    if py and not dry:
        ruff = shutil.which("ruff")
        if ruff:
            subprocess.run([ruff, "check", "--quiet", "--fix", "--select", "I", *py], cwd=root)
        else:
            print("restructure: ruff not found; run "
                  "`ruff check --fix --select I src tests bench tools`", file=sys.stderr)

    for path in sorted(set(py)):
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        new, left = fix_long_lines(text, before.get(path, set()))
        if new != text:
            path.write_text(new, encoding="utf-8")
        for where in left:
            log.append(f"WARNING: {path.relative_to(root)} {where} is too long, inside a string")
    for line in log:
        print(line)
    conflicts = [line for line in log if line.startswith(("CONFLICT", "WARNING"))]
    if unknown or conflicts:
        print(f"restructure: {len(unknown)} unknown module(s), "
              f"{len(conflicts)} conflict(s)/warning(s)", file=sys.stderr)
        return 3
    if dry:
        print(f"restructure: {len(log)} change(s) pending" if log else "restructure: nothing to do")
        return 1 if log else 0
    print(f"restructure: {len(moved)} module(s) moved, {rewrites} file(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
