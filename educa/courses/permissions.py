"""Who may author what. Every transport asks these, so they can never disagree."""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.courses.models import Course


def can_author_courses(user: User | AnonymousUser) -> bool:
    """Instructors (and superusers) may create courses."""
    return user.is_authenticated and user.has_perm("courses.add_course")


def can_edit_course(user: User | AnonymousUser, course: Course) -> bool:
    """Only the course's owner, and only while they may author courses."""
    return can_author_courses(user) and course.owner_id == user.pk
