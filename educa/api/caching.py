"""Serialized catalog data kept in the shared cache, keyed by the catalog generation.

Every course, module, content and enrollment service bumps the generation
(`educa.courses.caching.invalidate_catalog`), so a cached answer never
outlives the data it was built from. Only user-independent data is cached;
who may see it is checked on every request before the cache is read.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from educa.courses.caching import catalog_generation

CACHE_SECONDS = 15 * 60


def cached_data(parts: Iterable[object], build: Callable[[], Any]) -> Any:
    """The value cached under `parts` for this generation, else `build()` (stored)."""
    key = ":".join(["api", str(catalog_generation()), *map(str, parts)])
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, CACHE_SECONDS)
    return data
