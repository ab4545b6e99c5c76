"""Helpers for the sync tests: contract schemas, schema-valid fixtures, a fake clock."""

from __future__ import annotations

import copy
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "discourse"
BASE_URL = "https://forum.example.org"
HAVE_CONTRACT = (SHARED / "openapi.json").is_file()
needs_contract = pytest.mark.skipif(
    not HAVE_CONTRACT, reason=f"Discourse contract folder {SHARED} is absent (checked out without ../shared)"
)


@cache
def schema(name: str) -> dict[str, Any]:
    """Load one JSON schema from ../shared/discourse/schemas."""
    return json.loads((SHARED / "schemas" / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    """Load the official OpenAPI document."""
    return json.loads((SHARED / "openapi.json").read_text(encoding="utf-8"))


_VALIDATORS: dict[int, Any] = {}


def validate(instance: Any, schema_or_name: dict[str, Any] | str) -> None:
    """Raise jsonschema.ValidationError when the instance does not fit the schema."""
    import jsonschema

    target = schema(schema_or_name) if isinstance(schema_or_name, str) else schema_or_name
    key = id(target)
    if key not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(target)
        cls.check_schema(target)
        _VALIDATORS[key] = (target, cls(target))  # keep target alive so its id stays unique
    error = jsonschema.exceptions.best_match(_VALIDATORS[key][1].iter_errors(instance))
    if error is not None:
        raise error


def _default(spec: dict[str, Any], key: str) -> Any:
    types = spec.get("type", "object")
    if isinstance(types, list):
        types = next((t for t in types if t != "null"), "null")
    if types == "object" or "properties" in spec:
        return minimal(spec)
    if types == "array":
        return []
    if types == "string":
        return "2024-05-01T10:00:00.000Z" if key.endswith("_at") else f"{key}-value"
    if types == "integer":
        return 1
    if types == "number":
        return 1.0
    if types == "boolean":
        return False
    return None


def minimal(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the smallest object that has every required property of an object schema."""
    props = spec.get("properties", {})
    return {key: _default(props.get(key, {}), key) for key in spec.get("required", [])}


def merge(base: Any, overrides: Any) -> Any:
    """Deep-merge overrides into a copy of base (dicts merge, everything else replaces)."""
    if isinstance(base, dict) and isinstance(overrides, dict):
        result = copy.deepcopy(base)
        for key, value in overrides.items():
            result[key] = merge(result[key], value) if key in result else copy.deepcopy(value)
        return result
    return copy.deepcopy(overrides)


def item_schema(name: str, *path: str) -> dict[str, Any]:
    """Return a nested schema: property names, and '*' or 'items' for array items."""
    spec = schema(name)
    for key in path:
        is_array_step = key == "*" or (key == "items" and spec.get("type") == "array")
        spec = spec["items"] if is_array_step else spec["properties"][key]
    return spec


def fixture(
    schema_name: str, /, *path: str, _beyond_schema: dict[str, Any] | None = None, **overrides: Any
) -> dict[str, Any]:
    """Build a schema-valid object (a whole response or a nested item) with the given fields set.

    ``_beyond_schema`` adds fields real Discourse sends that the published schema
    lacks (it forbids additional properties); they are added after validation.
    """
    spec = item_schema(schema_name, *path)
    instance = merge(minimal(spec), overrides)
    validate(instance, spec)
    return merge(instance, _beyond_schema or {})


class FakeClock:
    """A monotonic clock whose sleep advances time instantly and records the pauses."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
