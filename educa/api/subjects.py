"""Subjects: the catalog's top level, with course counts and popular courses."""

from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from educa.courses.models import Subject
from educa.courses.selectors import popular_courses, subjects_with_course_counts


class SubjectSerializer(serializers.ModelSerializer):
    total_courses = serializers.IntegerField(read_only=True)
    popular_courses = serializers.SerializerMethodField(
        help_text='The three most-enrolled courses as "Title (students)".'
    )

    class Meta:
        model = Subject
        fields = ["id", "title", "slug", "total_courses", "popular_courses"]

    def get_popular_courses(self, subject: Subject) -> list[str]:
        courses = self.context["popular"][subject.pk]
        return [f"{course.title} ({course.total_students})" for course in courses]


class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SubjectSerializer

    def get_queryset(self):
        return subjects_with_course_counts()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        serializer = self._serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._serializer(self.get_object()).data)

    def _serializer(self, subjects, **kwargs) -> SubjectSerializer:
        listed = subjects if kwargs.get("many") else [subjects]
        popular = popular_courses([subject.pk for subject in listed])
        context = {**self.get_serializer_context(), "popular": popular}
        return self.get_serializer(subjects, context=context, **kwargs)
