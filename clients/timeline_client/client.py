"""The synchronous client: `Client(base_url, token=...)`. Its twin is `AsyncClient`; both have
the methods of `timeline_client._api` and send them through the same rules
(`timeline_client._core`)."""

from __future__ import annotations

import time
from typing import TypeVar

import httpx

from timeline_client._api import Api
from timeline_client._core import Call, Prepared, Reply
from timeline_client._endpoint import SyncSender

__all__ = ["Client"]

T = TypeVar("T")


class Client(Api[httpx.BaseTransport], SyncSender):
    """A blocking client of the timeline API.

    `token` is needed for writes only. Reads of feeds are cached by ETag; 429, 503 and
    connection errors are retried per `retry`; every create carries an Idempotency-Key that is
    the same on each of its retries, so a retried create never makes two.
    """

    def _connect(self, timeout: float, transport: httpx.BaseTransport | None) -> None:
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; the reply read, or an exception."""
        exchange = self.core.exchange(call)
        step = next(exchange)
        try:
            while True:
                if isinstance(step, Prepared):
                    step = exchange.send(self._request(step))
                else:
                    time.sleep(step)
                    step = next(exchange)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def _request(self, prepared: Prepared) -> Reply | httpx.TransportError:
        try:
            response = self._http.request(
                prepared.method, prepared.url, headers=prepared.headers, content=prepared.content
            )
        except httpx.TransportError as error:
            return error
        return Reply.of(response)
