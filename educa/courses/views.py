"""Public pages: the catalog and course details, served from the shared cache;
and what a student does from a course page (review it, leave it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from educa.courses.caching import catalog_page, course_page
from educa.courses.forms import ReviewForm
from educa.courses.models import Course, Subject
from educa.courses.permissions import (
    can_edit_course,
    can_enroll,
    can_review_course,
    can_view_course,
    is_enrolled,
    visible_courses,
)
from educa.courses.selectors import SORTS, review_by
from educa.courses.services import delete_review, review_course, unenroll

SORT_LABELS = {
    "relevance": "Best match",
    "newest": "Newest",
    "popular": "Most popular",
    "title": "Title",
    "rating": "Highest rated",
}


def course_list(request: HttpRequest, subject: str | None = None) -> HttpResponse:
    """The catalog, newest first, optionally narrowed to one subject or a search."""
    current_subject = get_object_or_404(Subject, slug=subject) if subject else None
    search = request.GET.get("q", "").strip()[:200].replace("\x00", "")
    page = catalog_page(
        viewer=request.user,
        subject=current_subject,
        search=search,
        ordering=SORTS.get(request.GET.get("sort", ""), ""),
        page_number=request.GET.get("page"),
    )
    sort = next(name for name, ordering in SORTS.items() if ordering == page.ordering)
    sorts = [
        (name, label)
        for name, label in SORT_LABELS.items()
        if name != "relevance" or search
    ]
    return render(
        request,
        "courses/course/list.html",
        {
            "page": page,
            "subject": current_subject,
            "search": search,
            "sort": sort,
            "sorts": sorts,
        },
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's overview, outline and reviews, with what this visitor may
    do next. `?preview` shows its instructor the page as a student sees it."""
    page = course_page(slug)
    user = request.user
    if page is None or not can_view_course(user, page.course):
        raise Http404("No such course.")
    course = page.course
    teaches = can_edit_course(user, course)
    preview = teaches and "preview" in request.GET
    enrolled = is_enrolled(user, course)
    may_review = can_review_course(user, course)
    own_review = review_by(user, course) if may_review else None
    return render(
        request,
        "courses/course/detail.html",
        {
            "course": course,
            "modules": page.modules,
            "reviews": page.reviews,
            "preview": preview,
            "enrolled": enrolled and not preview,
            "can_edit": teaches and not preview,
            "can_enroll": not enrolled and can_enroll(user, course),
            "review_form": ReviewForm(instance=own_review) if may_review else None,
            "own_review": own_review,
        },
    )


def _course_for(request: HttpRequest, pk: int) -> Course:
    """The course, if this visitor may see it at all (404 otherwise)."""
    return get_object_or_404(visible_courses(request.user), pk=pk)


@login_required
@require_POST
def course_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the student's own review: rating 1-5 and optional words."""
    course = _course_for(request, pk)
    if not can_review_course(request.user, course):
        raise PermissionDenied("Only the course's students may review it.")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review_course(student=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you: your review is saved.")
    else:
        errors = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "Review not saved: " + " ".join(errors))
    return redirect(f"{course.get_absolute_url()}#reviews")


@login_required
@require_POST
def course_review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course_for(request, pk)
    if delete_review(student=request.user, course=course):
        messages.success(request, "Your review is withdrawn.")
    return redirect(f"{course.get_absolute_url()}#reviews")


@login_required
def course_unenroll(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first; POST leaves the course."""
    course = _course_for(request, pk)
    if not is_enrolled(request.user, course):
        return redirect(course)
    if request.method == "POST":
        unenroll(student=request.user, course=course)
        messages.success(request, f"You left “{course.title}”.")
        return redirect("student_course_list")
    return render(request, "courses/course/unenroll.html", {"course": course})
