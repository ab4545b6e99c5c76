"""Data Explorer query definitions the companion uses for its optional bulk read path.

The sandbox forum imports this module to recognise the companion's queries by
name and to compute the same result columns from its in-memory state, so the
names, parameters and columns below are a contract between both sides.

Every query pages with an ``offset`` parameter (Data Explorer caps one run at
10,000 rows) and orders by a stable key so pages never overlap.

No result column is named after a model's id (``user_id``, ``post_id``, ...):
Data Explorer loads and serialises every record such a column references into
the answer's ``relations`` (for posts: excerpts), which made a 10,000-row run
outlast the forum timeout. Ids are returned as ``uid`` and ``pid``.
Which accounts are members is decided once, in `sync.population`, not in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Data Explorer refuses more rows than this per run.
MAX_ROWS_PER_RUN = 10_000


@dataclass(frozen=True)
class BulkQuery:
    """One saved Data Explorer query: its name, SQL and the columns it returns."""

    name: str
    description: str
    sql: str
    columns: tuple[str, ...]
    params: tuple[str, ...] = ("offset",)


MEMBERS_QUERY = BulkQuery(
    name="companion_members_v2",
    description="Companion: all accounts with user fields, groups, ignores and mutes (one row per member).",
    sql="""-- [params]
-- int :offset = 0
SELECT
  u.id AS uid,
  u.username,
  u.name,
  (SELECT ue.email FROM user_emails ue WHERE ue.user_id = u.id AND ue."primary" LIMIT 1) AS email,
  u.active,
  u.admin,
  u.moderator,
  u.staged,
  u.trust_level,
  (u.suspended_till IS NOT NULL AND u.suspended_till > now()) AS suspended,
  (u.silenced_till IS NOT NULL AND u.silenced_till > now()) AS silenced,
  u.last_seen_at,
  u.created_at,
  u.locale,
  COALESCE(up.bio_raw, '') AS bio_raw,
  (SELECT COALESCE(json_object_agg(substring(ucf.name FROM 12), ucf.value), '{}'::json)
     FROM user_custom_fields ucf
    WHERE ucf.user_id = u.id AND ucf.name LIKE 'user\\_field\\_%') AS user_fields,
  (SELECT COALESCE(string_agg(g.name, ',' ORDER BY g.name), '')
     FROM group_users gu JOIN groups g ON g.id = gu.group_id
    WHERE gu.user_id = u.id) AS group_names,
  (SELECT COALESCE(string_agg(iu.username, ',' ORDER BY iu.username), '')
     FROM ignored_users i JOIN users iu ON iu.id = i.ignored_user_id
    WHERE i.user_id = u.id) AS ignored_usernames,
  (SELECT COALESCE(string_agg(mu.username, ',' ORDER BY mu.username), '')
     FROM muted_users m JOIN users mu ON mu.id = m.muted_user_id
    WHERE m.user_id = u.id) AS muted_usernames
FROM users u
LEFT JOIN user_profiles up ON up.user_id = u.id
ORDER BY u.id
OFFSET :offset
""",
    columns=(
        "uid",
        "username",
        "name",
        "email",
        "active",
        "admin",
        "moderator",
        "staged",
        "trust_level",
        "suspended",
        "silenced",
        "last_seen_at",
        "created_at",
        "locale",
        "bio_raw",
        "user_fields",
        "group_names",
        "ignored_usernames",
        "muted_usernames",
    ),
)
"""Columns: ``user_fields`` is a JSON object {"<field id>": value} (a JSON string
or an already decoded object); the ``*_names``/``*_usernames`` columns are
comma-separated and empty when there are none. Every account is returned; `sync.population` picks the members."""

LIKES_QUERY = BulkQuery(
    name="companion_likes_v2",
    description="Companion: all likes on live posts, oldest first (one row per like).",
    sql="""-- [params]
-- int :offset = 0
SELECT
  pa.post_id AS pid,
  u.username,
  pa.created_at
FROM post_actions pa
JOIN users u ON u.id = pa.user_id
JOIN posts p ON p.id = pa.post_id
WHERE pa.post_action_type_id = 2
  AND pa.deleted_at IS NULL
  AND p.deleted_at IS NULL
ORDER BY pa.id
OFFSET :offset
""",
    columns=("pid", "username", "created_at"),
)

ALL_QUERIES: tuple[BulkQuery, ...] = (MEMBERS_QUERY, LIKES_QUERY)


def query_by_name(name: str) -> BulkQuery | None:
    """Return the companion query with this name, or None when it is not one of ours."""
    for query in ALL_QUERIES:
        if query.name == name:
            return query
    return None
