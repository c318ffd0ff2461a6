"""The OpenAPI UI under `/schema`, with its script and stylesheet served by the app itself.

Swagger UI 5 (it reads OpenAPI 3.1) ships in the pinned `litestar-offline-docs` package; the
UI page loads it from `/schema-assets`, so the API's documentation works without internet.
"""

from __future__ import annotations

from pathlib import Path

import litestar_offline_docs
from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

__all__ = ["SCHEMA_ASSETS_PATH", "schema_assets_router", "schema_ui"]

SCHEMA_ASSETS_PATH = "/schema-assets"
_ASSETS_DIR = Path(litestar_offline_docs.__file__).resolve().parent / "static"


def schema_ui() -> SwaggerRenderPlugin:
    """Swagger UI at `/schema` and `/schema/swagger`, loading nothing from a CDN."""
    return SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{SCHEMA_ASSETS_PATH}/swagger-ui-standalone-preset.js",
        # Litestar's default icon is on a CDN too.
        favicon='<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
    )


def schema_assets_router() -> Router:
    """`/schema-assets`: the OpenAPI UI's script and stylesheet."""
    return create_static_files_router(
        path=SCHEMA_ASSETS_PATH,
        directories=[_ASSETS_DIR],
        cache_control=CacheControlHeader(max_age=86400, public=True),
        include_in_schema=False,
    )
