"""What one operation may ask, read from the settings on every operation:
depth, tokens and aliases always; introspection only with DEBUG on."""

from collections.abc import Iterator
from functools import cache

from django.conf import settings
from graphql import NoSchemaIntrospectionCustomRule, ValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import (
    create_validator as aliases_validator,
)
from strawberry.extensions.query_depth_limiter import (
    IgnoreContext,
)
from strawberry.extensions.query_depth_limiter import (
    create_validator as depth_validator,
)


def _introspection(ignore: IgnoreContext) -> bool:
    # `__schema` and `__type` are refused outright with DEBUG off; with it
    # on, GraphiQL's own introspection query is deeper than any real one.
    return ignore.field_name.startswith("__")


@cache
def _rules(
    depth: int, aliases: int, introspection: bool
) -> tuple[type[ValidationRule], ...]:
    rules = [depth_validator(depth, _introspection, None), aliases_validator(aliases)]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


class Limits(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = settings.GRAPHQL_MAX_TOKENS
        context.validation_rules = (
            *context.validation_rules,
            *_rules(
                settings.GRAPHQL_MAX_DEPTH,
                settings.GRAPHQL_MAX_ALIASES,
                settings.DEBUG,
            ),
        )
        yield
