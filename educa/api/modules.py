"""Modules and their contents: instructors edit them, learners read them."""

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from educa.api.parsers import JSONParser
from educa.api.permissions import CanAuthorCourses
from educa.courses.models import CONTENT_KINDS, QUIZ_SETTINGS, Content, Module, Quiz
from educa.courses.quiz_services import (
    ANSWER_TEXT_LIMIT,
    CHOICE_TEXT_LIMIT,
    MAX_ACCEPTED_ANSWERS,
    MAX_CHOICES,
    MAX_POINTS,
    MAX_QUESTIONS,
    QUESTION_TEXT_LIMIT,
)
from educa.courses.selectors import content_with_item, module_contents
from educa.courses.services import (
    add_content,
    delete_content,
    delete_module,
    reorder_contents,
    update_content,
    update_module,
)

# The fields each kind of content takes besides `type` and `title`, and
# which of them it needs.
KIND_FIELDS = {
    "text": ({"content"}, {"content"}),
    "video": ({"url"}, {"url"}),
    "image": ({"file"}, {"file"}),
    "file": ({"file"}, {"file"}),
    "quiz": ({*QUIZ_SETTINGS, "questions"}, set()),
}


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "order", "title", "description"]
        read_only_fields = ["id", "order"]


class QuizSettingsSerializer(serializers.ModelSerializer):
    """A quiz's settings and size, never its answers. `attempts_used` and
    `best_percent` are the requesting student's (null where no student's
    record applies)."""

    questions_count = serializers.IntegerField(read_only=True)
    attempts_used = serializers.SerializerMethodField()
    best_percent = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = [
            "id",
            *QUIZ_SETTINGS,
            *("questions_count", "attempts_used", "best_percent"),
        ]

    def get_attempts_used(self, quiz: Quiz) -> int | None:
        return None

    def get_best_percent(self, quiz: Quiz) -> float | None:
        return None


class ContentSerializer(serializers.Serializer):
    """One content: its type, title and the type's own data, plus rendered HTML.

    `content` is set for text, `file` (an absolute URL) for image and file,
    `url` and `embed_url` for video, `quiz` for a quiz; the others are null
    (the item has no such attribute). `item` is the HTML the seed's clients
    render.
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
    quiz = QuizSettingsSerializer(read_only=True, allow_null=True)
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

    __slots__ = ("id", "item", "kind", "order", "quiz")

    def __init__(self, content: Content) -> None:
        self.id = content.pk
        self.order = content.order
        self.kind = content.kind
        self.item = content.item
        self.quiz = self.item if self.kind == "quiz" else None


class ModuleContentsSerializer(ModuleSerializer):
    contents = ContentSerializer(many=True, read_only=True)

    class Meta(ModuleSerializer.Meta):
        fields = [*ModuleSerializer.Meta.fields, "contents"]


class ChoiceInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=CHOICE_TEXT_LIMIT)
    correct = serializers.BooleanField(default=False)


class QuestionInputSerializer(serializers.Serializer):
    """One question. The service checks what each kind needs (choices with
    the right ones marked, accepted answers, or the answer and tolerance)."""

    kind = serializers.ChoiceField(choices=["single", "multiple", "short", "numeric"])
    text = serializers.CharField(max_length=QUESTION_TEXT_LIMIT)
    points = serializers.IntegerField(min_value=1, max_value=MAX_POINTS, default=1)
    choices = ChoiceInputSerializer(
        many=True,
        required=False,
        max_length=MAX_CHOICES,
        help_text="single and multiple: single has exactly one right choice "
        "(true/false is two choices).",
    )
    partial_credit = serializers.BooleanField(
        required=False, help_text="multiple: credit per right choice."
    )
    answers = serializers.ListField(
        child=serializers.CharField(max_length=ANSWER_TEXT_LIMIT),
        required=False,
        max_length=MAX_ACCEPTED_ANSWERS,
        help_text="short: the accepted answers (case and spaces do not matter).",
    )
    answer = serializers.FloatField(required=False, help_text="numeric: the answer.")
    tolerance = serializers.FloatField(
        required=False, min_value=0, help_text="numeric: accepted ± this much."
    )


class OptionalBooleanField(serializers.BooleanField):
    """Left out means not given, in multipart forms too (DRF reads a missing
    checkbox there as false, which would be a quiz setting on an image)."""

    default_empty_html = empty


class QuizFieldsMixin(serializers.Serializer):
    """A quiz's settings and questions, as content to add or change."""

    pass_percent = serializers.IntegerField(
        required=False, min_value=0, max_value=100, help_text="quiz: pass mark (%)."
    )
    max_attempts = serializers.IntegerField(
        required=False, min_value=0, max_value=1000, help_text="quiz: 0 = unlimited."
    )
    time_limit_seconds = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=7 * 24 * 3600,
        help_text="quiz: 0 = none.",
    )
    shuffle_questions = OptionalBooleanField(required=False)
    shuffle_choices = OptionalBooleanField(required=False)
    grading = serializers.ChoiceField(
        choices=Quiz.Grading.choices,
        required=False,
        help_text="quiz: which attempt's score counts.",
    )
    review = serializers.ChoiceField(
        choices=Quiz.Review.choices,
        required=False,
        help_text="quiz: when students see the right answers.",
    )
    questions = QuestionInputSerializer(
        many=True, required=False, max_length=MAX_QUESTIONS
    )


class NewContentSerializer(QuizFieldsMixin):
    """JSON for text, video and quiz; multipart/form-data with `file` for
    image and file."""

    type = serializers.ChoiceField(choices=CONTENT_KINDS)
    title = serializers.CharField(max_length=250)
    content = serializers.CharField(required=False, help_text="Text body (text).")
    url = serializers.URLField(
        required=False, max_length=200, help_text="YouTube or Vimeo link (video)."
    )
    file = serializers.FileField(required=False, help_text="Upload (image, file).")

    def validate(self, attrs: dict) -> dict:
        allowed, needed = KIND_FIELDS[attrs["type"]]
        if missing := needed - set(attrs):
            raise serializers.ValidationError(
                {name: ["This field is required."] for name in missing}
            )
        if extra := set(attrs) - {"type", "title", *allowed}:
            raise serializers.ValidationError(
                {name: [f"Not used by {attrs['type']} content."] for name in extra}
            )
        return attrs


class ContentChangeSerializer(QuizFieldsMixin):
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
            ContentSerializer(
                content_with_item(content.pk), context=self.get_serializer_context()
            ).data,
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
            ContentSerializer(
                content_with_item(content.pk), context=self.get_serializer_context()
            ).data
        )

    def perform_destroy(self, instance: Content) -> None:
        delete_content(content=instance, by=self.request.user)
