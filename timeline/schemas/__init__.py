"""The public API contract: request and response shapes (pydantic; never table models).

Request models forbid unknown fields, so `id`, `version` or a misspelt field is a 422 naming it.
Response models describe exactly what is served; the OpenAPI document is generated from them.
One module per area; everything public is re-exported here.
"""

from __future__ import annotations

from timeline.schemas import analysis, events, items, positions, processes
from timeline.schemas.analysis import *  # noqa: F403
from timeline.schemas.common import Day, Kind, Precision, Status, Strict
from timeline.schemas.events import *  # noqa: F403
from timeline.schemas.items import *  # noqa: F403
from timeline.schemas.positions import *  # noqa: F403
from timeline.schemas.processes import *  # noqa: F403

# Each area module's `__all__` is its public list; `common` also holds validation helpers that
# only the area modules use, so only its types are named here.
__all__ = [
    "Day",
    "Kind",
    "Precision",
    "Status",
    "Strict",
]
__all__ += analysis.__all__
__all__ += events.__all__
__all__ += items.__all__
__all__ += positions.__all__
__all__ += processes.__all__
