"""The step cache: keys, policy, git scoping and stores (SQLite, PostgreSQL, HTTP server).

Engine-facing API::

    from replaywright.cache import (open_store, cache_scope, lookup, finish, cacheable,
                                    save_decision, step_key)
"""

from replaywright.cache.entry import CacheEntry, HistoryItem
from replaywright.cache.factory import open_store
from replaywright.cache.git import CacheScope, cache_scope, current_branch, finish, lookup
from replaywright.cache.keys import step_key
from replaywright.cache.policy import (
    CacheDecision,
    SaveDecision,
    cacheable,
    is_ci,
    purge_expired,
    save_decision,
    volatile,
)
from replaywright.cache.store import CacheError, CorruptEntry, Store, Unauthorized, VersionConflict
from replaywright.model import Usage

__all__ = [
    "CacheDecision", "CacheEntry", "CacheError", "CacheScope", "CorruptEntry", "HistoryItem",
    "SaveDecision", "Store", "Unauthorized", "Usage", "VersionConflict", "cache_scope",
    "cacheable", "current_branch", "finish", "is_ci", "lookup", "open_store", "purge_expired",
    "save_decision", "step_key", "volatile",
]
