"""Unknown query parameters: each route is checked against its own declared names only."""

import gc
from typing import Annotated

from litestar import Litestar, get
from litestar.params import QueryParameter

from timeline.api import query_check


def _route(name: str) -> object:  # no PEP 563 here: the annotation reads `name`
    @get("/", sync_to_thread=False)
    def handler(value: Annotated[int, QueryParameter(name=name)] = 0) -> None:
        """A route that takes one query parameter."""

    Litestar([handler])
    return handler


def test_a_route_is_checked_against_its_own_parameters() -> None:
    first, second = _route("process"), _route("tag")
    assert query_check._query_names(first) == frozenset({"process"})
    assert query_check._query_names(second) == frozenset({"tag"})


def test_a_collected_route_leaves_no_names_behind_for_a_new_one() -> None:
    # A cache keyed by id() outlives its route; CPython then hands the id to a new route, which
    # was checked against the dead one's names (a 422 for `?process=` in a long test run).
    route = _route("process")
    query_check._query_names(route)
    held = len(query_check._KNOWN)
    del route
    gc.collect()
    assert len(query_check._KNOWN) == held - 1
