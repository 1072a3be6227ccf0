from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from educa.courses.models import Subject
from educa.courses.selectors import (
    catalog_courses,
    course_outline,
    subjects_with_course_counts,
)

COURSES_PER_PAGE = 12


def course_list(request: HttpRequest, subject: str | None = None) -> HttpResponse:
    """The public catalog, newest first, optionally narrowed to one subject."""
    current_subject = get_object_or_404(Subject, slug=subject) if subject else None
    search = request.GET.get("q", "")[:200]
    courses = catalog_courses(subject=current_subject, search=search)
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/course/list.html",
        {
            "page": page,
            "subject": current_subject,
            "subjects": subjects_with_course_counts(),
            "search": search,
        },
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(catalog_courses(), slug=slug)
    return render(
        request,
        "courses/course/detail.html",
        {"course": course, "modules": course_outline(course)},
    )
