"""The instructor's gradebook of a course: the page (with its charts drawn
as SVG on the server) and its CSV download. The course's instructor alone."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from educa.courses.models import Course
from educa.learning.charts import percent_histogram
from educa.learning.exports import gradebook_csv
from educa.learning.permissions import can_view_gradebook
from educa.learning.selectors import course_gradebook


def _course(request: HttpRequest, pk: int) -> Course:
    course = get_object_or_404(Course.objects.select_related("owner"), pk=pk)
    if not can_view_gradebook(request.user, course):
        raise PermissionDenied("Only the course's instructor sees its gradebook.")
    return course


@login_required
@never_cache
def gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    book = course_gradebook(course)
    quiz_charts = [
        percent_histogram(f"Scores on “{entry.quiz.title}”", book.scores_of(index))
        for index, entry in enumerate(book.quizzes)
    ]
    return render(
        request,
        "learning/gradebook.html",
        {
            "course": course,
            "book": book,
            "progress_chart": percent_histogram(
                "Progress of the students", [row.percent for row in book.rows]
            ),
            "quizzes": list(zip(book.quizzes, quiz_charts, strict=True)),
        },
    )


@login_required
@never_cache
def gradebook_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    response = HttpResponse(
        gradebook_csv(course_gradebook(course)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="gradebook-{course.slug}.csv"'
    )
    return response
