"""The SQLite store: one file per data folder, schema made only by migrations.

`Store` is the API the stages use; nothing outside this package runs SQL.
"""

from polypost.store.clock import now
from polypost.store.database import StoredText, open_db
from polypost.store.faults import StoreError
from polypost.store.memory import Memory
from polypost.store.migrations import MIGRATIONS, MIGRATIONS_TABLE, migrate
from polypost.store.store import Store

__all__ = ["MIGRATIONS", "MIGRATIONS_TABLE", "Memory", "Store", "StoreError", "StoredText", "migrate", "now",
           "open_db"]
