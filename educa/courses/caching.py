"""Shared-cache reads of the public catalog and course pages, and their invalidation.

Only user-independent data is cached (model instances, counts), never rendered
per-user HTML: every visitor's page is rendered fresh from it. Every cached
value is stored with the catalog generation it was built in; any write to a
course, its modules, contents or enrollments bumps the generation in its own
transaction, so the next read after the commit misses and rebuilds from the
database.

The generation is kept in the database (educa/ops/generations.py), with a
copy in the cache that reads use: set after each commit, and checked against
the database by each worker at most GENERATION_CHECK_SECONDS apart (and at
once after this worker failed to set it). So an edit made while the cache
was unreachable shows within that time once it returns, while a cached read
needs no query (an anonymous one then needs no database at all).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction

from educa.accounts.models import User
from educa.courses.models import Course, Module, Review, Subject
from educa.courses.permissions import lists_drafts_for
from educa.courses.search import search_key
from educa.courses.selectors import (
    catalog_courses,
    catalog_ordering,
    course_outline,
    course_reviews,
    courses_with_counts,
    subjects_with_course_counts,
)
from educa.ops.cache import raise_number
from educa.ops.generations import bump_generation, current_generation

CACHE_SECONDS = 15 * 60
COURSES_PER_PAGE = 12
REVIEWS_SHOWN = 10
_GENERATION = "catalog"
_GENERATION_KEY = "catalog:generation"
# How long a worker uses the cache's copy of the generation without asking
# the database: the longest a missed copy update can hide an edit.
GENERATION_CHECK_SECONDS = 1.0
_checked_at = _copy_failed_at = float("-inf")
# The instructor's account details have no place in a shared cache.
_PRIVATE = ("owner__password", "owner__email", "owner__last_login")
T = TypeVar("T")


@dataclass(frozen=True)
class CatalogPage:
    courses: list[Course]
    number: int
    num_pages: int
    subjects: list[Subject]
    count: int
    ordering: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


@dataclass(frozen=True)
class CoursePage:
    course: Course
    modules: list[Module]
    reviews: list[Review]


def invalidate_catalog() -> None:
    """Forget every cached catalog and course page: call it in the transaction
    of the write, which it commits (or rolls back) with."""
    bump_generation(_GENERATION)
    transaction.on_commit(_copy_generation)


def _copy_generation(generation: int | None = None) -> bool:
    """Raise the cache's copy to the database's generation; False if the
    cache could not be reached."""
    global _checked_at, _copy_failed_at
    if generation is None:
        generation = current_generation(_GENERATION)
    if raise_number(cache, _GENERATION_KEY, generation):
        return True
    # Ask the database until a copy is set; retry setting it only
    # GENERATION_CHECK_SECONDS later, so that a hung cache costs a request
    # no more calls than before.
    _checked_at, _copy_failed_at = float("-inf"), time.monotonic()
    return False


def _generation(copy: int | None) -> int:
    """The generation: the cache's copy, checked against the database at most
    GENERATION_CHECK_SECONDS apart, and on every read while it is missing or
    could not be corrected."""
    global _checked_at
    now = time.monotonic()
    if copy is not None and now - _checked_at < GENERATION_CHECK_SECONDS:
        return copy
    generation = current_generation(_GENERATION)
    if copy == generation or (
        now - _copy_failed_at >= GENERATION_CHECK_SECONDS
        and _copy_generation(generation)
    ):
        _checked_at = now
    return generation


def cached(
    key: str,
    build: Callable[[], T],
    *,
    keep: Callable[[T], bool] = lambda _: True,
    seconds: int = CACHE_SECONDS,
) -> T:
    """The value cached under `key` in the current generation, else `build()`
    (stored for `seconds` when `keep` says so). One round trip to the cache
    for both."""
    generation, value = cached_copy(key)
    if value is not None:
        return value
    value = build()
    if keep(value):
        keep_copy(key, generation, value, seconds=seconds)
    return value


def cached_copy(key: str) -> tuple[int, Any | None]:
    """The current generation and the value cached under `key` in it (None
    when there is none): `cached` in two steps, for callers that build the
    value elsewhere (e.g. on an event loop). One round trip to the cache."""
    found = cache.get_many([_GENERATION_KEY, key])
    generation = _generation(found.get(_GENERATION_KEY))
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def keep_copy(
    key: str, generation: int, value: Any, *, seconds: int = CACHE_SECONDS
) -> None:
    """Cache `value`, built in `generation` (from `cached_copy`), under `key`
    for `seconds`."""
    cache.set(key, (generation, value), seconds)


def catalog_page(
    *,
    viewer: User | AnonymousUser,
    subject: Subject | None,
    search: str,
    ordering: str = "",
    page_number: str | None,
) -> CatalogPage:
    """One page of the catalog as `viewer` sees it. Not cached for someone
    who has drafts; searches are kept at most SEARCH_CACHE_SECONDS (their
    keys, the words people type, are unbounded)."""
    ordering = catalog_ordering(ordering, search=search)
    searching = bool(search.strip())
    seconds = settings.SEARCH_CACHE_SECONDS if searching else CACHE_SECONDS
    if not seconds or lists_drafts_for(viewer):
        return _build_catalog_page(viewer, subject, search, ordering, page_number)
    number = int(page_number) if page_number and page_number.isdigit() else 1
    words = f":search-{search_key(search)}" if searching else ""
    return cached(
        f"catalog:{subject.slug if subject else ''}:{ordering}:{number}{words}",
        lambda: _build_catalog_page(
            AnonymousUser(), subject, search, ordering, page_number
        ),
        # Out-of-range numbers fall back to a real page; storing only under
        # the real number keeps the number of keys bounded.
        keep=lambda page: page.number == number,
        seconds=seconds,
    )


def _build_catalog_page(
    viewer: User | AnonymousUser,
    subject: Subject | None,
    search: str,
    ordering: str,
    page_number: str | None,
) -> CatalogPage:
    courses = catalog_courses(
        viewer=viewer, subject=subject, search=search, ordering=ordering
    ).defer(*_PRIVATE)
    page = Paginator(courses, COURSES_PER_PAGE).get_page(page_number)
    return CatalogPage(
        courses=list(page.object_list),
        number=page.number,
        num_pages=page.paginator.num_pages,
        subjects=list(subjects_with_course_counts()),
        count=page.paginator.count,
        ordering=ordering,
    )


def course_page(slug: str) -> CoursePage | None:
    """The course detail data, whatever the course's state (the page asks
    who may see it), or None when no course has that slug."""
    return cached(
        f"course:{slug}",
        lambda: _build_course_page(slug),
        keep=lambda page: page is not None,
    )


def _build_course_page(slug: str) -> CoursePage | None:
    course = courses_with_counts().defer(*_PRIVATE).filter(slug=slug).first()
    if course is None:
        return None
    return CoursePage(
        course=course,
        modules=course_outline(course),
        reviews=list(course_reviews(course)[:REVIEWS_SHOWN]),
    )
