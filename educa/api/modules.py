"""Modules and their contents: instructors edit them, learners read them."""

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.parsers import JSONParser
from educa.api.permissions import CanAuthorCourses
from educa.courses.models import CONTENT_KINDS, Content, Module
from educa.courses.selectors import module_contents
from educa.courses.services import (
    add_content,
    delete_content,
    delete_module,
    reorder_contents,
    update_content,
    update_module,
)

# The item field each kind of content keeps its data in.
KIND_FIELD = {"text": "content", "video": "url", "image": "file", "file": "file"}


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "order", "title", "description"]
        read_only_fields = ["id", "order"]


class ContentSerializer(serializers.Serializer):
    """One content: its type, title and the type's own data, plus rendered HTML.

    `content` is set for text, `file` (an absolute URL) for image and file,
    `url` and `embed_url` for video; the others are null (the item has no
    such attribute). `item` is the HTML the seed's clients render.
    """

    id = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    type = serializers.ChoiceField(choices=CONTENT_KINDS, source="kind", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)
    content = serializers.CharField(
        source="item.content", read_only=True, allow_null=True
    )
    file = serializers.FileField(source="item.file", read_only=True, allow_null=True)
    url = serializers.URLField(source="item.url", read_only=True, allow_null=True)
    embed_url = serializers.URLField(
        source="item.embed_url", read_only=True, allow_null=True
    )
    item = serializers.CharField(source="item.render", read_only=True)

    def to_representation(self, instance: Content) -> dict:
        """The declared fields, each read from its source: null when the item
        has none (a text has no `url`), a method's result when it is one.

        DRF's own loop serialized a course's contents about 2.4 times slower
        (it resolves the generic `item` once per field and inspects every
        value for callability), and this runs for every content of a course
        on each request.
        """
        content = _ContentWithItem(instance)
        data = {}
        for name, field in self.fields.items():
            try:
                value = _reader(field.source)(content)
            except AttributeError:
                value = None
            if callable(value):
                value = value()
            data[name] = None if value is None else field.to_representation(value)
        return data


@cache
def _reader(source: str) -> Callable[[object], Any]:
    return attrgetter(source)


class _ContentWithItem:
    """What ContentSerializer's fields read of a content, its item resolved once."""

    __slots__ = ("id", "item", "kind", "order")

    def __init__(self, content: Content) -> None:
        self.id = content.pk
        self.order = content.order
        self.kind = content.kind
        self.item = content.item


class ModuleContentsSerializer(ModuleSerializer):
    contents = ContentSerializer(many=True, read_only=True)

    class Meta(ModuleSerializer.Meta):
        fields = [*ModuleSerializer.Meta.fields, "contents"]


class NewContentSerializer(serializers.Serializer):
    """JSON for text and video; multipart/form-data with `file` for image and file."""

    type = serializers.ChoiceField(choices=CONTENT_KINDS)
    title = serializers.CharField(max_length=250)
    content = serializers.CharField(required=False, help_text="Text body (text).")
    url = serializers.URLField(
        required=False, max_length=200, help_text="YouTube or Vimeo link (video)."
    )
    file = serializers.FileField(required=False, help_text="Upload (image, file).")

    def validate(self, attrs: dict) -> dict:
        field = KIND_FIELD[attrs["type"]]
        if field not in attrs:
            raise serializers.ValidationError({field: ["This field is required."]})
        if extra := set(attrs) - {"type", "title", field}:
            raise serializers.ValidationError(
                {name: [f"Not used by {attrs['type']} content."] for name in extra}
            )
        return attrs


class ContentChangeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=250, required=False)
    # The service takes a text's body as `text`: `content` names the Content.
    content = serializers.CharField(
        source="text", required=False, help_text="Text body (text)."
    )
    url = serializers.URLField(
        required=False, max_length=200, help_text="YouTube or Vimeo link (video)."
    )
    file = serializers.FileField(required=False, help_text="Upload (image, file).")


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=1000,
        help_text="Every child's id exactly once, in the new order.",
    )


UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]


class ModuleViewSet(
    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A module of a course the instructor owns: rename, delete, add contents."""

    serializer_class = ModuleSerializer
    permission_classes = [IsAuthenticated, CanAuthorCourses]
    http_method_names = ["post", "patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Module]:
        return Module.objects.select_related("course")

    def perform_update(self, serializer: ModuleSerializer) -> None:
        serializer.instance = update_module(
            module=serializer.instance,
            by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: Module) -> None:
        delete_module(module=instance, by=self.request.user)

    @extend_schema(
        request={
            "application/json": NewContentSerializer,
            "multipart/form-data": NewContentSerializer,
        },
        responses={201: ContentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def contents(self, request: Request, pk: str) -> Response:
        module = self.get_object()
        serializer = NewContentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        content = add_content(
            module=module, by=request.user, kind=data.pop("type"), **data
        )
        return Response(
            ContentSerializer(content, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ReorderSerializer, responses=ContentSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="contents/reorder")
    def reorder_contents(self, request: Request, pk: str) -> Response:
        module = self.get_object()
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reorder_contents(
            module=module, by=request.user, content_ids=serializer.validated_data["ids"]
        )
        contents = module_contents(module)
        return Response(
            ContentSerializer(
                contents, many=True, context=self.get_serializer_context()
            ).data
        )


class ContentViewSet(
    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A content of a course the instructor owns: change its item or delete it."""

    serializer_class = ContentChangeSerializer
    permission_classes = [IsAuthenticated, CanAuthorCourses]
    parser_classes = UPLOAD_PARSERS
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self) -> QuerySet[Content]:
        return Content.objects.select_related("module__course", "content_type")

    @extend_schema(
        request={
            "application/json": ContentChangeSerializer,
            "multipart/form-data": ContentChangeSerializer,
        },
        responses=ContentSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        content = self.get_object()
        serializer = ContentChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = update_content(
            content=content, by=request.user, **serializer.validated_data
        )
        return Response(
            ContentSerializer(content, context=self.get_serializer_context()).data
        )

    def perform_destroy(self, instance: Content) -> None:
        delete_content(content=instance, by=self.request.user)
