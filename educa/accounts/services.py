from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from educa.accounts.avatars import delete_avatars, resized_avatars, store_avatars
from educa.accounts.models import EMAIL_UNAVAILABLE, INSTRUCTORS_GROUP, User
from educa.accounts.tokens import (
    EMAIL_CHANGE,
    EMAIL_VERIFICATION,
    make_email_token,
    read_email_token,
)
from educa.mail.services import queue_email
from educa.ops.updates import change_fields
from educa.realtime.consumers import ACCESS_REVOKED
from educa.realtime.notify import push_to_user

# Instructors author courses: they may manage every course-domain model.
INSTRUCTOR_MODELS = ("course", "module", "content", "text", "file", "image", "video")


def ensure_instructors_group() -> Group:
    """Create the Instructors group with the course-authoring permissions."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="courses", content_type__model__in=INSTRUCTOR_MODELS
    )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def register_student(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    base_url: str = "",
) -> User:
    """Create a student account; the caller has validated the input.

    With REQUIRE_EMAIL_VERIFICATION the account cannot sign in until the
    link e-mailed to `email` (on `base_url`, the site's address) is followed.
    """
    user = User(username=username, email=email, display_name=display_name)
    user.set_password(password)
    user.email_verified = not settings.REQUIRE_EMAIL_VERIFICATION
    user.full_clean(exclude=["password"])
    user.save()
    if not user.email_verified:
        send_email_verification(user=user, base_url=base_url or settings.SITE_URL)
    return user


@transaction.atomic
def sign_up_student(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    base_url: str = "",
) -> User | None:
    """A sign-up from the page or the API: register_student, except that with
    REQUIRE_EMAIL_VERIFICATION an address an account already has creates
    nothing, e-mails that account's owner instead and returns None, so the
    caller answers "check your inbox" either way and reveals no account.
    A taken username is still refused (usernames are public).
    """
    base_url = base_url or settings.SITE_URL
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None or not settings.REQUIRE_EMAIL_VERIFICATION:
        return register_student(
            username=username,
            email=email,
            password=password,
            display_name=display_name,
            base_url=base_url,
        )
    User(username=username, email=email, display_name=display_name).full_clean(
        exclude=["password", "email"]
    )
    # Hashed and dropped: a new sign-up hashes its password, and an answer
    # quicker by the hash's cost would tell that the address was taken.
    make_password(password)
    if owner.is_active:
        queue_email(
            kind="signup_existing_account",
            to=owner.email,
            recipient_id=owner.pk,
            context={
                "name": owner.name,
                "username": owner.username,
                "email": owner.email,
                "login_url": base_url + reverse("login"),
                "reset_url": base_url + reverse("password_reset"),
            },
        )
    return None


def _hours(seconds: int) -> int:
    return max(1, round(seconds / 3600))


def send_email_verification(*, user: User, base_url: str) -> None:
    token = make_email_token(purpose=EMAIL_VERIFICATION, user=user, email=user.email)
    queue_email(
        kind="verify_email",
        to=user.email,
        recipient_id=user.pk,
        context={
            "name": user.name,
            "username": user.username,
            "email": user.email,
            "confirm_url": base_url + reverse("verify_email", args=[token]),
            "valid_hours": _hours(settings.EMAIL_CHANGE_TIMEOUT),
        },
    )


@transaction.atomic
def verify_email(*, token: str) -> User:
    """Mark the address a sign-up link names as the person's own."""
    user, email = read_email_token(purpose=EMAIL_VERIFICATION, token=token)
    if email.casefold() != user.email.casefold():
        raise ValidationError("This link is for another address.", code="used_link")
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def may_sign_in(user: User | None) -> bool:
    """Active, and (when sign-ups must verify their address) verified."""
    return (
        user is not None
        and user.is_active
        and (user.email_verified or not settings.REQUIRE_EMAIL_VERIFICATION)
    )


def send_password_reset(*, email: str, base_url: str) -> int:
    """E-mail a reset link to each active account with this address and a
    usable password; how many (the caller must not tell: the answer to an
    unknown address is the same)."""
    users = User.objects.filter(email__iexact=email, is_active=True)
    sent = 0
    for user in users:
        if not user.has_usable_password():
            continue
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        queue_email(
            kind="password_reset",
            to=user.email,
            recipient_id=user.pk,
            context={
                "name": user.name,
                "username": user.username,
                "reset_url": base_url + path,
                "valid_hours": _hours(settings.PASSWORD_RESET_TIMEOUT),
            },
        )
        sent += 1
    return sent


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """Set the password from a reset link (validated by the caller). The
    link reached the address, so the address is verified too; every older
    reset link stops working (the token covers the password)."""
    user.set_password(password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    return user


@transaction.atomic
def change_password(*, user: User, password: str) -> User:
    """Set a new password (the caller checked the old one and validated it)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _check_email_available(user: User, email: str) -> None:
    if email.casefold() == user.email.casefold():
        raise ValidationError(
            {"email": "This is already your address."}, code="same_email"
        )
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": EMAIL_UNAVAILABLE}, code="email_unavailable")


def request_email_change(*, user: User, new_email: str, base_url: str) -> None:
    """E-mail a confirmation link to `new_email`; the address changes only
    when it is followed (confirm_email_change)."""
    validate_email(new_email)
    _check_email_available(user, new_email)
    token = make_email_token(purpose=EMAIL_CHANGE, user=user, email=new_email)
    queue_email(
        kind="email_change",
        to=new_email,
        recipient_id=user.pk,
        context={
            "name": user.name,
            "username": user.username,
            "new_email": new_email,
            "confirm_url": base_url + reverse("confirm_email_change", args=[token]),
            "valid_hours": _hours(settings.EMAIL_CHANGE_TIMEOUT),
        },
    )


@transaction.atomic
def confirm_email_change(*, token: str) -> User:
    """Give the account the address a confirmation link names; the link
    then stops working (it covers the old address)."""
    user, email = read_email_token(purpose=EMAIL_CHANGE, token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_email_available(user, email)
    change_fields(
        user,
        {"email": email, "email_verified": True},
        editable={"email", "email_verified"},
        exclude_from_clean=["password"],
    )
    return user


@transaction.atomic
def make_instructor(*, user: User) -> User:
    """Let `user` author courses."""
    user.groups.add(ensure_instructors_group())
    return user


PROFILE_FIELDS = {"display_name", "bio", "email_missed_messages"}


@transaction.atomic
def update_profile(*, user: User, **fields: Any) -> User:
    """Change the user's own `display_name`, `bio` and e-mail preferences.
    (The address changes through request_email_change.)"""
    change_fields(
        user, fields, editable=PROFILE_FIELDS, exclude_from_clean=["password"]
    )
    return user


@transaction.atomic
def change_avatar(*, user: User, upload: UploadedFile) -> User:
    """Store the picture at every avatar size (ValidationError when it is no
    image or too large; nothing changes then) and drop the previous one."""
    images = resized_avatars(upload)
    previous = user.avatar
    user.avatar = store_avatars(user_id=user.pk, images=images)
    user.save(update_fields=["avatar"])
    if previous:
        transaction.on_commit(lambda: delete_avatars(previous))
    return user


@transaction.atomic
def remove_avatar(*, user: User) -> User:
    """Back to the initials."""
    previous = user.avatar
    if previous:
        user.avatar = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: delete_avatars(previous))
    return user


@transaction.atomic
def deactivate_user(*, user: User) -> User:
    """Lock `user` out: no new sign-in, token or socket, and every socket
    they hold, on every worker, closes (4403) once this commits."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    push_to_user(user.pk, {"type": ACCESS_REVOKED})
    return user
