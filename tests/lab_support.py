"""Helpers for the lab tests: a listing of real papers, reader profiles, a config writer."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LISTING = FIXTURES / "hf-2024-papers-2000.jsonl"  # real HF Daily Papers of 2024 (see README)

PROFILES = {
    "ana": ("Reasoning of large language models with reinforcement learning.",
            ["reasoning", "reinforcement learning", "chain-of-thought"]),
    "ben": ("Efficient inference: quantization, KV cache and speculative decoding.",
            ["quantization", "KV cache", "speculative decoding", "inference"]),
    "cal": ("Video generation with diffusion models.", ["video generation", "diffusion"]),
    "dan": ("Multimodal vision-language models and visual reasoning.",
            ["vision-language", "multimodal", "visual reasoning"]),
    # close to ana's: two readers of a lab often share interests
    "eve": ("Reasoning of large language models with reinforcement learning.",
            ["reasoning", "reinforcement learning", "chain-of-thought", "agents"]),
}


def listing(tmp: Path, n: int) -> Path:
    """The first `n` papers of the real 2024 listing, as a JSONL file in `tmp`."""
    path = tmp / f"papers-{n}.jsonl"
    lines = LISTING.read_text(encoding="utf-8").splitlines()[:n]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def profile(tmp: Path, name: str) -> Path:
    description, keywords = PROFILES[name]
    path = tmp / f"{name}.toml"
    quoted = ", ".join(f'"{k}"' for k in keywords)
    path.write_text(f'description = "{description}"\nkeywords = [{quoted}]\n', encoding="utf-8")
    return path


def write_config(tmp: Path, source: Path, readers: dict[str, str], top: int = 10,
                 head: str = "") -> Path:
    """A lab config: `readers` maps a name to the extra TOML lines of its [[reader]] table."""
    parts = [head, f'sources = ["{source.name}"]']
    for name, extra in readers.items():
        profile(tmp, name)
        parts.append(f'[[reader]]\nname = "{name}"\ninterests = "{name}.toml"\ntop = {top}\n'
                     f"{extra}")
    path = tmp / "lab.toml"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path
