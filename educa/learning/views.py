"""The student's pages: enroll, my courses, a course's modules to learn
from (with what is done), marking contents done, and the learning profile.

These pages differ per person, so they are never cached in the shared cache.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from educa.courses.models import Content, Course
from educa.courses.permissions import can_enroll, can_view_contents, visible_courses
from educa.courses.selectors import course_outline, module_contents
from educa.courses.services import enroll
from educa.learning.permissions import can_record_progress
from educa.learning.selectors import (
    course_progress,
    courses_with_progress,
    learning_profile,
    percent_of,
    quiz_standings,
)
from educa.learning.services import complete_content, uncomplete_content


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
    courses = list(courses_with_progress(request.user))
    for course in courses:
        course.percent = percent_of(course.contents_done, course.contents_total)
    return render(request, "learning/course/list.html", {"courses": courses})


@login_required
@never_cache
def student_profile(request: HttpRequest) -> HttpResponse:
    """My learning: courses in progress with their bars, completed courses
    with their certificates, and the best score on each quiz taken."""
    return render(
        request,
        "learning/profile.html",
        {"profile": learning_profile(request.user)},
    )


@login_required
@never_cache
def student_course_detail(
    request: HttpRequest, pk: int, module_id: int | None = None
) -> HttpResponse:
    """The course, a module sidebar with what is done, and one module's
    contents. Without a module: the module of the first content not done
    (the last module once everything is)."""
    course = get_object_or_404(Course.objects.select_related("owner"), pk=pk)
    if not can_view_contents(request.user, course):
        raise PermissionDenied("Enroll in this course to see its contents.")
    modules = course_outline(course)
    progress = course_progress(request.user, course)
    positions = {m.pk: index for index, m in enumerate(modules)}
    if module_id is None:
        step = progress.next_content or progress.last_content
        module_id = step.module_id if step else None
        index = positions.get(module_id, 0)
    else:
        index = positions.get(module_id)
    if index is None:
        raise Http404("No such module in this course.")
    module = modules[index] if modules else None
    contents = module_contents(module) if module else []
    learner = can_record_progress(request.user, course)
    quiz_ids = [c.object_id for c in contents if c.kind == "quiz"]
    standings = quiz_standings(request.user, quiz_ids) if learner and quiz_ids else {}
    for content in contents:
        content.done = content.pk in progress.done_ids
        content.standing = standings.get(content.object_id)
    for m in modules:
        m.done, m.total = progress.modules.get(m.pk, (0, 0))
    return render(
        request,
        "learning/course/detail.html",
        {
            "course": course,
            "modules": modules,
            "module": module,
            "contents": contents,
            "progress": progress,
            "learner": learner,
            "module_number": index + 1,
            "is_last_module": index + 1 == len(modules),
            "previous_module": modules[index - 1] if index > 0 else None,
            "next_module": modules[index + 1] if index + 1 < len(modules) else None,
        },
    )


def _content_for_progress(pk: int) -> Content:
    return get_object_or_404(
        Content.objects.select_related("module__course__owner", "content_type"), pk=pk
    )


def _back_to(content: Content) -> HttpResponse:
    module = content.module
    page = redirect("student_course_module", module.course_id, module.pk)
    page["Location"] += f"#content-{content.pk}"
    return page


@login_required
@require_POST
def content_complete(request: HttpRequest, content_id: int) -> HttpResponse:
    """Mark a content done and go back to it (a quiz is done when passed)."""
    content = _content_for_progress(content_id)
    try:
        complete_content(student=request.user, content=content)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to(content)


@login_required
@require_POST
def content_uncomplete(request: HttpRequest, content_id: int) -> HttpResponse:
    """Mark a content not done again."""
    content = _content_for_progress(content_id)
    try:
        uncomplete_content(student=request.user, content=content)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to(content)
