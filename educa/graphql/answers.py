"""Whole answers kept in the shared cache, as REST keeps its catalog and
contents JSON: stored with the catalog generation, which every course,
module, content and enrollment service moves, keyed by the request's exact
body.

- An anonymous query asking only `courses` and `course`: the same for every
  visitor (per scheme and host: cover URLs are absolute).
- A query asking only `courseContents` of one course: the same for everyone
  allowed to see them, so who may see them is asked on every request first;
  file URLs are absolute, so the scheme and host are part of the key.
  A document asking anywhere for a field that differs per viewer (a quiz's
  attempts used and best score: learning.PER_VIEWER_FIELDS) is never kept:
  those fields are resolved on every request.
"""

import hashlib
import json
from functools import lru_cache

from django.http import HttpRequest
from graphql import (
    FieldNode,
    GraphQLError,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    Visitor,
    parse,
    visit,
)

from educa.courses.caching import cached_copy
from educa.courses.permissions import can_view_contents_of
from educa.graphql.arguments import MAX_ID
from educa.graphql.learning import PER_VIEWER_FIELDS

CATALOG_FIELDS = frozenset({"courses", "course", "__typename"})
CONTENTS_FIELD = "courseContents"
# Far below GRAPHQL_MAX_TOKENS: the queries worth keeping are short.
KEPT_QUERY_TOKENS = 500


@lru_cache(maxsize=256)
def _roots(query: str) -> tuple[FieldNode, ...] | None:
    """The root fields of a document holding one query operation (None for
    anything else), when each is a plain field and no field asked anywhere
    differs per viewer."""
    try:
        document = parse(query, max_tokens=KEPT_QUERY_TOKENS)
    except GraphQLError:
        return None
    operations = [
        node
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    ]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    roots = operations[0].selection_set.selections
    if not all(isinstance(node, FieldNode) for node in roots):
        return None
    names = _FieldNames()
    visit(document, names)
    if names.seen & PER_VIEWER_FIELDS:
        return None
    return tuple(roots)


class _FieldNames(Visitor):
    """Every field name a document asks for, in fragments too."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.seen.add(node.name.value)


def _course_id(field: FieldNode, variables: object) -> int | None:
    argument = next(
        (each for each in field.arguments or () if each.name.value == "courseId"),
        None,
    )
    if argument is None:
        return None
    value = argument.value
    if isinstance(value, VariableNode):
        raw = variables.get(value.name.value) if isinstance(variables, dict) else None
    elif isinstance(value, StringValueNode | IntValueNode):
        raw = value.value
    else:
        return None
    text = raw if isinstance(raw, str) else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw)
    if text is None or not text.isdecimal() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def answer_key(request: HttpRequest) -> tuple[str, int | None] | None:
    """The cache key of a JSON POST whose answer is kept, and the course
    whose contents the user must be allowed to see (None: anyone may); None
    for every other request."""
    if request.method != "POST" or request.content_type != "application/json":
        return None
    try:
        payload = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    roots = _roots(payload["query"])
    if roots is None:
        return None
    digest = hashlib.sha256(request.body).hexdigest()
    names = {field.name.value for field in roots}
    # Cover and file URLs are absolute: per scheme and host.
    place = f"{request.scheme}:{request.get_host()}"
    if names <= CATALOG_FIELDS and not request.user.is_authenticated:
        return f"graphql:catalog:{place}:{digest}", None
    if len(roots) == 1 and names == {CONTENTS_FIELD} and request.user.is_authenticated:
        course_id = _course_id(roots[0], payload.get("variables"))
        if course_id is not None:
            return f"graphql:contents:{course_id}:{place}:{digest}", course_id
    return None


def kept_answer(
    request: HttpRequest, key: str, course_id: int | None
) -> tuple[int, bytes | None] | None:
    """The generation and the answer kept under `key` (None when there is
    none yet); None when the user may not see the course's contents (the
    resolver then says why)."""
    if (
        course_id is not None
        and can_view_contents_of(request.user, course_id) is not True
    ):
        return None
    return cached_copy(key)
