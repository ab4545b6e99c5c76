"""The companion's store: models, engine and migrations."""

from companion.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
