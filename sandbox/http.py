"""Request and response helpers shared by the sandbox's Flask blueprints."""

from __future__ import annotations

from typing import Any, overload

from flask import Response, current_app, g, request

from .errors import ForumError, InvalidParameters
from .models import User
from .serializers import to_json_bytes
from .state import ForumState

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def state() -> ForumState:
    """The forum state of the running app."""
    return current_app.config["SANDBOX_STATE"]


def viewer() -> User:
    """The user the current API request acts as (set by authentication)."""
    return g.sandbox_viewer


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A response with Discourse's exact JSON content type."""
    response = Response(to_json_bytes(payload), status=status, headers=headers or {})
    response.headers["Content-Type"] = JSON_CONTENT_TYPE
    return response


def error_response(error: ForumError) -> Response:
    """The JSON response for a ForumError, with rate limit headers for 429s."""
    headers = {}
    if error.status == 429:
        wait = getattr(error, "wait_seconds", 1)
        headers = {
            "Retry-After": str(wait),
            "Discourse-Rate-Limit-Error-Code": getattr(error, "error_code", "admin_api_key_rate_limit"),
        }
    return json_response(error.body(), error.status, headers)


def params() -> dict[str, Any]:
    """Request parameters from query string, form and JSON body, as Rails merges them."""
    merged: dict[str, Any] = {}
    merged.update(request.args.to_dict())
    if request.form:
        for key in request.form:
            values = request.form.getlist(key)
            merged[key] = values if key.endswith("[]") else values[-1]
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        merged.update(body)
    return merged


def nested(source: dict[str, Any], root: str) -> dict[str, Any]:
    """Parameters under a root key, given either as JSON object or as `root[key]` form fields."""
    value = source.get(root)
    if isinstance(value, dict):
        return value
    prefix = f"{root}["
    return {k[len(prefix) : -1]: v for k, v in source.items() if k.startswith(prefix) and k.endswith("]")}


@overload
def int_param(
    source: dict[str, Any], name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int: ...


@overload
def int_param(
    source: dict[str, Any], name: str, default: None = None, *, minimum: int | None = None, maximum: int | None = None
) -> int | None: ...


def int_param(
    source: dict[str, Any],
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An integer parameter; 400 invalid_parameters when it is not a number or out of range."""
    raw = source.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidParameters(name) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidParameters(name)
    return value


def bool_param(source: dict[str, Any], name: str, default: bool = False) -> bool:
    """A boolean parameter given as true/false in any of the usual spellings."""
    raw = source.get(name)
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    return str(raw).lower() in ("1", "true", "t", "yes", "on")


def list_param(source: dict[str, Any], name: str) -> list[str]:
    """A list parameter from `name[]` form fields, a JSON list or a comma-separated string."""
    raw = source.get(f"{name}[]", source.get(name))
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return [str(part).strip() for part in raw if str(part).strip()]
