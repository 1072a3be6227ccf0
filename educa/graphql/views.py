"""`/graphql/`: queries and mutations over HTTP (an async Strawberry view).

Who is asking:
- `Authorization: Bearer <access token>`: the API's own JWT authentication
  (educa/accounts/authentication.py). Any other Authorization header, or a
  token that is invalid, expired or of an inactive user, is refused with
  401 `UNAUTHENTICATED`, never taken for anonymous or for the session's user.
- Otherwise the session: a signed-in session's POSTs must pass Django's CSRF
  check (as DRF does for session clients), else 403 `FORBIDDEN`.
- Neither: anonymous (the public catalog, tokenAuth, register).

GraphiQL is served on GET from a browser only with DEBUG on. Catalog and
contents queries are answered from the shared cache while the catalog has
not changed, as REST's are (answers.py).
"""

from typing import Any

from asgiref.sync import sync_to_async
from cross_web import HTTPException
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from strawberry.django.views import AsyncGraphQLView

from educa.accounts.authentication import JWTAuthentication
from educa.accounts.models import User
from educa.courses.caching import keep_copy
from educa.graphql.answers import answer_key, kept_answer
from educa.graphql.context import Context
from educa.graphql.errors import BAD_USER_INPUT, FORBIDDEN, UNAUTHENTICATED

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bearer_user(header: str) -> User:
    """The active user of a valid access token in `header`; Refused otherwise."""
    scheme, _, raw = header.partition(" ")
    if scheme != "Bearer" or not raw.strip():
        raise Refused(401, UNAUTHENTICATED, "Use `Authorization: Bearer <token>`.")
    authentication = JWTAuthentication()
    try:
        return authentication.get_user(
            authentication.get_validated_token(raw.strip().encode())
        )
    except (InvalidToken, TokenError, AuthenticationFailed) as error:
        detail = error.detail if hasattr(error, "detail") else error
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        raise Refused(401, UNAUTHENTICATED, str(message)) from None


def _csrf_refused(request: HttpRequest) -> bool:
    """Django's CSRF check, as the middleware makes it for a protected view."""
    return (
        CsrfViewMiddleware(lambda _: None).process_view(request, None, (), {})
        is not None
    )


async def authenticate(request: HttpRequest) -> User | AnonymousUser:
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        return await sync_to_async(bearer_user)(header)
    user = await request.auser()
    if (
        user.is_authenticated
        and request.method not in SAFE_METHODS
        and _csrf_refused(request)
    ):
        raise Refused(403, FORBIDDEN, "CSRF check failed: send the X-CSRFToken header.")
    return user


def refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status=status,
    )


class GraphQLView(AsyncGraphQLView):
    def __init__(self, **kwargs: Any) -> None:
        # Made per request, so DEBUG is read as it is now. Uploads (image and
        # file contents) follow the GraphQL multipart request spec; session
        # clients pass the CSRF check before any is read.
        super().__init__(
            graphql_ide="graphiql" if settings.DEBUG else None,
            multipart_uploads_enabled=True,
            **kwargs,
        )

    async def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            request.user = await authenticate(request)
        except Refused as refused:
            return refusal(refused.status, refused.code, refused.message)
        found = answer_key(request)
        if found is None:
            return await self.answer(request)
        key, course_id = found
        kept = await sync_to_async(kept_answer)(request, key, course_id)
        if kept is None:
            return await self.answer(request)
        generation, body = kept
        if body is not None:
            return HttpResponse(body, content_type="application/json")
        response = await self.answer(request)
        if response.status_code == 200 and b'"errors"' not in response.content:
            await sync_to_async(keep_copy)(key, generation, response.content)
        return response

    async def answer(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return await self.run(request=request)
        except HTTPException as error:
            # A body that is no GraphQL request (not JSON, no query, a
            # mutation over GET): JSON like every other answer, not text.
            return refusal(error.status_code, BAD_USER_INPUT, error.reason)

    async def get_context(self, request: HttpRequest, response: Any) -> Context:
        return Context(user=request.user, request=request, response=response)
