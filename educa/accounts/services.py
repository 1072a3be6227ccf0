from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from educa.accounts.models import INSTRUCTORS_GROUP, User
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
    *, username: str, email: str, password: str, display_name: str = ""
) -> User:
    """Create a student account; the caller has validated the input."""
    user = User(username=username, email=email, display_name=display_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def make_instructor(*, user: User) -> User:
    """Let `user` author courses."""
    user.groups.add(ensure_instructors_group())
    return user


@transaction.atomic
def update_profile(*, user: User, **fields: Any) -> User:
    """Change the user's own `email` and/or `display_name`."""
    change_fields(
        user,
        fields,
        editable={"email", "display_name"},
        exclude_from_clean=["password"],
    )
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
