"""Hypothesis strategies for the parts of an event document that property tests draw alike."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["source_lists", "tag_lists"]


def tag_lists(longest_tail: int, most: int) -> st.SearchStrategy[list[str]]:
    """Lists of at most `most` tags: a lower-case letter, then up to `longest_tail` letters,
    digits or hyphens."""
    tag = st.from_regex(rf"[a-z][a-z0-9-]{{0,{longest_tail}}}", fullmatch=True)
    return st.lists(tag, max_size=most)


def source_lists(
    urls: st.SearchStrategy[str], texts: st.SearchStrategy[str]
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of up to two sources, each a URL drawn from `urls` with an optional title and
    quote drawn from `texts`."""
    return st.lists(
        st.fixed_dictionaries({"url": urls}, optional={"title": texts, "quote": texts}),
        max_size=2,
    )
