"""Learning over the API: enrollment, a course's contents, the user's courses."""

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.caching import cached_json
from educa.api.courses import CourseSummarySerializer
from educa.api.modules import ModuleContentsSerializer
from educa.courses.models import Course
from educa.courses.permissions import can_view_contents_of, visible_courses
from educa.courses.selectors import course_with_contents, enrolled_courses
from educa.courses.services import enroll, unenroll
from educa.learning.permissions import can_record_progress
from educa.learning.selectors import quiz_standings


class EnrollmentSerializer(serializers.Serializer):
    enrolled = serializers.BooleanField(read_only=True)


class CourseContentsSerializer(CourseSummarySerializer):
    """The course with its modules in order, each with its contents in order."""

    modules = ModuleContentsSerializer(many=True, read_only=True)

    class Meta(CourseSummarySerializer.Meta):
        fields = [
            *("id", "subject", "title", "slug", "overview", "created", "owner"),
            "modules",
        ]


class CourseLearningViewSet(viewsets.GenericViewSet):
    """The seed's `enroll` and `contents` actions under `courses/{id}/`."""

    permission_classes = [IsAuthenticated]
    serializer_class = CourseContentsSerializer

    def get_queryset(self) -> QuerySet[Course]:
        # Someone else's draft is not there (404), whatever is asked of it.
        return visible_courses(self.request.user)

    @extend_schema(request=None, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post", "delete"])
    def enroll(self, request: Request, pk: str) -> Response:
        """POST enrolls the user (again is fine); DELETE unenrolls."""
        course = self.get_object()
        if request.method == "DELETE":
            unenroll(student=request.user, course=course)
            return Response({"enrolled": False})
        enroll(student=request.user, course=course)
        return Response({"enrolled": True})

    @action(detail=True, methods=["get"])
    def contents(self, request: Request, pk: str) -> HttpResponse:
        """Only the course's instructor and its enrolled students."""
        # isdecimal(), not isdigit(): int() refuses digits such as "²".
        course_id = int(pk) if pk.isdecimal() else None
        allowed = (
            None if course_id is None else can_view_contents_of(request.user, course_id)
        )
        if allowed is None:
            raise NotFound()
        if not allowed:
            raise PermissionDenied("Only the instructor and enrolled students.")
        # File URLs are absolute: the cached copy depends on scheme and host.
        parts = ["contents", course_id, request.scheme, request.get_host()]

        def build() -> dict:
            # The course may be deleted between the check and this read.
            course = get_object_or_404(Course, pk=course_id)
            return self.get_serializer(course_with_contents(course)).data

        if request.accepted_renderer.format != "json":
            data = build()
            self._add_quiz_standings(data, _quizzes_in(data), course_id)
            return Response(data)
        # The contents are everyone's, cached; a quiz's attempts and best
        # score are the student's own, added to a copy.
        body, quizzes = cached_json(parts, build, _quizzes_in)
        if quizzes and self._add_quiz_standings(
            data := json.loads(body), quizzes, course_id
        ):
            body = JSONRenderer().render(data)
        return HttpResponse(body, content_type="application/json")

    def _add_quiz_standings(
        self, data: dict, quizzes: list[int], course_id: int
    ) -> bool:
        """Fill each quiz's `attempts_used` and `best_percent` for an
        enrolled student; False (nothing changed) for anyone else."""
        user = self.request.user
        if not quizzes or not can_record_progress(user, Course(pk=course_id)):
            return False
        standings = quiz_standings(user, quizzes)
        for quiz in _quiz_objects(data):
            standing = standings.get(quiz["id"])
            quiz["attempts_used"] = standing.attempts_used if standing else 0
            quiz["best_percent"] = standing.best_percent if standing else None
        return True


def _quiz_objects(data: dict) -> list[dict[str, Any]]:
    return [
        content["quiz"]
        for module in data["modules"]
        for content in module["contents"]
        if content["quiz"] is not None
    ]


def _quizzes_in(data: dict) -> list[int]:
    return [quiz["id"] for quiz in _quiz_objects(data)]


class MyCoursesView(generics.ListAPIView):
    """The courses the signed-in user is enrolled in, newest enrollment first."""

    permission_classes = [IsAuthenticated]
    serializer_class = CourseSummarySerializer

    def get_queryset(self) -> QuerySet[Course]:
        return enrolled_courses(self.request.user)
