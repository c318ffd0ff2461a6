"""Structured logs: with `TIMELINE_LOG_FORMAT=json`, every log line is one JSON object.

Each line carries the time, level, logger and message, the id of the request being answered
(the `X-Request-ID` header and the problem's `request_id`), and the fields a caller passed in
`extra` (the pipeline's access line: method, path, route, status, duration_ms, client).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from timeline.api.problems import REQUEST_ID

__all__ = ["JsonFormatter", "configure_logging"]

# Attributes every LogRecord has: anything else on a record came from `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_LOGGERS = ("timeline", "uvicorn", "uvicorn.error", "uvicorn.access", "litestar")


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line."""
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    """With "json", send the service's, uvicorn's and Litestar's logs to stderr as JSON lines
    (and log each request once, from the pipeline, at INFO); "text" leaves logging alone."""
    if log_format != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    # The pipeline logs each request with its id: uvicorn's own access line would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
