"""Cache generations that cannot be lost: the database holds them.

A cached entry is stored with the generation it was built in and used only
while the generation is unchanged. A write bumps the generation in its own
transaction, so the bump commits with the data or not at all; a generation
kept only in the cache was lost whenever the cache missed the bump (Redis
unreachable or hung at that moment) and stale pages stayed up to their
expiry (issue 19, item 9).
"""

import time

from django.db.models import F, Value
from django.db.models.functions import Greatest

from educa.ops.models import CacheGeneration
from educa.ops.queries import value_of


def current_generation(name: str) -> int:
    """The committed generation of `name` (0 before its first bump). Read on
    every cached request, so one fixed statement (educa/ops/queries.py)."""
    value = value_of(CacheGeneration, "value", name=name)
    return 0 if value is None else int(value)


def bump_generation(name: str) -> None:
    """Move `name` to a new generation; call it inside the write's transaction.

    Generations follow the clock as well as counting up, so one restored
    from a backup (or a row recreated) never falls back to a value that
    entries still in the cache were stored with.
    """
    now = time.time_ns()
    bumped = CacheGeneration.objects.filter(name=name)
    if not bumped.update(value=Greatest(F("value") + 1, Value(now))):
        CacheGeneration.objects.bulk_create(
            [CacheGeneration(name=name, value=now)], ignore_conflicts=True
        )
        bumped.update(value=Greatest(F("value") + 1, Value(now)))
