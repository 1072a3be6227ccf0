"""The catalog generation: one number that every cached catalog read is keyed by.

Any write to a course, its modules, contents or enrollments bumps the
generation after its transaction commits (the services call
`invalidate_catalog()`), so the next read misses and rebuilds from the
database. Stale entries expire on their own.
"""

from django.core.cache import cache
from django.db import transaction

_GENERATION_KEY = "catalog:generation"


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, 1, timeout=None)
        generation = cache.get(_GENERATION_KEY, 1)
    return generation


def _bump_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # evicted or never read: any fresh value misses old keys
        cache.add(_GENERATION_KEY, 1, timeout=None)


def invalidate_catalog() -> None:
    """Forget every cached catalog and course page once the transaction commits."""
    transaction.on_commit(_bump_generation)


def catalog_generation() -> int:
    """The current generation, for keys of cached catalog reads."""
    return _generation()
