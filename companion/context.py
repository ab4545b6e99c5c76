"""The running companion's shared parts: settings, store and (lazily) the forum client."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from companion.forum.connection import build_forum_client
from companion.ops.compute import configure_numba
from companion.ops.logs import configure_logging
from companion.settings import Settings, check_instance_folder, load_settings
from companion.store import migrate
from companion.store.db import Store, open_store


@dataclass
class Context:
    """What every job, command and web request needs: settings, the store and the forum."""

    settings: Settings
    store: Store
    _forum: Any = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, *, check_schema: bool = True) -> Context:
        """Load settings, open the store and (unless told otherwise) check its schema is current."""
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        configure_numba()
        # Alembic announces its dialect on every schema check; that is noise in a command's output.
        logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
        check_instance_folder(settings)
        store = open_store(settings.database_url)
        if check_schema:
            migrate.check_up_to_date(store)
        return cls(settings=settings, store=store)

    @property
    def forum(self):
        """The forum client built from the settings (created on first use)."""
        if self._forum is None:
            self._forum = build_forum_client(self.settings)
        return self._forum

    @forum.setter
    def forum(self, client) -> None:
        self._forum = client
