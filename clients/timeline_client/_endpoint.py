"""How one description of a call becomes a method of both clients.

An `Endpoint` wraps a function of `timeline_client._calls` that turns the method's arguments
into a `Call`. Read from a client, it is that client's method: `SyncSender` sends the call and
returns its answer (or an iterator over its pages), `AsyncSender` does the same awaited. So
each endpoint is written once and both clients run it."""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, Generic, Literal, ParamSpec, TypeVar, overload

from timeline_client._calls import next_page
from timeline_client._core import Call
from timeline_client.models import Page

__all__ = ["AsyncSender", "Endpoint", "SyncSender", "each", "every", "one"]

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A")
# What a method does with its call: answer it (one), iterate its items page after page (each),
# or collect every item of every page in a list (every).
Kind = Literal["one", "each", "every"]
Describe = Callable[..., Call[Any]]


class SyncSender(ABC):
    """A client that sends calls and blocks for the answer."""

    @abstractmethod
    def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; the reply read, or an exception."""

    def pages(self, first: Call[Page[T]]) -> Iterator[Page[T]]:
        """Every page of a list, following `next`."""
        page = self.send(first)
        yield page
        while page.next:
            page = self.send(next_page(page.next, first))
            yield page

    def _each(self, first: Call[Page[T]]) -> Iterator[T]:
        for page in self.pages(first):
            yield from page.items

    def _every(self, first: Call[Page[T]]) -> list[T]:
        return list(self._each(first))

    def _method(self, kind: Kind, describe: Describe) -> Callable[..., Any]:
        run: Callable[[Call[Any]], Any] = getattr(self, "send" if kind == "one" else f"_{kind}")
        return lambda *args, **kwargs: run(describe(*args, **kwargs))


class AsyncSender(ABC):
    """A client that sends calls under asyncio: methods are awaited, lists async-iterated."""

    @abstractmethod
    async def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; the reply read, or an exception."""

    async def pages(self, first: Call[Page[T]]) -> AsyncIterator[Page[T]]:
        """Every page of a list, following `next`."""
        page = await self.send(first)
        yield page
        while page.next:
            page = await self.send(next_page(page.next, first))
            yield page

    async def _each(self, first: Call[Page[T]]) -> AsyncIterator[T]:
        async for page in self.pages(first):
            for item in page.items:
                yield item

    async def _every(self, first: Call[Page[T]]) -> list[T]:
        return [item async for item in self._each(first)]

    def _method(self, kind: Kind, describe: Describe) -> Callable[..., Any]:
        if kind == "each":  # an async iterator is returned, not awaited
            return lambda *args, **kwargs: self._each(describe(*args, **kwargs))
        run: Callable[[Call[Any]], Any] = self.send if kind == "one" else self._every

        async def method(*args: Any, **kwargs: Any) -> Any:
            # The call is described when awaited, as an `async def` method would.
            return await run(describe(*args, **kwargs))

        return method


class Endpoint(Generic[P, S, A]):
    """A method of both clients: `S` is what the blocking one returns, `A` the asyncio one."""

    def __init__(self, describe: Callable[P, Call[Any]], kind: Kind) -> None:
        self.describe = describe
        self.kind = kind
        self.__doc__ = describe.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> Endpoint[P, S, A]: ...

    @overload
    def __get__(self, client: SyncSender, owner: type[Any] | None = None) -> Callable[P, S]: ...

    @overload
    def __get__(self, client: AsyncSender, owner: type[Any] | None = None) -> Callable[P, A]: ...

    def __get__(self, client: Any, owner: Any = None) -> Any:
        if client is None:
            return self
        method = client._method(self.kind, self.describe)
        return functools.update_wrapper(method, self.describe)


def one(describe: Callable[P, Call[T]]) -> Endpoint[P, T, Coroutine[Any, Any, T]]:
    """A method that sends the call and returns its answer."""
    return Endpoint(describe, "one")


def each(describe: Callable[P, Call[Page[T]]]) -> Endpoint[P, Iterator[T], AsyncIterator[T]]:
    """A method that iterates the items of a list, fetching its pages as needed."""
    return Endpoint(describe, "each")


def every(
    describe: Callable[P, Call[Page[T]]],
) -> Endpoint[P, list[T], Coroutine[Any, Any, list[T]]]:
    """A method that returns every item of a list, all its pages read."""
    return Endpoint(describe, "every")
