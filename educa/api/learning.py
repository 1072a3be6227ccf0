"""Learning over the API: enrollment, a course's contents, the user's courses."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.caching import cached_json_response
from educa.api.courses import CourseSummarySerializer
from educa.api.modules import ModuleContentsSerializer
from educa.courses.models import Course
from educa.courses.permissions import can_view_contents_of, visible_courses
from educa.courses.selectors import course_with_contents, enrolled_courses
from educa.courses.services import enroll, unenroll


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
        return cached_json_response(
            request,
            parts,
            # The course may be deleted between the check and this read.
            lambda: (
                self.get_serializer(
                    course_with_contents(get_object_or_404(Course, pk=course_id))
                ).data
            ),
        )


class MyCoursesView(generics.ListAPIView):
    """The courses the signed-in user is enrolled in, newest enrollment first."""

    permission_classes = [IsAuthenticated]
    serializer_class = CourseSummarySerializer

    def get_queryset(self) -> QuerySet[Course]:
        return enrolled_courses(self.request.user)
