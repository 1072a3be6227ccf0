"""Instructor pages of a quiz: its settings with its questions, and adding,
editing, deleting and reordering questions. Same refusals as the other
authoring pages (students 403, other instructors 404)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from educa.courses import quiz_services
from educa.courses.models import Choice, Content, Question, Quiz
from educa.courses.permissions import can_author_courses, can_edit_course
from educa.courses.quiz_forms import QuestionForm, question_initial, true_false_initial

# "truefalse" is a single choice question preset with True and False.
QUESTION_KINDS = {
    "single": Question.Kind.SINGLE,
    "truefalse": Question.Kind.SINGLE,
    "multiple": Question.Kind.MULTIPLE,
    "short": Question.Kind.SHORT,
    "numeric": Question.Kind.NUMERIC,
}


def _author(request: HttpRequest) -> None:
    if not can_author_courses(request.user):
        raise PermissionDenied("Only instructors may author courses.")


def _owned_quiz_content(request: HttpRequest, content_id: int) -> Content:
    _author(request)
    content = get_object_or_404(
        Content.objects.select_related("module__course", "content_type"),
        pk=content_id,
    )
    if content.kind != "quiz" or not can_edit_course(
        request.user, content.module.course
    ):
        raise Http404("No such quiz.")
    return content


def _owned_question(request: HttpRequest, question_id: int) -> Question:
    _author(request)
    question = get_object_or_404(
        Question.objects.select_related("quiz__course"), pk=question_id
    )
    if not can_edit_course(request.user, question.quiz.course):
        raise Http404("No such question.")
    return question


def quiz_editor(
    request: HttpRequest, content: Content, form: ModelForm
) -> HttpResponse:
    """The quiz's settings form and its questions (with what is right: the
    instructor wrote it)."""
    quiz = Quiz.objects.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.order_by("order").prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("order"))
            ),
        )
    ).get(pk=content.object_id)
    return render(
        request,
        "courses/manage/quiz/edit.html",
        {
            "form": form,
            "content": content,
            "quiz": quiz,
            "module": content.module,
            "course": content.module.course,
            "question_kinds": [
                ("single", "Single choice"),
                ("truefalse", "True / false"),
                ("multiple", "Multiple choice"),
                ("short", "Short text"),
                ("numeric", "Numeric"),
            ],
        },
    )


def _question_page(
    request: HttpRequest, form: QuestionForm, content: Content, **extra
) -> HttpResponse:
    return render(
        request,
        "courses/manage/quiz/question_form.html",
        {
            "form": form,
            "content": content,
            "module": content.module,
            "course": content.module.course,
            **extra,
        },
    )


@login_required
def question_create(request: HttpRequest, content_id: int, kind: str) -> HttpResponse:
    content = _owned_quiz_content(request, content_id)
    if kind not in QUESTION_KINDS:
        raise Http404("No such kind of question.")
    initial = true_false_initial() if kind == "truefalse" else None
    form = QuestionForm(QUESTION_KINDS[kind], request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quiz_services.add_question(
                quiz=content.item, by=request.user, **form.spec()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Question added.")
            return redirect("module_content_update", content.pk)
    return _question_page(request, form, content, kind=kind)


@login_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _owned_question(request, question_id)
    content = _quiz_content(question)
    form = QuestionForm(
        question.kind, request.POST or None, initial=question_initial(question)
    )
    if request.method == "POST" and form.is_valid():
        try:
            quiz_services.update_question(
                question=question, by=request.user, **form.spec()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Question saved.")
            return redirect("module_content_update", content.pk)
    return _question_page(request, form, content, question=question)


def _quiz_content(question: Question) -> Content:
    return Content.objects.select_related("module__course", "content_type").get(
        content_type__app_label="courses",
        content_type__model="quiz",
        object_id=question.quiz_id,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _owned_question(request, question_id)
    content = _quiz_content(question)
    quiz_services.delete_question(question=question, by=request.user)
    messages.success(request, "Question deleted.")
    return redirect("module_content_update", content.pk)


@login_required
@require_POST
def question_order(request: HttpRequest, content_id: int) -> JsonResponse:
    """`{"question_ids": [...]}`: the quiz's questions in their new order."""
    content = _owned_quiz_content(request, content_id)
    try:
        ids = json.loads(request.body).get("question_ids")
    except (ValueError, AttributeError, RecursionError):
        ids = None
    if not isinstance(ids, list) or not all(type(pk) is int for pk in ids):
        return JsonResponse(
            {"detail": "Send a JSON object with 'question_ids': a list of ids."},
            status=400,
        )
    try:
        quiz_services.reorder_questions(
            quiz=content.item, by=request.user, question_ids=ids
        )
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    return JsonResponse({"saved": True})
