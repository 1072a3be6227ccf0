"""Per-request batch loaders: one query for a field asked of many objects."""

from collections.abc import Callable, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from strawberry.dataloader import DataLoader

from educa.graphql.context import Info


def loader(
    info: Info, load_many: Callable[[list[int]], dict[int, Any]]
) -> DataLoader[int, Any]:
    """The request's loader for `load_many` (a sync function mapping ids to
    values in one query), made on first use."""
    loaders = info.context.loaders
    key = f"{load_many.__module__}.{load_many.__qualname__}"
    if key not in loaders:

        async def load(ids: Sequence[int]) -> list[Any]:
            found = await sync_to_async(load_many)(list(ids))
            return [found[pk] for pk in ids]

        loaders[key] = DataLoader(load_fn=load)
    return loaders[key]
