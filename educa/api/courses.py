"""Courses: the catalog, authoring for the course's instructor, reviews, rosters."""

import re

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.caching import cached_json_response
from educa.api.modules import ModuleSerializer, ReorderSerializer
from educa.api.permissions import CanAuthorCourses
from educa.courses.caching import CACHE_SECONDS
from educa.courses.models import Course, Enrollment, Review, Subject
from educa.courses.permissions import (
    can_view_roster,
    lists_drafts_for,
    visible_courses,
)
from educa.courses.search import search_key
from educa.courses.selectors import (
    ORDERINGS,
    catalog_courses_with_outline,
    course_outline,
    course_reviews,
    review_by,
    visible_course,
)
from educa.courses.services import (
    add_module,
    create_course,
    delete_course,
    delete_review,
    publish_course,
    reorder_modules,
    review_course,
    unpublish_course,
    update_course,
)
from educa.learning.roster import roster_with_progress

SEARCH_MAX_LENGTH = 200
CACHED_PARAMETERS = {"subject", "search", "ordering", "page", "page_size", "format"}


class CourseSummarySerializer(serializers.ModelSerializer):
    """A course without its modules (lists of the user's own courses)."""

    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    slug = serializers.SlugField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Made from the title when empty (a number is added if taken).",
    )
    status = serializers.ChoiceField(
        choices=Course.Status.choices,
        read_only=True,
        help_text="New courses are drafts, seen only by their instructor; "
        "`publish/` opens them to everyone.",
    )
    cover = serializers.ImageField(read_only=True, allow_null=True)
    cover_thumbnail = serializers.ImageField(read_only=True, allow_null=True)
    total_modules = serializers.IntegerField(read_only=True)
    total_students = serializers.IntegerField(read_only=True)
    total_reviews = serializers.IntegerField(read_only=True)
    average_rating = serializers.FloatField(
        read_only=True, allow_null=True, help_text="1-5; null before any rating."
    )

    class Meta:
        model = Course
        fields = [
            *("id", "subject", "title", "slug", "overview", "created", "owner"),
            *("total_modules", "total_students", "status", "published_at"),
            *("cover", "cover_thumbnail", "total_reviews", "average_rating"),
        ]
        read_only_fields = ["id", "created", "owner", "published_at"]


class CourseSerializer(CourseSummarySerializer):
    """The seed's course: its fields and its modules (order, title, description)."""

    modules = ModuleSerializer(many=True, read_only=True)

    class Meta(CourseSummarySerializer.Meta):
        fields = [*CourseSummarySerializer.Meta.fields, "modules"]


class CoverSerializer(serializers.Serializer):
    cover = serializers.ImageField(
        help_text="A picture (checked by Pillow), cut to 960x540 and 480x270."
    )


class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    student = ReviewerSerializer(read_only=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )

    class Meta:
        model = Review
        fields = ["id", "student", "rating", "text", "created", "updated"]
        read_only_fields = ["id", "created", "updated"]


