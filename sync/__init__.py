"""The forum boundary: client, readers, writers, webhooks and DiscourseConnect, returning typed records."""

from sync.client import ForumClient, RetryPolicy
from sync.errors import (
    DataExplorerUnavailable,
    ForumAccessDenied,
    ForumError,
    ForumNotFound,
    ForumRejected,
    ForumTimeout,
    ForumUnavailable,
    RateLimited,
    UnexpectedResponse,
)
from sync.pacer import Pacer
from sync.readers import ForumReader
from sync.writers import ForumWriter

__all__ = [
    "DataExplorerUnavailable",
    "ForumAccessDenied",
    "ForumClient",
    "ForumError",
    "ForumNotFound",
    "ForumReader",
    "ForumRejected",
    "ForumTimeout",
    "ForumUnavailable",
    "ForumWriter",
    "Pacer",
    "RateLimited",
    "RetryPolicy",
    "UnexpectedResponse",
]
