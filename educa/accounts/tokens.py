"""Signed links for e-mail addresses: confirming a new one, verifying the
one given at sign-up. (Password reset links use Django's own
`default_token_generator`.)

A token is `django.core.signing` data naming the user and the address, with
a fingerprint of the account's current address and password: once the
address (or the password) changes, every older link stops working, so each
link works once. Tokens expire after EMAIL_CHANGE_TIMEOUT seconds.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

from educa.accounts.models import User

EMAIL_CHANGE = "educa.accounts.email-change"
EMAIL_VERIFICATION = "educa.accounts.email-verification"

INVALID_LINK = "This link is not valid. Ask for a new one from your profile."
EXPIRED_LINK = "This link has expired. Ask for a new one from your profile."
USED_LINK = "This link was already used (or your account changed since)."


def _fingerprint(purpose: str, user: User) -> str:
    return salted_hmac(purpose, f"{user.email}\0{user.password}").hexdigest()[:20]


def make_email_token(*, purpose: str, user: User, email: str) -> str:
    payload = {"u": user.pk, "e": email, "f": _fingerprint(purpose, user)}
    return signing.dumps(payload, salt=purpose, compress=True)


def read_email_token(*, purpose: str, token: str) -> tuple[User, str]:
    """The user and address a valid, unused, unexpired token names, or
    ValidationError saying which of those it is not."""
    try:
        payload = signing.loads(
            token, salt=purpose, max_age=settings.EMAIL_CHANGE_TIMEOUT
        )
    except signing.SignatureExpired as error:
        raise ValidationError(EXPIRED_LINK, code="expired_link") from error
    except signing.BadSignature as error:
        raise ValidationError(INVALID_LINK, code="invalid_link") from error
    try:
        user = User.objects.get(pk=payload["u"], is_active=True)
        email, fingerprint = str(payload["e"]), str(payload["f"])
    except (User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise ValidationError(INVALID_LINK, code="invalid_link") from error
    if not constant_time_compare(fingerprint, _fingerprint(purpose, user)):
        raise ValidationError(USED_LINK, code="used_link")
    return user, email
