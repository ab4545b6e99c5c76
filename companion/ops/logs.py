"""Log lines as text or JSON, each carrying the run id of the job or command that wrote it."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

# The process's own id until a recorded job run sets its database id (a command, a worker start-up).
PROCESS_RUN_ID = uuid.uuid4().hex[:8]
_run_id: contextvars.ContextVar[str] = contextvars.ContextVar("companion_run_id", default=PROCESS_RUN_ID)

TEXT_FORMAT = "%(asctime)s %(levelname)s [run %(run_id)s] %(name)s: %(message)s"


def current_run_id() -> str:
    """The run id that log lines written now carry."""
    return _run_id.get()


@contextmanager
def run_id_scope(run_id: object) -> Iterator[None]:
    """Let every log line written inside the block (in this thread or task) carry run_id."""
    token = _run_id.set(str(run_id))
    try:
        yield
    finally:
        _run_id.reset(token)


class RunIdFilter(logging.Filter):
    """Adds run_id to every record, so every formatter can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = current_run_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, run id, message (and the exception, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "run_id": getattr(record, "run_id", current_run_id()),
            "message": record.getMessage(),
        }
        for key in ("progress", "done", "total", "rate", "eta_seconds"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "info", fmt: str = "text", stream=None) -> logging.Handler:
    """Send the companion's logs to stderr as text or JSON (replacing earlier handlers of this function)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "companion", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.companion = True  # type: ignore[attr-defined]
    handler.addFilter(RunIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
