"""The schema: each domain module's Query, Mutation and Subscription merged.

Adding a domain (e.g. learning.py) is one module with its types and
operations, and its name in DOMAINS.
"""

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import ValidationCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry_django.optimizer import DjangoOptimizerExtension

from educa.graphql import (
    accounts,
    attempts,
    authoring,
    chat,
    courses,
    gradebook,
    learning,
    notifications,
    quizzes,
)
from educa.graphql.errors import ErrorCodes
from educa.graphql.limits import Limits

# Distinct documents whose validation each worker keeps.
DOCUMENTS_KEPT = 256
DOMAINS = [
    *(accounts, courses, authoring),
    *(learning, attempts, quizzes, gradebook),
    *(chat, notifications),
]


def _merged(name: str) -> type | None:
    parts = tuple(getattr(domain, name) for domain in DOMAINS if hasattr(domain, name))
    return merge_types(name, parts) if parts else None


class EducaSchema(Schema):
    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        """Errors are logged where they get their code (errors.py): only
        unexpected ones, with their traceback."""


schema = EducaSchema(
    query=_merged("Query"),
    mutation=_merged("Mutation"),
    subscription=_merged("Subscription"),
    types=[kind for domain in DOMAINS for kind in getattr(domain, "EXTRA_TYPES", [])],
    # Validations are kept (a bounded LRU keyed by the document and the
    # rules): validating was half of a contents request's time. (Strawberry's
    # ParserCache would raise syntax errors past the error codes.)
    # ErrorCodes first: it sees every result last, whatever failed.
    extensions=[
        ErrorCodes,
        Limits,
        lambda: ValidationCache(maxsize=DOCUMENTS_KEPT),
        DjangoOptimizerExtension,
    ],
)
