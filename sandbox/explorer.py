"""Data Explorer plugin endpoints: saved queries recognised by name and computed from the state.

Follows discourse-data-explorer: `app/controllers/discourse_data_explorer/query_controller.rb`
(index, create, run; a failed run answers 422 {success: false, errors}), `lib/discourse_data_explorer/
data_explorer.rb` (`run_query` sets `statement_timeout` to 10 s; `add_extra_data` loads every record a
column named after a model id references into `relations`), and plugin.rb (routes under
/admin/plugins/discourse-data-explorer in bundled cores, /admin/plugins/explorer for the standalone plugin).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, request

from .api import guard
from .errors import ForumError, InvalidParameters, NotFound, RateLimitedError, Unprocessable
from .http import error_response, int_param, json_response, params, state, viewer
from .models import Like, User
from .serializers import iso
from .state import ForumState

try:  # The companion's query definitions, when the client side of sync/ is present.
    from sync import bulk_queries
except ImportError:  # pragma: no cover - only when the sandbox is used on its own
    bulk_queries = None  # type: ignore[assignment]

explorer = Blueprint("sandbox_explorer", __name__)

MAX_ROWS_PER_RUN = 10_000
QUERIES_PER_PAGE = 50
EXPLORER_RATE_LIMIT_CODE = "data_explorer_query_run"
STATEMENT_TIMEOUT_ERROR = "ERROR:  canceling statement due to statement timeout"
# Columns Data Explorer resolves into `relations` (add_extra_data): a model name followed by _id.
RELATION_COLUMNS = frozenset({"user_id", "post_id", "topic_id", "group_id", "badge_id", "category_id"})


def register_explorer(app: Flask, kind: str) -> None:
    """Serve the plugin under the prefixes of a bundled core or of the standalone plugin."""
    from .settings import EXPLORER_PREFIXES

    for index, prefix in enumerate(EXPLORER_PREFIXES[kind]):
        app.register_blueprint(explorer, url_prefix=prefix, name=f"sandbox_explorer_{index}")


# Columns the sandbox can compute, per kind of row; a query is answerable when all its columns are known.
Resolver = Callable[[ForumState, Any], Any]
USER_COLUMNS: dict[str, Resolver] = {
    "uid": lambda s, u: u.id,
    "user_id": lambda s, u: u.id,
    "id": lambda s, u: u.id,
    "username": lambda s, u: u.username,
    "name": lambda s, u: u.name,
    "email": lambda s, u: u.email,
    "active": lambda s, u: u.active,
    "admin": lambda s, u: u.admin,
    "moderator": lambda s, u: u.moderator,
    "staged": lambda s, u: u.staged,
    "trust_level": lambda s, u: u.trust_level,
    "suspended": lambda s, u: u.suspended_till is not None and u.suspended_till > s.now(),
    "silenced": lambda s, u: u.silenced_till is not None and u.silenced_till > s.now(),
    "suspended_till": lambda s, u: iso(u.suspended_till),
    "silenced_till": lambda s, u: iso(u.silenced_till),
    "last_seen_at": lambda s, u: iso(u.last_seen_at),
    "last_posted_at": lambda s, u: iso(u.last_posted_at),
    "created_at": lambda s, u: iso(u.created_at),
    "locale": lambda s, u: u.locale,
    "bio_raw": lambda s, u: u.bio_raw or "",
    "post_count": lambda s, u: u.post_count,
    "user_fields": lambda s, u: json.dumps(
        {k: v for k, v in u.user_fields.items() if v is not None}, ensure_ascii=False
    ),
    "group_names": lambda s, u: ",".join(sorted(g.name for g in s.groups_of(u))),
    "ignored_usernames": lambda s, u: ",".join(sorted(s.user_by_id(i).username for i in u.ignored_user_ids)),
    "muted_usernames": lambda s, u: ",".join(sorted(s.user_by_id(i).username for i in u.muted_user_ids)),
}
LIKE_COLUMNS: dict[str, Resolver] = {
    "pid": lambda s, like: like.post_id,
    "post_id": lambda s, like: like.post_id,
    "user_id": lambda s, like: like.user_id,
    "username": lambda s, like: s.user_by_id(like.user_id).username,
    "created_at": lambda s, like: iso(like.created_at),
    "topic_id": lambda s, like: s.posts[like.post_id].topic_id,
}


def _relations(forum: ForumState, columns: tuple[str, ...], rows: list[list[Any]]) -> dict[str, list[Any]]:
    """What add_extra_data puts into `relations`: each referenced user or post, once."""
    result: dict[str, list[Any]] = {}
    for index, column in enumerate(columns):
        if column not in RELATION_COLUMNS:
            continue
        ids = sorted({row[index] for row in rows if row[index] is not None})
        if column == "user_id":
            result["user"] = [{"id": i, "username": forum.user_by_id(i).username} for i in ids if _has_user(forum, i)]
        elif column == "post_id":
            result["post"] = [
                {"id": i, "excerpt": forum.posts[i].raw[:300], "topic_id": forum.posts[i].topic_id}
                for i in ids
                if i in forum.posts
            ]
        else:
            result[column.removesuffix("_id")] = [{"id": i} for i in ids]
    return result


def _has_user(forum: ForumState, user_id: Any) -> bool:
    return user_id in forum.users or user_id in forum.deleted_users


def _known_columns(name: str, sql: str) -> tuple[str, ...] | None:
    """Columns of a companion query recognised by name or identical SQL, else None."""
    if bulk_queries is None:
        return None
    for query in bulk_queries.ALL_QUERIES:
        if query.name == name or query.sql.strip() == sql.strip():
            return tuple(query.columns)
    return None


def _rows(forum: ForumState, columns: tuple[str, ...]) -> tuple[list[Any], dict[str, Resolver]]:
    """The records a query enumerates (members or likes) and the resolvers for its columns."""
    if all(c in USER_COLUMNS for c in columns) and "username" in columns and not {"post_id", "pid"} & set(columns):
        # The users table holds every account: system, discobot, staged, inactive and anonymized ones too.
        users: list[User] = sorted(forum.users.values(), key=lambda u: u.id)
        return users, USER_COLUMNS
    if all(c in LIKE_COLUMNS for c in columns):
        likes: list[Like] = [like for like in forum.likes if forum.posts[like.post_id].deleted_at is None]
        return likes, LIKE_COLUMNS
    raise Unprocessable("The sandbox cannot compute the columns of this query: " + ", ".join(columns))


# The plugin's routes are admin API routes: same authentication, faults and shared rate limit.
explorer.before_request(guard)


@explorer.before_request
def plugin_enabled() -> Response | None:
    """Answer 404 like Discourse when the plugin is disabled; only admins may use it."""
    if not state().settings.data_explorer:
        return error_response(NotFound())
    if not viewer().admin:
        return error_response(NotFound())
    return None


@explorer.errorhandler(ForumError)
def explorer_error(error: ForumError) -> Response:
    """Render an error with Discourse's JSON body."""
    return error_response(error)


