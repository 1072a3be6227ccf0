"""Course search: full-text with typo correction on PostgreSQL, `icontains` elsewhere.

On PostgreSQL each course keeps a search vector (title weight A, module titles
B, overview C) in a GIN index, and courses are ranked by it. The instructor's
name is matched through the users' own GIN index
(`educa.accounts.models.name_search_vector`): accounts can rename people
without telling courses, and a renamed instructor is found by the new name at
once. Every word of a search must occur in the course's text or its
instructor's name; the last one may be the start of a word (as typed so far).

A word no course contains is taken as a typo: the nearest words of the
vocabulary (every word of every indexed course, in a trigram GiST index) by
pg_trgm's trigram distance stand in for it too, so "pyhton" finds Python.

On other databases (the embedded SQLite) every word must occur, in any case,
in the title, overview, a module title or the instructor's name.

Services call `index_courses` after every write that changes what is searched.
"""

import hashlib
import re
from collections.abc import Collection, Sequence

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramDistance,
)
from django.db import connection
from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from educa.accounts.models import User, name_search_vector
from educa.courses.models import Course, Module, SearchTerm

CONFIG = "english"
MAX_WORDS = 8
# Vocabulary words tried in place of an unknown one, nearest first, while
# their trigram distance (1 - similarity) is at most MAX_DISTANCE. A swap of
# two letters in a short word keeps little similarity: "pyhton" and "python"
# share 3 of 11 trigrams (0.27).
SUGGESTIONS = 2
MAX_DISTANCE = 0.75
_WORD = re.compile(r"[^\W_]+")
_WORD_LENGTH = 40
_PREFIX_LENGTH = 3


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def words_of(text: str, *, limit: int | None = None) -> list[str]:
    """The distinct lower-case words of `text` (letters and digits), in order."""
    words = dict.fromkeys(
        word
        for word in (match.lower() for match in _WORD.findall(text))
        if len(word) <= _WORD_LENGTH
    )
    return list(words)[:limit]


def search_key(text: str) -> str:
    """What `search_courses` makes of `text`, as a short key: two searches
    with the same key find the same courses in the same order (case,
    punctuation and repeated words aside). A search with no words has a key
    of its own."""
    words = " ".join(words_of(text, limit=MAX_WORDS))
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


def index_courses(course_ids: Collection[int]) -> None:
    """Rebuild these courses' search vectors and add their words to the
    vocabulary. Nothing to keep outside PostgreSQL."""
    if not course_ids or not is_full_text():
        return
    courses = Course.objects.filter(pk__in=course_ids)
    module_titles = (
        Module.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(titles=StringAgg("title", delimiter=" "))
        .values("titles")
    )
    courses.update(
        search_vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector(Subquery(module_titles), weight="B", config=CONFIG)
        + SearchVector("overview", weight="C", config=CONFIG)
    )
    texts = [
        *Module.objects.filter(course_id__in=course_ids).values_list(
            "title", flat=True
        ),
        *(
            " ".join(row)
            for row in courses.values_list(
                "title", "overview", "owner__display_name", "owner__username"
            )
        ),
    ]
    words = {word for text in texts for word in words_of(text) if len(word) > 2}
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in sorted(words)], ignore_conflicts=True
    )


def search_courses(courses: QuerySet[Course], text: str) -> QuerySet[Course]:
    """`courses` narrowed to those matching `text`, each annotated with its
    `rank` (higher is better; 0 without full-text search). No words: no course.

    On PostgreSQL it asks the vocabulary and the instructors' names right
    away (a query each, plus one per unknown word); the courses themselves
    are read when the queryset is."""
    words = words_of(text, limit=MAX_WORDS)
    if not words or not is_full_text():
        for word in words:
            courses = courses.filter(_contains(word))
        unranked = courses.annotate(rank=Value(0.0, output_field=FloatField()))
        return unranked if words else unranked.none()
    queries = _word_queries(words)
    for query in queries:
        courses = courses.filter(_matches(query))
    whole = queries[0]
    for query in queries[1:]:
        whole &= query
    # Ranked by the course's own vector, which the scan that found the match
    # has already read: no other table's text is turned into a vector per
    # match (the instructor's name only decides whether it matches).
    rank = Coalesce(SearchRank(F("search_vector"), whole), 0.0)
    return courses.annotate(rank=rank)


def _contains(word: str) -> Q:
    return (
        Q(title__icontains=word)
        | Q(overview__icontains=word)
        | Q(owner__display_name__icontains=word)
        | Q(owner__username__icontains=word)
        | Q(pk__in=Module.objects.filter(title__icontains=word).values("course_id"))
    )


def _word_queries(words: Sequence[str]) -> list[SearchQuery]:
    """One query per word: the word (a prefix, if it is the last and long
    enough), or any of the vocabulary's nearest words when no course has it."""
    known = set(
        SearchTerm.objects.filter(word__in=words).values_list("word", flat=True)
    )
    queries = []
    for position, word in enumerate(words):
        prefix = position == len(words) - 1 and len(word) >= _PREFIX_LENGTH
        # Only letters and digits: nothing in it is to_tsquery syntax.
        query = SearchQuery(
            f"{word}:*" if prefix else word, search_type="raw", config=CONFIG
        )
        if word not in known and len(word) >= _PREFIX_LENGTH:
            for suggestion in _nearest_words(word):
                query |= SearchQuery(suggestion, config=CONFIG)
        queries.append(query)
    return queries


def _nearest_words(word: str) -> list[str]:
    nearest = (
        SearchTerm.objects.annotate(distance=TrigramDistance("word", word))
        .order_by("distance")
        .values_list("word", "distance")[:SUGGESTIONS]
    )
    # The filter is applied here, not in SQL: with it the nearest-neighbour
    # index scan could not stop after SUGGESTIONS rows.
    return [found for found, distance in nearest if distance <= MAX_DISTANCE]


def _matches(query: SearchQuery) -> Q:
    """Courses whose text or instructor's name matches `query`.

    The instructors are looked up first (the users' GIN index, then only
    those with a course), so the condition on courses is two index
    conditions on one table: PostgreSQL ORs the GIN index of the vectors
    with the owner index and reads each matching course once.
    """
    instructors = list(
        User.objects.alias(name=name_search_vector())
        .filter(name=query)
        .filter(Exists(Course.objects.filter(owner=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    return Q(search_vector=query) | Q(owner_id__in=instructors)
