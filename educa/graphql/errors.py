"""The one translator from domain errors to GraphQL errors.

Every error a client sees carries `extensions.code`, one of CODES; services
raise Django's PermissionDenied / ValidationError / ObjectDoesNotExist and
resolvers raise `GraphQLError`s made here. An error that is none of these is
a bug: it is logged with its traceback and reaches the client as
`INTERNAL_SERVER_ERROR` with a fixed message, never its text (which may hold
SQL) or a trace.
"""

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from educa.accounts.limits import TooManyPasswordGuesses

logger = logging.getLogger(__name__)

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
CODES = frozenset(
    {
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        RATE_LIMITED,
        INTERNAL_SERVER_ERROR,
    }
)
SIGN_IN = "Sign in: send `Authorization: Bearer <access token>`."


def error(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def unauthenticated(message: str = SIGN_IN) -> GraphQLError:
    return error(UNAUTHENTICATED, message)


def forbidden(message: str) -> GraphQLError:
    return error(FORBIDDEN, message)


def not_found(message: str = "Not found.") -> GraphQLError:
    return error(NOT_FOUND, message)


def bad_input(message: str, fields: dict[str, list[str]] | None = None) -> GraphQLError:
    return error(BAD_USER_INPUT, message, **({"fields": fields} if fields else {}))


def rate_limited(message: str, retry_after: int | None = None) -> GraphQLError:
    extra = {} if retry_after is None else {"retryAfter": retry_after}
    return error(RATE_LIMITED, message, **extra)


def _from_domain(original: BaseException) -> GraphQLError | None:
    """The coded error a domain exception stands for, or None for a bug."""
    if isinstance(original, GraphQLError):
        # Ours carry a code; graphql-core's own (a variable missing or of
        # the wrong type) are about the request.
        if (original.extensions or {}).get("code") in CODES:
            return original
        return bad_input(original.message)
    if isinstance(original, PermissionDenied):
        return forbidden(str(original) or "You may not do that.")
    if isinstance(original, ObjectDoesNotExist):
        return not_found()
    if isinstance(original, TooManyPasswordGuesses):
        return rate_limited("Too many failed sign-ins.", retry_after=original.wait)
    if isinstance(original, ValidationError):
        if hasattr(original, "error_dict"):
            fields = original.message_dict
            messages = [message for each in fields.values() for message in each]
            return bad_input(" ".join(messages), fields)
        code = original.error_list[0].code if len(original.error_list) == 1 else None
        if code == "rate_limited":
            return rate_limited(" ".join(original.messages))
        return bad_input(" ".join(original.messages))
    return None


def coded(error_: GraphQLError) -> GraphQLError:
    """`error_` with its `extensions.code`, located where the client asked."""
    original = error_.original_error
    if original is None:
        # graphql-core's own: syntax, validation, variables, limits.
        if error_.extensions and error_.extensions.get("code") in CODES:
            return error_
        translated = bad_input(error_.message)
    else:
        translated = _from_domain(original)
        if translated is None:
            logger.error(
                "GraphQL resolver failed at %s",
                ".".join(map(str, error_.path or [])),
                exc_info=(type(original), original, original.__traceback__),
            )
            translated = error(INTERNAL_SERVER_ERROR, "Internal server error.")
    return GraphQLError(
        translated.message,
        nodes=error_.nodes,
        source=error_.source,
        positions=error_.positions,
        path=error_.path,
        extensions=translated.extensions,
    )


class ErrorCodes(SchemaExtension):
    """Gives every error of a result (and of each subscription event) its code."""

    def _translate(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [coded(each) for each in errors]

    def on_operation(self) -> Iterator[None]:
        yield
        self._translate(self.execution_context.result)

    def on_stream_result(self, result: object) -> Iterator[None]:
        self._translate(result)
        yield
