"""People pages: a person's public profile (with the courses they teach)
and a course's roster (its instructor and students, for the course's
people). They live with the courses because both list course data."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from educa.accounts.models import User
from educa.courses.models import Course
from educa.courses.permissions import can_view_contents
from educa.courses.selectors import course_students, courses_taught_by


@require_safe
def person(request: HttpRequest, username: str) -> HttpResponse:
    """Anyone's public profile: name, picture, bio, and the courses they teach."""
    person = get_object_or_404(User, username=username, is_active=True)
    return render(
        request,
        "courses/people/person.html",
        {
            "person": person,
            "courses": list(courses_taught_by(person, viewer=request.user)),
        },
    )


@login_required
@require_safe
def course_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is in the course: its instructor and students, for them only."""
    course = get_object_or_404(Course.objects.select_related("owner"), pk=pk)
    if not can_view_contents(request.user, course):
        raise PermissionDenied("Only the course's people see who is in it.")
    return render(
        request,
        "courses/people/roster.html",
        {"course": course, "students": list(course_students(course))},
    )
