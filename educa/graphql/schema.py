"""The schema: each domain module's Query, Mutation and Subscription merged.

Adding a domain (e.g. learning.py) is one module with its types and
operations, and its name in DOMAINS.
"""

from graphql import GraphQLError
from strawberry import Schema
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry_django.optimizer import DjangoOptimizerExtension

from educa.graphql import accounts, authoring, chat, courses, notifications
from educa.graphql.errors import ErrorCodes
from educa.graphql.limits import Limits

DOMAINS = [accounts, courses, authoring, chat, notifications]


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
    extensions=[Limits, ErrorCodes, DjangoOptimizerExtension],
)
