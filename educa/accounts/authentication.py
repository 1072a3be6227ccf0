"""Bearer JWT authentication, for the API, course files and WebSockets.

SimpleJWT's `JWTAuthentication` with the same checks and errors, made cheaper
for the requests that carry the same token again and again:

- a token whose signature and claims were checked once is remembered (by
  its exact bytes, a bounded number of them) and only its expiry is checked
  again; a token that has expired since is validated afresh, so it is refused
  with SimpleJWT's own error;
- the user is still loaded on every request, so a deactivated or deleted
  user is refused at once, but with one raw statement instead of a compiled
  ORM query.
"""

from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme as SpectacularBasicScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework import authentication as drf_authentication
from rest_framework import exceptions
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import (
    AuthenticationFailed,
    InvalidToken,
    TokenError,
)
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

from educa.accounts.limits import TooManyPasswordGuesses
from educa.accounts.models import User
from educa.accounts.selectors import user_with_id

# About 1.3 KB each with its key: at most some 5 MB per worker, which sees
# far fewer live tokens than this.
REMEMBERED_TOKENS = 4096


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        token = _validated_token(raw_token)
        try:
            token.check_exp(current_time=aware_utcnow())
        except TokenError:
            return super().get_validated_token(raw_token)
        return token

    def get_user(self, validated_token: Token) -> User:
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidToken(
                _("Token contained no recognizable user identification")
            ) from error
        user = user_with_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user


@lru_cache(maxsize=REMEMBERED_TOKENS)
def _validated_token(raw_token: bytes) -> Token:
    """SimpleJWT's full validation; invalid tokens raise and are not kept."""
    return authentication.JWTAuthentication().get_validated_token(raw_token)


class BasicAuthentication(drf_authentication.BasicAuthentication):
    """DRF's HTTP Basic, answering 429 + Retry-After once the client address or
    the account has failed too many password checks (educa/accounts/limits.py).

    Raised as DRF's own exception, so the request is left unauthenticated as
    for any refused credentials, whatever renders the answer.
    """

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except TooManyPasswordGuesses as refusal:
            raise exceptions.Throttled(
                wait=refusal.wait, detail="Too many failed sign-ins."
            ) from refusal


class JWTScheme(SimpleJWTScheme):
    """Documents the Bearer scheme in the OpenAPI schema, as for SimpleJWT's class."""

    target_class = JWTAuthentication


class BasicScheme(SpectacularBasicScheme):
    """Documents HTTP Basic in the OpenAPI schema, as for DRF's class."""

    target_class = BasicAuthentication