def _query_body(forum: ForumState, query: Any) -> dict[str, Any]:
    return {
        "id": query.id,
        "name": query.name,
        "description": query.description,
        "sql": query.sql,
        "created_at": iso(query.created_at),
        "last_run_at": None,
        "hidden": False,
        "user_id": query.user_id,
        "username": forum.user_by_id(query.user_id).username,
        "group_ids": [],
    }


@explorer.get("/queries.json")
def list_queries() -> Response:
    """GET .../queries.json: the saved queries, 50 per page (offset), narrowed by filter= on name and description."""
    source = params()
    needle = str(source.get("filter") or "").lower()
    offset = max(0, int_param(source, "offset", 0) or 0)
    forum = state()
    with forum.lock:
        queries = [
            q
            for q in forum.explorer_queries.values()
            if not needle or needle in q.name.lower() or needle in (q.description or "").lower()
        ]
        chunk = queries[offset : offset + QUERIES_PER_PAGE]
        body: dict[str, Any] = {"queries": [_query_body(forum, q) for q in chunk], "meta": {"total": len(queries)}}
        if offset + QUERIES_PER_PAGE < len(queries):
            more = f"{request.path.removesuffix('.json')}?offset={offset + QUERIES_PER_PAGE}"
            body["load_more_queries"] = more + (f"&filter={needle}" if needle else "")
        return json_response(body)


@explorer.post("/queries.json")
def create_query() -> Response:
    """POST .../queries.json with query{name, description, sql}."""
    source = params()
    nested = source.get("query")
    fields: dict[str, Any] = (
        nested if isinstance(nested, dict) else {k[6:-1]: v for k, v in source.items() if k.startswith("query[")}
    )
    if not fields.get("name"):
        raise InvalidParameters("query")
    forum = state()
    with forum.lock:
        query = forum.save_query(
            str(fields["name"]), str(fields.get("description") or ""), str(fields.get("sql") or ""), viewer().username
        )
        return json_response({"query": _query_body(forum, query)})


@explorer.post("/queries/<int:query_id>/run.json")
def run_query(query_id: int) -> Response:
    """POST .../queries/{id}/run.json with params (a JSON string) and limit (max 10,000)."""
    forum = state()
    wait = forum.explorer_limiter.try_acquire()
    if wait is not None:
        with forum.lock:
            forum.rate_limited_count += 1
        return error_response(RateLimitedError(wait, EXPLORER_RATE_LIMIT_CODE))
    source = params()
    raw_params = source.get("params") or "{}"
    try:
        query_params = json.loads(raw_params) if isinstance(raw_params, str) else dict(raw_params)
    except (ValueError, TypeError):
        raise InvalidParameters("params") from None
    limit = min(MAX_ROWS_PER_RUN, int_param(source, "limit", 1000, minimum=1) or 1000)
    offset = max(0, int_param(query_params, "offset", 0) or 0)
    with forum.lock:
        query = forum.explorer_queries.get(query_id)
        if query is None:
            raise NotFound()
        columns = _known_columns(query.name, query.sql)
        if columns is None:
            return json_response(
                {
                    "success": False,
                    "errors": ["The sandbox forum only runs the companion's known queries (see sync/bulk_queries.py)."],
                },
                422,
            )
        if forum.faults.take_statement_timeout():
            return json_response({"success": False, "errors": [STATEMENT_TIMEOUT_ERROR]}, 422)
        records, resolvers = _rows(forum, columns)
        chunk = records[offset : offset + limit]
        rows = [[resolvers[c](forum, record) for c in columns] for record in chunk]
        relations = _relations(forum, columns, rows)
    # Loading and serialising the referenced records is what makes such runs slow (outside the lock).
    cost = forum.settings.explorer_relation_seconds * sum(len(v) for v in relations.values())
    if cost:
        time.sleep(cost)
    with forum.lock:
        return json_response(
            {
                "success": True,
                "errors": [],
                "duration": 1.0,
                "result_count": len(rows),
                "params": query_params,
                "columns": list(columns),
                "default_limit": 1000,
                "relations": relations,
                "colrender": {},
                "rows": rows,
            }
        )
