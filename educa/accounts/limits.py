"""Limits on password guesses: failed checks are counted per client address
and per account, and a check over either limit is refused before any hashing.

Every password check (the token endpoint, HTTP Basic on the API, the sign-in
and admin pages) goes through `django.contrib.auth.authenticate` and so
through `educa.accounts.backends.PasswordLimitedBackend`, which reserves a
check here before hashing and gives it back when the password was right: only
failures stay counted. Counters live in fixed windows of
PASSWORD_FAILURE_WINDOW_MINUTES in the cache, one Redis command each. While
Redis is unreachable nobody can be counted and checks go through, as with the
API's throttles.
"""

import contextlib
import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from educa.ops.cache import increment_counter


class TooManyPasswordGuesses(Exception):
    """Raised instead of checking a password; `wait`: seconds until the window ends."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {wait} seconds.")
        self.wait = wait


def client_address(request: HttpRequest) -> str:
    """The client address the server trusts: REMOTE_ADDR.

    Headers such as X-Forwarded-For are whatever the client wrote unless a
    trusted proxy rewrote them; uvicorn turns them into REMOTE_ADDR exactly
    when the proxy in front is trusted (TRUST_PROXY_HEADERS).
    """
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class PasswordCheck:
    """The counters one password check added to, to give back on success."""

    keys: Sequence[str]

    def succeeded(self) -> None:
        """The password was right: it was no guess, so it no longer counts."""
        for key in self.keys:
            # ValueError: the window ended meanwhile and the key expired.
            with contextlib.suppress(ValueError):
                cache.decr(key)


def _account_key(username: str) -> str:
    # Hashed: usernames may hold characters and lengths unfit for a key.
    return hashlib.sha256(username.casefold().encode()).hexdigest()[:32]


def reserve_password_check(
    *, request: HttpRequest | None, username: str
) -> PasswordCheck:
    """Count one password check for the client's address and for `username`,
    or raise TooManyPasswordGuesses when either has failed too often.

    The address is counted first and the account only when the address is
    within its limit, so a refused client cannot lock anyone's account.
    """
    window_seconds = settings.PASSWORD_FAILURE_WINDOW_MINUTES * 60
    now = time.time()
    window = int(now // window_seconds)
    limits = []
    if request is not None:
        limits.append(
            (
                f"password-failures:ip:{client_address(request)}:{window}",
                settings.PASSWORD_FAILURES_PER_IP,
            )
        )
    limits.append(
        (
            f"password-failures:account:{_account_key(username)}:{window}",
            settings.PASSWORD_FAILURES_PER_ACCOUNT,
        )
    )
    counted = []
    for key, limit in limits:
        count = increment_counter(cache, key, window_seconds)
        if count is None:  # no cache: nobody can be counted
            continue
        if count > limit:
            raise TooManyPasswordGuesses(
                wait=math.ceil(window_seconds - now % window_seconds)
            )
        counted.append(key)
    return PasswordCheck(keys=counted)


class TooManyPasswordResets(Exception):
    """The client address asked for too many reset links; `wait`: seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Too many reset requests; try again in {wait} seconds.")
        self.wait = wait


def reserve_password_reset(*, request: HttpRequest, email: str) -> bool:
    """Count one reset request for the client address and for `email`.

    Raises TooManyPasswordResets when the address is over its limit (that
    answer says nothing about `email`). Returns False when `email` had its
    share of links this window: the caller then sends nothing but answers
    as always, so the limit cannot tell whether an account has it.
    """
    window_seconds = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    now = time.time()
    window = int(now // window_seconds)
    by_ip = increment_counter(
        cache, f"password-resets:ip:{client_address(request)}:{window}", window_seconds
    )
    if by_ip is not None and by_ip > settings.PASSWORD_RESETS_PER_IP:
        raise TooManyPasswordResets(
            wait=math.ceil(window_seconds - now % window_seconds)
        )
    by_address = increment_counter(
        cache, f"password-resets:email:{_account_key(email)}:{window}", window_seconds
    )
    return by_address is None or by_address <= settings.PASSWORD_RESETS_PER_ADDRESS
