"""The asynchronous client: `AsyncClient(base_url, token=...)`, the twin of `Client` with the
same methods (`timeline_client._api`), awaited; lists are async iterators. Both send the same
calls through the same rules."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import httpx

from timeline_client._api import Api
from timeline_client._core import Call, Prepared, Reply
from timeline_client._endpoint import AsyncSender

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient(Api[httpx.AsyncBaseTransport], AsyncSender):
    """An asyncio client of the timeline API (see `Client` for the behaviour; it is the same)."""

    def _connect(self, timeout: float, transport: httpx.AsyncBaseTransport | None) -> None:
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; the reply read, or an exception."""
        exchange = self.core.exchange(call)
        step = next(exchange)
        try:
            while True:
                if isinstance(step, Prepared):
                    step = exchange.send(await self._request(step))
                else:
                    await asyncio.sleep(step)
                    step = next(exchange)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    async def _request(self, prepared: Prepared) -> Reply | httpx.TransportError:
        try:
            response = await self._http.request(
                prepared.method, prepared.url, headers=prepared.headers, content=prepared.content
            )
        except httpx.TransportError as error:
            return error
        return Reply.of(response)
