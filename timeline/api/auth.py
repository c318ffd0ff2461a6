"""Bearer-token authorization for writes. Reads are public."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.tokens import find_token

__all__ = ["Actor", "authenticate"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is writing: the token's name, its scope, and the one process it is tied to, if any."""

    name: str
    scope: str
    process: str | None = None
    token_key: str = ""

    def require_admin(self) -> None:
        """Refuse (403) unless this is an admin token."""
        if self.scope != "admin":
            raise PermissionDeniedException(detail="this needs an admin token")

    def require_process(self, slug: str) -> None:
        """Refuse (403) unless this token may write to process `slug`."""
        if self.scope == "admin":
            return
        if self.process is not None and self.process != slug:
            raise PermissionDeniedException(
                detail=f"this token is limited to process {self.process!r}"
            )


_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="timeline"'}


async def authenticate(
    request: Request[Any, Any, Any],
    settings: NamedDependency[Settings],
    db: NamedDependency[Database],
) -> Actor:
    """The actor behind the request's bearer token; 401 when it is missing or unknown."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise NotAuthorizedException(
            detail="send Authorization: Bearer <token>", headers=_UNAUTHORIZED
        )
    admin = settings.admin_token
    if admin and hmac.compare_digest(secret.encode(), admin.encode()):
        return Actor(name="admin", scope="admin", token_key="admin")
    async with db.read() as session:
        found = await find_token(session, secret)
    if found is None:
        raise NotAuthorizedException(detail="the bearer token is not valid", headers=_UNAUTHORIZED)
    token, process = found
    return Actor(name=token.name, scope=token.scope, process=process, token_key=token.token_hash)