class RosterEntrySerializer(serializers.ModelSerializer):
    """One enrolled student, as the course's instructor sees them."""

    student = ReviewerSerializer(read_only=True)
    username = serializers.CharField(source="student.username", read_only=True)
    rating = serializers.IntegerField(read_only=True, allow_null=True)
    completed = serializers.IntegerField(
        read_only=True, help_text="Contents the student has done."
    )
    total = serializers.IntegerField(
        source="contents_total", read_only=True, help_text="Contents in the course."
    )
    percent = serializers.IntegerField(
        read_only=True, help_text="Whole percent done, rounded down."
    )
    completed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the course was completed (its certificate issued).",
    )

    class Meta:
        model = Enrollment
        fields = [
            *("student", "username", "enrolled_at", "rating"),
            *("completed", "total", "percent", "completed_at"),
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("subject", OpenApiTypes.STR, description="Subject slug."),
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description="Words in the title, overview, module titles or "
                "instructor's name; typos are corrected.",
            ),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                enum=list(ORDERINGS),
                description="`-` for descending. Default: `relevance` with a "
                "search (best match first), else `-created`.",
            ),
        ]
    ),
)
class CourseViewSet(viewsets.ModelViewSet):
    serializer_class = CourseSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "reviews"):
            return [AllowAny()]
        if self.action == "review":
            return [IsAuthenticated()]
        return [IsAuthenticated(), CanAuthorCourses()]

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        """Catalog pages and search answers are cached, searches for at most
        SEARCH_CACHE_SECONDS (their keys are unbounded: the words people
        type). Not the lists of someone who has drafts: theirs are their own."""
        parts = self._cache_key_parts()
        seconds = (
            settings.SEARCH_CACHE_SECONDS if self._search().strip() else CACHE_SECONDS
        )
        if parts is None or not seconds or lists_drafts_for(request.user):
            return super().list(request, *args, **kwargs)
        return cached_json_response(
            request,
            parts,
            lambda: super(CourseViewSet, self).list(request).data,
            seconds=seconds,
        )

    def _cache_key_parts(self) -> tuple[str, ...] | None:
        params = self.request.query_params
        ordering = params.get("ordering", "")
        numbers = [params.get("page", ""), params.get("page_size", "")]
        if (
            # The answer's page links repeat every parameter: one not in the
            # key must not reach other people's answers.
            not set(params) <= CACHED_PARAMETERS
            or ordering not in ["", *ORDERINGS]
            or not all(number.isdigit() or not number for number in numbers)
            or not re.fullmatch(r"[-\w]{0,200}", params.get("subject", ""), re.ASCII)
        ):
            return None
        # Links to other pages are absolute: they depend on scheme and host.
        request = self.request
        search = self._search()
        return (
            *("courses", request.scheme, request.get_host()),
            *(params.get("subject", ""), ordering, *numbers),
            f"search-{search_key(search)}" if search.strip() else "",
        )

    def get_queryset(self) -> QuerySet[Course]:
        user = self.request.user
        if self.action == "list":
            return catalog_courses_with_outline(
                viewer=user,
                subject=self._subject(),
                search=self._search(),
                ordering=self.request.query_params.get("ordering", ""),
            )
        # Someone else's draft is not there, whatever is asked of it.
        return visible_courses(user)

    def get_object(self) -> Course:
        if self.action != "retrieve":
            return super().get_object()
        pk = self.kwargs["pk"]
        # isdecimal(), not isdigit(): int() refuses digits such as "²".
        if not pk.isdecimal():
            raise NotFound()
        course = visible_course(self.request.user, pk=int(pk))
        if course is None:
            raise NotFound("No Course matches the given query.")
        return course

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
        return visible_course(self.request.user, pk=course.pk)

    def _course_response(self, course: Course) -> Response:
        return Response(
            CourseSerializer(
                self._fresh(course), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Open the draft to everyone (it needs a module with content)."""
        course = publish_course(course=self.get_object(), by=request.user)
        return self._course_response(course)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        """Back to a draft; its students keep their access."""
        course = unpublish_course(course=self.get_object(), by=request.user)
        return self._course_response(course)

    @extend_schema(
        request={"multipart/form-data": CoverSerializer}, responses=CourseSerializer
    )
    @action(detail=True, methods=["post", "delete"], parser_classes=[MultiPartParser])
    def cover(self, request: Request, pk: str) -> Response:
        """POST a picture as the cover; DELETE it (a placeholder is drawn)."""
        course = self.get_object()
        if request.method == "DELETE":
            return self._course_response(
                update_course(course=course, by=request.user, cover=None)
            )
        serializer = CoverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = update_course(
            course=course, by=request.user, cover=serializer.validated_data["cover"]
        )
        return self._course_response(course)

    @extend_schema(responses=ReviewSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reviews(self, request: Request, pk: str) -> Response:
        """The course's reviews, most recent first."""
        reviews = self.paginate_queryset(course_reviews(self.get_object()))
        return self.get_paginated_response(ReviewSerializer(reviews, many=True).data)

    @extend_schema(request=ReviewSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["get", "post", "delete"])
    def review(self, request: Request, pk: str) -> Response:
        """The signed-in student's own review: GET it (404 if none), POST
        `rating` (1-5) and `text` to write or change it, DELETE to withdraw it."""
        course = self.get_object()
        if request.method == "GET":
            review = review_by(request.user, course)
            if review is None:
                raise NotFound("You have not reviewed this course.")
            return Response(ReviewSerializer(review).data)
        if request.method == "DELETE":
            delete_review(student=request.user, course=course)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_course(
            student=request.user, course=course, **serializer.validated_data
        )
        return Response(ReviewSerializer(review).data)

    @extend_schema(responses=RosterEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def students(self, request: Request, pk: str) -> Response:
        """Who takes the course, earliest first, with their progress: its
        instructor only."""
        course = self.get_object()
        if not can_view_roster(request.user, course):
            raise PermissionDenied("Only the course's instructor.")
        page = self.paginate_queryset(roster_with_progress(course))
        return self.get_paginated_response(RosterEntrySerializer(page, many=True).data)

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
