"""DRF permission classes that ask the domain's permission functions."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from educa.courses.models import Content, Course, Module
from educa.courses.permissions import can_author_courses, can_edit_course


def _course_of(obj: Course | Module | Content) -> Course:
    if isinstance(obj, Content):
        return obj.module.course
    if isinstance(obj, Module):
        return obj.course
    return obj


class CanAuthorCourses(BasePermission):
    """Instructors only; on an object, only the owner of its course."""

    message = "Only the course's instructor may change it."

    def has_permission(self, request: Request, view) -> bool:
        return can_author_courses(request.user)

    def has_object_permission(self, request: Request, view, obj) -> bool:
        return can_edit_course(request.user, _course_of(obj))
