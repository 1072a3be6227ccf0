"""One translator from domain errors to API responses."""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from educa.accounts.limits import TooManyPasswordGuesses
from educa.learning.services import AttemptClosed


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render services' Django ValidationError/PermissionDenied as DRF's 400/403."""
    if isinstance(exc, ValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, AttemptClosed):
        exc = Conflict(str(exc))
    elif isinstance(exc, TooManyPasswordGuesses):
        exc = password_guesses_throttled(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Django's own 400s (e.g. TooManyFieldsSent past
        # DATA_UPLOAD_MAX_NUMBER_FIELDS) would be its HTML error page.
        exc = exceptions.ParseError(str(exc) or None)
    return drf_exception_handler(exc, context)


@csrf_exempt  # it changes nothing, and a 403 would hide the 404 from API clients
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown paths under /api/ answer in JSON like every other API error."""
    return JsonResponse({"detail": "Not found."}, status=404)


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the resource's state."
    default_code = "conflict"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def password_guesses_throttled(refusal: TooManyPasswordGuesses) -> exceptions.Throttled:
    """429 with Retry-After: the address or account failed too many sign-ins."""
    return exceptions.Throttled(wait=refusal.wait, detail="Too many failed sign-ins.")
