"""Learning outcomes over the API: contents done, progress, quiz attempts,
the gradebook and certificates. Every rule is the learning app's; these
views parse, ask, call and serialize."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from educa.courses.models import Content, Course
from educa.learning.exports import gradebook_csv
from educa.learning.grading import SHORT_ANSWER_LIMIT, for_student
from educa.learning.models import Certificate, QuizAttempt
from educa.learning.permissions import (
    can_record_progress,
    can_view_gradebook,
)
from educa.learning.selectors import (
    Gradebook,
    attempt_review,
    certificate_by_code,
    course_gradebook,
    course_progress,
    own_attempt,
    quiz_to_take,
)
from educa.learning.services import (
    complete_content,
    start_attempt,
    submit_attempt,
    uncomplete_content,
)


class CertificateLinkSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField(help_text="The public page that confirms it.")
    pdf = serializers.CharField(help_text="The certificate as a PDF.")


def _certificate_links(certificate: Certificate | None) -> dict | None:
    if certificate is None:
        return None
    page = certificate.get_absolute_url()
    return {"code": certificate.code, "url": page, "pdf": f"{page}pdf/"}


class NextContentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    module = serializers.IntegerField()
    url = serializers.CharField(help_text="The content on its module's page.")


class ProgressSerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Rounded down: 100 when all done.")
    next_content = NextContentSerializer(
        allow_null=True, help_text="The first content not done; null when all are."
    )
    completed_at = serializers.DateTimeField(allow_null=True)
    certificate = CertificateLinkSerializer(allow_null=True)


def _progress_data(request: Request, course: Course) -> dict:
    progress = course_progress(request.user, course)
    step = progress.next_content
    return {
        "completed": progress.completed,
        "total": progress.total,
        "percent": progress.percent,
        "next_content": step
        and {
            "id": step.id,
            "module": step.module_id,
            "url": step.get_absolute_url(),
        },
        "completed_at": progress.completed_at,
        "certificate": _certificate_links(progress.certificate),
    }


class CompletionSerializer(serializers.Serializer):
    completed = serializers.BooleanField()
    progress = ProgressSerializer()


class ContentProgressViewSet(viewsets.GenericViewSet):
    """`contents/{id}/complete/`: an enrolled student marks a content done."""

    permission_classes = [IsAuthenticated]
    serializer_class = CompletionSerializer

    def get_queryset(self):
        return Content.objects.select_related("module__course__owner", "content_type")

    @extend_schema(request=None, responses={200: CompletionSerializer})
    @action(detail=True, methods=["post", "delete"])
    def complete(self, request: Request, pk: str) -> Response:
        """POST marks the content done, DELETE undoes it. A quiz is done when
        passed (400 here). Only the course's enrolled students (403)."""
        content = self.get_object()
        course = content.module.course
        if request.method == "DELETE":
            uncomplete_content(student=request.user, content=content)
        else:
            complete_content(student=request.user, content=content)
        return Response(
            {
                "completed": request.method != "DELETE",
                "progress": _progress_data(request, course),
            }
        )


class GradebookQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question_id")
    number = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    points = serializers.IntegerField()
    answered = serializers.IntegerField(help_text="Submitted answers to it.")
    correct = serializers.IntegerField(help_text="Of which fully right.")
    percent_correct = serializers.IntegerField(allow_null=True)


class GradebookQuizSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="quiz.pk")
    title = serializers.CharField(source="quiz.title")
    pass_percent = serializers.IntegerField(source="quiz.pass_percent")
    grading = serializers.CharField(source="quiz.grading")
    questions = GradebookQuestionSerializer(many=True)


class GradebookScoreSerializer(serializers.Serializer):
    quiz = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class GradebookStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.pk")
    username = serializers.CharField(source="student.username")
    name = serializers.CharField(source="student.name")
    progress_percent = serializers.IntegerField(source="percent")
    completed = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)
    last_activity = serializers.DateTimeField()
    scores = GradebookScoreSerializer(many=True)


class GradebookSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    total_contents = serializers.IntegerField()
    quizzes = GradebookQuizSerializer(many=True)
    students = GradebookStudentSerializer(many=True)

    def to_representation(self, gradebook: Gradebook) -> dict:
        quiz_ids = [entry.quiz.pk for entry in gradebook.quizzes]
        for row in gradebook.rows:
            row.scores = [
                {"quiz": quiz_id, "percent": score}
                for quiz_id, score in zip(quiz_ids, row.scores, strict=True)
            ]
        gradebook.students = gradebook.rows
        return super().to_representation(gradebook)


class CSVRenderer(BaseRenderer):
    """`?format=csv`: the view hands over the CSV text as it is."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data.encode()


class CourseOutcomesViewSet(viewsets.GenericViewSet):
    """`courses/{id}/progress/` and `courses/{id}/gradebook/`."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProgressSerializer

    def get_queryset(self):
        return Course.objects.select_related("owner")

    def finalize_response(self, request: Request, response, *args, **kwargs):
        """Errors are JSON like every other error, even when CSV was asked."""
        renderer = getattr(request, "accepted_renderer", None)
        if response.exception and isinstance(renderer, CSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        """The signed-in student's progress in the course (enrolled students
        only)."""
        course = self.get_object()
        if not can_record_progress(request.user, course):
            raise PermissionDenied("Only enrolled students have progress.")
        return Response(_progress_data(request, course))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="csv: a table",
            )
        ],
        responses={
            (200, "application/json"): GradebookSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, CSVRenderer],
        serializer_class=GradebookSerializer,
    )
    def gradebook(self, request: Request, pk: str) -> Response | HttpResponse:
        """Every student's progress, last activity and counted quiz scores,
        and each question's share of right answers. The course's instructor
        only. `?format=csv` gives the students' table as CSV."""
        course = self.get_object()
        if not can_view_gradebook(request.user, course):
            raise PermissionDenied("Only the course's instructor sees its gradebook.")
        gradebook = course_gradebook(course)
        if request.accepted_renderer.format == "csv":
            return Response(
                gradebook_csv(gradebook),
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="gradebook-{course.slug}.csv"'
                    )
                },
            )
        return Response(GradebookSerializer(gradebook).data)


class ChoiceShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionShownSerializer(serializers.Serializer):
    """A question as the student sees it: never what is right."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["single", "multiple", "short", "numeric"])
    text = serializers.CharField()
    points = serializers.IntegerField()
    choices = ChoiceShownSerializer(many=True)


class OpenAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField(help_text="1 for the first attempt.")
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True, help_text="null: no limit")
    seconds_left = serializers.IntegerField(allow_null=True)
    questions = QuestionShownSerializer(many=True)


def _open_attempt_data(attempt: QuizAttempt) -> dict:
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "seconds_left": attempt.seconds_left(timezone.now()),
        "questions": [for_student(question) for question in attempt.questions],
    }


class QuestionResultSerializer(serializers.Serializer):
    question = QuestionShownSerializer()
    response = serializers.JSONField(allow_null=True, help_text="What you answered.")
    points = serializers.FloatField(allow_null=True, help_text="null until released")
    correct = serializers.BooleanField(allow_null=True)
    correct_answer = serializers.JSONField(
        allow_null=True,
        help_text='{"choices": [ids]}, {"answers": [...]} or {"answer", '
        '"tolerance"}; null until the review policy releases it.',
    )


class AttemptResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField(help_text="open, submitted or expired")
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    pass_percent = serializers.IntegerField()
    attempts_left = serializers.IntegerField(
        allow_null=True, help_text="null: no limit"
    )
    answers_released = serializers.BooleanField()
    results = QuestionResultSerializer(many=True)


def _result_data(attempt: QuizAttempt, *, attempts_used: int | None = None) -> dict:
    review = attempt_review(attempt, attempts_used_now=attempts_used)
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "number": attempt.number,
        "status": attempt.status,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "pass_percent": attempt.pass_percent,
        "attempts_left": review.attempts_left,
        "answers_released": review.released,
        "results": [
            {
                "question": item.question,
                "response": item.response,
                "points": item.points,
                "correct": item.correct,
                "correct_answer": item.correct_answer,
            }
            for item in review.questions
        ],
    }


class QuizAttemptsView(APIView):
    """`POST quizzes/{id}/attempts/`: start (201) or resume (200) an attempt."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: OpenAttemptSerializer, 200: OpenAttemptSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Start an attempt, or get the open one back with its remaining time.
        Only the course's enrolled students; 403 once every attempt is used."""
        quiz = quiz_to_take(pk)
        if quiz is None:
            raise NotFound()
        # start_attempt refuses whoever may not take it (can_take_quiz) with
        # the same query that counts their attempts.
        attempt, created = start_attempt(student=request.user, quiz=quiz)
        return Response(
            _open_attempt_data(attempt),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _own_attempt(request: Request, pk: int, *, to_submit: bool = False) -> QuizAttempt:
    attempt = own_attempt(request.user, pk, to_submit=to_submit)
    if attempt is None:
        raise NotFound()
    return attempt


class AttemptView(APIView):
    """`GET attempts/{id}/`: an open attempt's questions, or a closed one's result."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                response=PolymorphicProxySerializer(
                    component_name="Attempt",
                    serializers=[OpenAttemptSerializer, AttemptResultSerializer],
                    resource_type_field_name=None,
                ),
                description="Open: its questions and the time left. Submitted "
                "or out of time: the result.",
            )
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        attempt = _own_attempt(request, pk)
        if attempt.status == QuizAttempt.Status.OPEN and not attempt.time_is_up(
            timezone.now()
        ):
            return Response(_open_attempt_data(attempt))
        return Response(_result_data(attempt))


class AnswerSerializer(serializers.Serializer):
    """One answer: `choices` (single, multiple), `text` (short) or `number`
    (numeric), as the question's kind wants."""

    question = serializers.IntegerField(min_value=1)
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=50
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=SHORT_ANSWER_LIMIT,
    )
    number = serializers.FloatField(required=False)


class SubmitSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True, max_length=500)


class AttemptSubmitView(APIView):
    """`POST attempts/{id}/submit/`: grade the attempt, once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SubmitSerializer,
        responses={
            200: AttemptResultSerializer,
            409: OpenApiResponse(description="Submitted already, or time is up."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Submit the answers; questions left out score nothing. 409 for a
        second submit or after the deadline (the attempt still counts)."""
        attempt = _own_attempt(request, pk, to_submit=True)
        # SubmitSerializer documents the shape; submit_attempt checks every
        # answer against the attempt's questions (and says which is wrong).
        if not isinstance(request.data, dict) or "answers" not in request.data:
            raise ValidationError({"answers": ["This field is required."]})
        answers = request.data["answers"]
        attempt = submit_attempt(student=request.user, attempt=attempt, answers=answers)
        # The attempt just submitted was the student's open one: their last.
        return Response(_result_data(attempt, attempts_used=attempt.number))


class CertificateSerializer(serializers.Serializer):
    code = serializers.CharField()
    student = serializers.CharField(source="student_name")
    course = serializers.CharField(source="course_title")
    instructor = serializers.CharField(source="instructor_name")
    completed_at = serializers.DateTimeField(source="issued_at")
    url = serializers.CharField(source="get_absolute_url")


class CertificateView(APIView):
    """`GET certificates/{code}/`: anyone may verify a certificate."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^[A-Za-z0-9-]{1,24}$",
                description="The verification code, e.g. 7F3K-9QPA-2M8X-WD4R.",
            )
        ],
        responses={200: CertificateSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        certificate = certificate_by_code(code)
        if certificate is None:
            raise Http404("No certificate has this code.")
        return Response(CertificateSerializer(certificate).data)
