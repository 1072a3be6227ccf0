"""Switches for `overrides.py`: each puts back one thing Educa does its own way.

Read once at start-up, from the environment of the benchmark's server only:

- `BENCH_ASGI=django`: Django's own ASGIHandler instead of educa/ops/asgi.py;
- `BENCH_POOL=django`: Django's PostgreSQL backend and its pool, which checks
  every connection it lends (CONN_HEALTH_CHECKS), instead of the removed
  educa/ops/postgresql (measured at commit 0d56a01; Django's is the default
  since);
- `BENCH_SQL=raw` / `BENCH_SQL=orm`: the enrollment check and the Bearer
  user's row in hand-written SQL, or through the ORM.
"""

import os

from django.db import connection


def _enrolled_raw(user, course) -> bool:
    if not user.is_authenticated:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM learning_enrollment"
            " WHERE student_id = %s AND course_id = %s",
            [user.pk, course.pk],
        )
        return cursor.fetchone() is not None


def _enrolled_orm(user, course) -> bool:
    from educa.courses.models import Enrollment

    if not user.is_authenticated:
        return False
    return Enrollment.objects.filter(student_id=user.pk, course_id=course.pk).exists()


def _user_raw(user_id: int):
    from educa.accounts.models import User

    return next(
        iter(User.objects.raw("SELECT * FROM accounts_user WHERE id = %s", [user_id])),
        None,
    )


def _user_orm(user_id: int):
    from educa.accounts.models import User

    try:
        return User.objects.get(pk=user_id)
    except User.DoesNotExist:
        return None


def apply_before_django() -> None:
    if os.environ.get("BENCH_ASGI") == "django":
        from django.core.handlers.asgi import ASGIHandler

        import educa.ops.asgi

        educa.ops.asgi.ASGIHandler = ASGIHandler


def apply_after_django() -> None:
    variant = os.environ.get("BENCH_SQL")
    if variant:
        from educa.accounts import authentication
        from educa.learning import permissions

        permissions.is_enrolled = {"raw": _enrolled_raw, "orm": _enrolled_orm}[variant]
        authentication.user_with_id = {"raw": _user_raw, "orm": _user_orm}[variant]
