"""`/forecasts`: the scoreboard of the forecasts on the library of real negotiations, as HTML."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine

from timeline.api.conditional import content_etag, is_not_modified, not_modified
from timeline.api.pages import SECURITY_HEADERS
from timeline.api.routes import page_route
from timeline.services.library_backtest import kept_scoreboard

__all__ = ["ForecastsController"]


class ForecastsController(Controller):
    """`/forecasts`: how far to trust a verdict, judged on negotiations whose ending is known."""

    tags = ["pages"]

    @page_route(
        "/forecasts",
        "pageForecasts",
        "HTML: the forecasts scoreboard (Brier score, log loss, reliability diagram)",
        errors=(429,),
    )
    async def forecasts(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The kept scoreboard against the base-rate baseline, with a reliability diagram."""
        engine = request.app.template_engine
        assert isinstance(engine, JinjaTemplateEngine)
        context = {"title": "Forecasts scoreboard", "board": kept_scoreboard()}
        body = engine.get_template("forecasts.html").render(**context).encode()
        tag = content_etag(body)
        if is_not_modified(request, tag):
            return not_modified(tag, SECURITY_HEADERS)
        return Response(
            content=body, media_type="text/html", headers={"ETag": tag, **SECURITY_HEADERS}
        )
