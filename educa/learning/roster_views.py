"""The roster page: who takes a course, since when, how far they are and how
they rated it. The course's instructor alone; it lives with learning because
progress is learning's (courses may not import it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from educa.courses.models import Course
from educa.courses.permissions import can_author_courses, can_view_roster
from educa.learning.roster import roster_with_progress

ROSTER_PER_PAGE = 50


@login_required
@never_cache
@require_safe
def course_roster(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_author_courses(request.user):
        raise PermissionDenied("Only instructors have rosters.")
    course = get_object_or_404(Course.objects.select_related("subject"), pk=pk)
    # Another instructor's course is not there for them, as in authoring.
    if not can_view_roster(request.user, course):
        raise Http404("No such course.")
    page = Paginator(roster_with_progress(course), ROSTER_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "learning/roster.html", {"course": course, "page": page})
