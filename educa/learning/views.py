"""The student's pages: enroll, my courses, and a course's modules to learn from.

These pages differ per person, so they are never cached in the shared cache.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from educa.courses.models import Course
from educa.courses.permissions import can_enroll, can_view_contents, visible_courses
from educa.courses.selectors import course_outline, enrolled_courses, module_contents
from educa.courses.services import enroll


def enroll_course(request: HttpRequest, pk: int) -> HttpResponse:
    """POST enrolls the signed-in person; anyone else signs in and comes back."""
    # Someone else's draft is not there.
    course = get_object_or_404(visible_courses(request.user), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(course.get_absolute_url())
    if request.method != "POST":
        return redirect(course)
    if not can_enroll(request.user, course):
        raise PermissionDenied("This course is not open for you to enroll.")
    enroll(student=request.user, course=course)
    messages.success(request, f"You are enrolled in “{course.title}”. Enjoy!")
    return redirect("student_course_detail", course.pk)


@login_required
@never_cache
def student_course_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/course/list.html",
        {"courses": enrolled_courses(request.user)},
    )


@login_required
@never_cache
def student_course_detail(
    request: HttpRequest, pk: int, module_id: int | None = None
) -> HttpResponse:
    """The course, a module sidebar and one module's contents (the first by default)."""
    course = get_object_or_404(Course.objects.select_related("owner"), pk=pk)
    if not can_view_contents(request.user, course):
        raise PermissionDenied("Enroll in this course to see its contents.")
    modules = course_outline(course)
    positions = {m.pk: index for index, m in enumerate(modules)}
    index = 0 if module_id is None else positions.get(module_id)
    if index is None:
        raise Http404("No such module in this course.")
    module = modules[index] if modules else None
    return render(
        request,
        "learning/course/detail.html",
        {
            "course": course,
            "modules": modules,
            "module": module,
            "contents": module_contents(module) if module else [],
            "module_number": index + 1,
            "previous_module": modules[index - 1] if index > 0 else None,
            "next_module": modules[index + 1] if index + 1 < len(modules) else None,
        },
    )
