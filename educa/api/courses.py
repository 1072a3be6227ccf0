"""Courses: the public catalog, and authoring for the course's instructor."""

import re

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.caching import cached_json_response
from educa.api.modules import ModuleSerializer, ReorderSerializer
from educa.api.permissions import CanAuthorCourses
from educa.courses.models import Course, Subject
from educa.courses.selectors import catalog_courses_with_outline, course_outline
from educa.courses.services import (
    add_module,
    create_course,
    delete_course,
    reorder_modules,
    update_course,
)

SEARCH_MAX_LENGTH = 200


class CourseSummarySerializer(serializers.ModelSerializer):
    """A course without its modules (lists of the user's own courses)."""

    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    total_modules = serializers.IntegerField(read_only=True)
    total_students = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            *("id", "subject", "title", "slug", "overview", "created", "owner"),
            *("total_modules", "total_students"),
        ]
        read_only_fields = ["id", "created", "owner"]


class CourseSerializer(CourseSummarySerializer):
    """The seed's course: its fields and its modules (order, title, description)."""

    modules = ModuleSerializer(many=True, read_only=True)

    class Meta(CourseSummarySerializer.Meta):
        fields = [*CourseSummarySerializer.Meta.fields, "modules"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("subject", OpenApiTypes.STR, description="Subject slug."),
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Words in title or overview."
            ),
        ]
    ),
)
class CourseViewSet(viewsets.ModelViewSet):
    serializer_class = CourseSerializer
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["created", "title", "total_students"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated(), CanAuthorCourses()]

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        """Catalog pages are cached; searches are not (their keys are unbounded)."""
        parts = self._cache_key_parts()
        if parts is None:
            return super().list(request, *args, **kwargs)
        return cached_json_response(
            request, parts, lambda: super(CourseViewSet, self).list(request).data
        )

    def _cache_key_parts(self) -> tuple[str, ...] | None:
        params = self.request.query_params
        ordering = params.get("ordering", "")
        numbers = [params.get("page", ""), params.get("page_size", "")]
        if (
            self._search()
            or ordering.lstrip("-") not in ["", *self.ordering_fields]
            or not all(number.isdigit() or not number for number in numbers)
            or not re.fullmatch(r"[-\w]{0,200}", params.get("subject", ""), re.ASCII)
        ):
            return None
        # Links to other pages are absolute: they depend on scheme and host.
        request = self.request
        return (
            *("courses", request.scheme, request.get_host()),
            *(params.get("subject", ""), ordering, *numbers),
        )

    def get_queryset(self) -> QuerySet[Course]:
        if self.action in ("list", "retrieve"):
            return catalog_courses_with_outline(
                subject=self._subject(), search=self._search()
            )
        return Course.objects.all()

    def _search(self) -> str:
        # PostgreSQL text cannot hold NUL: such a search could match nothing.
        search = self.request.query_params.get("search", "")[:SEARCH_MAX_LENGTH]
        return search.replace("\x00", "")

    def _subject(self) -> Subject | None:
        slug = self.request.query_params.get("subject")
        if self.action != "list" or not slug:
            return None
        # An unknown slug matches no course rather than every course.
        if "\x00" in slug:
            return Subject(pk=0)
        return Subject.objects.filter(slug=slug[:200]).first() or Subject(pk=0)

    def perform_create(self, serializer: CourseSerializer) -> None:
        course = create_course(owner=self.request.user, **serializer.validated_data)
        serializer.instance = self._fresh(course)

    def perform_update(self, serializer: CourseSerializer) -> None:
        course = update_course(
            course=serializer.instance,
            by=self.request.user,
            **serializer.validated_data,
        )
        serializer.instance = self._fresh(course)

    def perform_destroy(self, instance: Course) -> None:
        delete_course(course=instance, by=self.request.user)

    def _fresh(self, course: Course) -> Course:
        """The course as the catalog shows it: with its counts and modules."""
        return catalog_courses_with_outline().get(pk=course.pk)

    @extend_schema(request=ModuleSerializer, responses={201: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def modules(self, request: Request, pk: str) -> Response:
        course = self.get_object()
        serializer = ModuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        module = add_module(course=course, by=request.user, **serializer.validated_data)
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorderSerializer, responses=ModuleSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="modules/reorder")
    def reorder_modules(self, request: Request, pk: str) -> Response:
        course = self.get_object()
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reorder_modules(
            course=course, by=request.user, module_ids=serializer.validated_data["ids"]
        )
        return Response(ModuleSerializer(course_outline(course), many=True).data)
