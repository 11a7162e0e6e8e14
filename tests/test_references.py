"""Paper references as people write them: every accepted form, and what is refused."""

from __future__ import annotations

import pytest

from paperbrief.errors import InputError
from paperbrief.sources.references import Reference, check_distinct, parse_reference


@pytest.mark.parametrize(
    ("text", "arxiv_id", "version"),
    [
        ("2401.01234", "2401.01234", None),
        ("2401.01234v2", "2401.01234", 2),
        ("0704.0001", "0704.0001", None),
        ("arXiv:2401.01234", "2401.01234", None),
        ("astro-ph/0601001", "astro-ph/0601001", None),
        ("hep-th/9901001v1", "hep-th/9901001", 1),
        ("math.GT/0309136", "math.GT/0309136", None),
        ("https://arxiv.org/abs/2401.01234", "2401.01234", None),
        ("http://arxiv.org/abs/2401.01234v3", "2401.01234", 3),
        ("https://www.arxiv.org/abs/2401.01234/", "2401.01234", None),
        ("https://arxiv.org/abs/2401.01234?context=cs", "2401.01234", None),
        ("https://arxiv.org/pdf/2402.05678", "2402.05678", None),
        ("https://arxiv.org/pdf/2402.05678.pdf", "2402.05678", None),
        ("http://arxiv.org/pdf/2402.05678v1.pdf#page=2", "2402.05678", 1),
        ("arxiv.org/pdf/hep-th/9901001v1", "hep-th/9901001", 1),
        ("https://arxiv.org/abs/astro-ph/0601001", "astro-ph/0601001", None),
        ("https://huggingface.co/papers/2402.05678", "2402.05678", None),
        ("http://www.huggingface.co/papers/2402.05678/", "2402.05678", None),
        ("https://huggingface.co/papers/2402.05678?utm_source=x#community", "2402.05678", None),
        ("huggingface.co/papers/2402.05678", "2402.05678", None),
        ("  2401.01234  ", "2401.01234", None),
    ],
)
def test_ids_and_links(text, arxiv_id, version):
    ref = parse_reference(text)
    assert (ref.arxiv_id, ref.version) == (arxiv_id, version)
    assert ref.versioned_id == (f"{arxiv_id}v{version}" if version else arxiv_id)


@pytest.mark.parametrize("text", ["Visual-ERM", "speculative decoding", "GPT-4", "2024", "3D"])
def test_anything_else_is_a_title_fragment(text):
    ref = parse_reference(text)
    assert ref == Reference(text=text) and not ref.is_id
    with pytest.raises(ValueError):
        _ = ref.versioned_id


@pytest.mark.parametrize(
    "text",
    ["", "2401.123", "2401.012345", "2401.01234v", "240101234", "hep-th/99011",
     "https://example.com/abs/2401.01234", "https://arxiv.org/list/cs.CL/recent",
     "https://arxiv.org/abs/", "https://huggingface.co/papers", "https://huggingface.co/2401.01234",
     "ftp://arxiv.org/abs/2401.01234", "www.example.org/paper"],
)
def test_malformed_references_are_refused(text):
    with pytest.raises(InputError) as caught:
        parse_reference(text)
    assert repr(text) in str(caught.value) and "\n" not in str(caught.value)


def test_versions_of_one_paper_are_the_same_paper():
    with pytest.raises(InputError, match="name the same paper"):
        check_distinct([parse_reference("2401.01234v1"), parse_reference("2401.01234v2")])
    check_distinct([parse_reference("2401.01234"), parse_reference("2401.01235"),
                    parse_reference("a title"), parse_reference("a title")])
