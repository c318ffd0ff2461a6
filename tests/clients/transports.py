"""Faults on the wire, for retry tests: real requests to the real server, with a lost response
or a refusal injected in between (the client and the server are never replaced)."""

from __future__ import annotations

import httpx

__all__ = ["AsyncLosesFirstResponse", "LosesFirstResponse", "RefusesFirst"]


class LosesFirstResponse(httpx.HTTPTransport):
    """Delivers the first request of `method` to the server, then drops its response, as a
    network failure after the server acted would."""

    def __init__(self, method: str = "POST") -> None:
        super().__init__()
        self.method = method
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == self.method:
            self.sent.append(request)
            if len(self.sent) == 1:
                response.read()
                response.close()
                raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


class AsyncLosesFirstResponse(httpx.AsyncHTTPTransport):
    """The asyncio twin of `LosesFirstResponse`."""

    def __init__(self, method: str = "POST") -> None:
        super().__init__()
        self.method = method
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == self.method:
            self.sent.append(request)
            if len(self.sent) == 1:
                await response.aread()
                await response.aclose()
                raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


class RefusesFirst(httpx.HTTPTransport):
    """Answers the first `count` requests itself with `status` and a Retry-After, as a proxy
    in front of a busy server does; later requests reach the server."""

    def __init__(self, status: int, retry_after: str, count: int = 1) -> None:
        super().__init__()
        self.status = status
        self.retry_after = retry_after
        self.count = count
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if len(self.seen) <= self.count:
            return httpx.Response(
                self.status,
                headers={
                    "Retry-After": self.retry_after,
                    "Content-Type": "application/problem+json",
                },
                json={
                    "type": "/problems/unavailable",
                    "title": "Busy",
                    "status": self.status,
                    "detail": "try again",
                },
                request=request,
            )
        return super().handle_request(request)
