"""Rendered catalog JSON kept in the shared cache, keyed by the catalog generation.

Every course, module, content and enrollment service bumps the generation
(`educa.courses.caching.invalidate_catalog`), so a cached answer never
outlives the data it was built from. Only user-independent data is cached;
who may see it is checked on every request before the cache is read.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from educa.courses.caching import CACHE_SECONDS, cached

T = TypeVar("T")


def cached_json_response(
    request: Request,
    parts: Iterable[object],
    build: Callable[[], Any],
    *,
    seconds: int = CACHE_SECONDS,
) -> HttpResponse:
    """The JSON of `build()`, rendered once per generation (kept at most
    `seconds`) and then served as is.

    Rendered bytes, not data, are cached: unpickling nested data and encoding
    it again cost more than the rest of a cached request. Other formats (the
    browsable API) are built fresh.
    """
    if request.accepted_renderer.format != "json":
        return Response(build())
    key = ":".join(["api", *map(str, parts)])
    body = cached(key, lambda: JSONRenderer().render(build()), seconds=seconds)
    return HttpResponse(body, content_type="application/json")


def cached_json(
    parts: Iterable[object], build: Callable[[], Any], note: Callable[[Any], T]
) -> tuple[bytes, T]:
    """`build()` rendered as JSON, cached once per generation together with
    `note(data)`: what the caller must know of the data (e.g. which parts to
    complete per user) without parsing the bytes again."""

    def render() -> tuple[bytes, T]:
        data = build()
        return JSONRenderer().render(data), note(data)

    return cached(":".join(["api", *map(str, parts)]), render)
