"""Optional bulk reads through the Data Explorer plugin, detected at run time.

Data Explorer ships with Discourse but is off by default; when it is off the
plugin's routes answer 404 and `DataExplorer.available()` says so, so readers
fall back to one request per member. Queries are saved once under the names
in `sync.bulk_queries` and run with an ``offset`` parameter in pages of at
most 10,000 rows. Runs through the API are limited by the forum to 2 per
10 seconds, so they have their own pacer besides the admin API budget.

Cores that bundle the plugin serve it under ``/admin/plugins/discourse-data-explorer``;
forums still on the standalone plugin only under ``/admin/plugins/explorer``: both
are tried and the one that answers is kept. The query list is paged (50 per page
in current versions) and read with ``filter=`` narrowed to the companion's names.
A run that times out (the forum's statement timeout, or no answer in time) makes
the bulk path unavailable at once, so the caller falls back instead of aborting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.bulk_queries import MAX_ROWS_PER_RUN, BulkQuery
from sync.client import ForumClient, dumps
from sync.errors import DataExplorerUnavailable, ForumAccessDenied, ForumNotFound, ForumRejected, ForumUnavailable
from sync.pacer import Pacer

BUNDLED_PREFIX = "/admin/plugins/discourse-data-explorer"
STANDALONE_PREFIX = "/admin/plugins/explorer"
PREFIXES = (BUNDLED_PREFIX, STANDALONE_PREFIX)
BASE = BUNDLED_PREFIX
#: Every companion query name starts with this; the query list is filtered by it.
QUERY_NAME_PREFIX = "companion_"
MAX_QUERY_LIST_PAGES = 100


class DataExplorer:
    """Saves and runs the companion's Data Explorer queries, paging by offset."""

    def __init__(self, client: ForumClient, *, runs_per_10_seconds: int = 2, page_size: int = MAX_ROWS_PER_RUN):
        self.client = client
        self.page_size = min(page_size, MAX_ROWS_PER_RUN)
        self._run_pacer = Pacer(
            runs_per_10_seconds,
            headroom=client.pacer.headroom,
            period_seconds=10.0,
            burst=1,
            clock=client.pacer.clock,
            sleep=client.pacer.sleep,
        )
        self._query_ids: dict[str, int] | None = None
        #: The route prefix that answered, once known.
        self.prefix: str | None = None

    def available(self) -> bool:
        """Return True when the plugin answers (it is enabled and the key may use it)."""
        try:
            self._load_queries()
        except DataExplorerUnavailable:
            return False
        return True

    def rows(self, query: BulkQuery, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a companion query over all pages and return its rows as dicts keyed by column."""
        query_id = self.ensure_query(query)
        result: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self._run(query_id, {**(params or {}), "offset": offset})
            result.extend(page)
            if len(page) < self.page_size:
                return result
            offset += len(page)

    def ensure_query(self, query: BulkQuery) -> int:
        """Return the id of the saved query with this name, saving it first when missing."""
        ids = self._load_queries()
        if query.name in ids:
            return ids[query.name]
        body = {"query": {"name": query.name, "description": query.description, "sql": query.sql}}
        try:
            answer = self.client.post(f"{self.prefix}/queries.json", body)
        except (ForumNotFound, ForumAccessDenied) as exc:
            raise DataExplorerUnavailable(f"cannot save Data Explorer query: {exc}") from exc
        saved = (answer or {}).get("query") or {}
        if "id" not in saved:
            raise DataExplorerUnavailable("Data Explorer did not return the saved query's id")
        ids[query.name] = int(saved["id"])
        return ids[query.name]

    def _load_queries(self) -> dict[str, int]:
        if self._query_ids is not None:
            return self._query_ids
        failures: list[str] = []
        for prefix in PREFIXES:
            try:
                first = self.client.get(f"{prefix}/queries.json", filter=QUERY_NAME_PREFIX)
            except (ForumNotFound, ForumAccessDenied) as exc:
                failures.append(str(exc))
                continue
            except ForumUnavailable as exc:
                raise DataExplorerUnavailable(f"Data Explorer did not answer: {exc}") from exc
            self.prefix = prefix
            self._query_ids = self._read_query_pages(first)
            return self._query_ids
        raise DataExplorerUnavailable("Data Explorer is not available: " + "; ".join(failures))

    def _read_query_pages(self, answer: Any) -> dict[str, int]:
        ids: dict[str, int] = {}
        seen: set[int] = set()
        for _ in range(MAX_QUERY_LIST_PAGES):
            queries = answer.get("queries") if isinstance(answer, Mapping) else None
            if not isinstance(queries, list):
                raise DataExplorerUnavailable("Data Explorer answered without a query list")
            fresh = 0
            for item in queries:
                if isinstance(item, Mapping) and "id" in item and "name" in item and int(item["id"]) not in seen:
                    seen.add(int(item["id"]))
                    fresh += 1
                    # Keep the newest saved copy when an admin duplicated a query.
                    ids[str(item["name"])] = max(int(item["id"]), ids.get(str(item["name"]), -(10**9)))
            more = _load_more_path(answer)
            if not fresh or not more:
                break
            try:
                answer = self.client.get(more)
            except (ForumNotFound, ForumAccessDenied, ForumUnavailable) as exc:
                raise DataExplorerUnavailable(f"Data Explorer query list failed: {exc}") from exc
        return ids

    def _run(self, query_id: int, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._run_pacer.acquire()
        body = {"params": dumps({k: str(v) for k, v in params.items()}), "limit": self.page_size}
        try:
            # A timed-out run is not repeated: it would time out again, and the fallback must start now.
            answer = self.client.request(
                "POST", f"{self.prefix}/queries/{query_id}/run.json", json=body, repeatable=True, retry_timeouts=False
            )
        except (ForumNotFound, ForumAccessDenied) as exc:
            raise DataExplorerUnavailable(f"Data Explorer run failed: {exc}") from exc
        except ForumRejected as exc:
            raise DataExplorerUnavailable(f"Data Explorer rejected the query: {exc}") from exc
        except ForumUnavailable as exc:
            raise DataExplorerUnavailable(f"Data Explorer run did not answer: {exc}") from exc
        if not isinstance(answer, Mapping) or not answer.get("success", False):
            errors = answer.get("errors") if isinstance(answer, Mapping) else None
            raise DataExplorerUnavailable(f"Data Explorer query failed: {errors or answer!r}")
        columns = [str(c) for c in answer.get("columns") or []]
        return [dict(zip(columns, _decode_row(row))) for row in answer.get("rows") or []]


def _load_more_path(answer: Any) -> str | None:
    """The next page of the query list (``load_more_queries``, top level or under ``meta``) as a path."""
    if not isinstance(answer, Mapping):
        return None
    meta = answer.get("meta")
    more = answer.get("load_more_queries") or (meta.get("load_more_queries") if isinstance(meta, Mapping) else None)
    if not more:
        return None
    text = str(more)
    if "://" in text:
        text = "/" + text.split("://", 1)[1].split("/", 1)[-1]
    path, _, query = text.partition("?")
    if not path.endswith(".json"):
        path += ".json"
    return f"{path}?{query}" if query else path


def _decode_row(row: Any) -> list[Any]:
    # JSON columns stay as returned (string or object); the record parsers accept both.
    if isinstance(row, Mapping):
        return list(row.values())
    return list(row)
