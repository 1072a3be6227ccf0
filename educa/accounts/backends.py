"""The authentication backend: Django's, with limits on password guesses."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from educa.accounts.limits import reserve_password_check
from educa.accounts.models import User


class PasswordLimitedBackend(ModelBackend):
    """ModelBackend refusing, before hashing, the password checks of a client
    address or account that failed too often (educa/accounts/limits.py).

    Raises TooManyPasswordGuesses; each transport renders it (429 on the API,
    a form error on the sign-in pages).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        check = reserve_password_check(request=request, username=username)
        user = super().authenticate(request, username=username, password=password)
        if user is None:
            # Stops authenticate() here: the ModelBackend listed after this
            # one (for sessions signed in through it) must not check again.
            raise PermissionDenied
        check.succeeded()
        return user
