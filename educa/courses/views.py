"""Public pages: the catalog and course details, served from the shared cache."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from educa.courses.caching import catalog_page, course_page
from educa.courses.models import Subject
from educa.courses.permissions import can_edit_course, can_enroll, is_enrolled


def course_list(request: HttpRequest, subject: str | None = None) -> HttpResponse:
    """The public catalog, newest first, optionally narrowed to one subject."""
    current_subject = get_object_or_404(Subject, slug=subject) if subject else None
    search = request.GET.get("q", "").strip()[:200]
    page = catalog_page(
        subject=current_subject, search=search, page_number=request.GET.get("page")
    )
    return render(
        request,
        "courses/course/list.html",
        {"page": page, "subject": current_subject, "search": search},
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's overview and outline, with what this visitor may do next."""
    page = course_page(slug)
    if page is None:
        raise Http404("No such course.")
    course, user = page.course, request.user
    enrolled = is_enrolled(user, course)
    return render(
        request,
        "courses/course/detail.html",
        {
            "course": course,
            "modules": page.modules,
            "enrolled": enrolled,
            "can_edit": can_edit_course(user, course),
            "can_enroll": not enrolled and can_enroll(user, course),
        },
    )
