"""The student's quiz pages: a quiz with their attempts, taking an attempt
(the server owns its deadline; a reload resumes it with the time left), and
its result, with the right answers only once the review policy allows.

An attempt is its student's alone: anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from educa.courses.models import Question, Quiz
from educa.courses.permissions import can_edit_course, can_view_contents
from educa.learning.grading import SHORT_ANSWER_LIMIT, for_student
from educa.learning.models import QuizAttempt
from educa.learning.permissions import can_take_quiz
from educa.learning.selectors import (
    attempt_review,
    attempts_of,
    content_of_quiz,
    own_attempt,
    quiz_for_taking,
)
from educa.learning.services import AttemptClosed, start_attempt, submit_attempt

Kind = Question.Kind


def _quiz(request: HttpRequest, quiz_id: int) -> Quiz:
    quiz = quiz_for_taking(quiz_id)
    if quiz is None:
        raise Http404("No such quiz.")
    if not can_view_contents(request.user, quiz.course):
        raise PermissionDenied("Enroll in the course to take its quizzes.")
    return quiz


@login_required
@never_cache
def quiz_detail(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's rules and the student's attempts, with Start or Resume."""
    quiz = _quiz(request, quiz_id)
    attempts = (
        attempts_of(request.user, quiz) if can_take_quiz(request.user, quiz) else []
    )
    now = timezone.now()
    current = next(
        (a for a in attempts if a.status == "open" and not a.time_is_up(now)), None
    )
    used = len(attempts)
    return render(
        request,
        "learning/quiz/detail.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "content": content_of_quiz(quiz),
            "attempts": attempts,
            "current": current,
            "now": now,
            "learner": can_take_quiz(request.user, quiz),
            "teacher": can_edit_course(request.user, quiz.course),
            "can_start": not quiz.max_attempts or used < quiz.max_attempts,
        },
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Start an attempt (or go back to the open one)."""
    quiz = _quiz(request, quiz_id)
    if not can_take_quiz(request.user, quiz):
        raise PermissionDenied("Only students enrolled in the course take quizzes.")
    try:
        attempt, _ = start_attempt(student=request.user, quiz=quiz)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("quiz_detail", quiz.pk)
    return redirect(attempt)


def _own_attempt(
    request: HttpRequest, attempt_id: int, *, to_submit: bool = False
) -> QuizAttempt:
    attempt = own_attempt(request.user, attempt_id, to_submit=to_submit)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _taking(
    request: HttpRequest,
    attempt: QuizAttempt,
    *,
    values: dict | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    questions = []
    for question in attempt.questions:
        shown = for_student(question)
        shown["field"] = f"q-{question['id']}"
        shown["entered"] = (values or {}).get(shown["field"], [])
        questions.append(shown)
    return render(
        request,
        "learning/quiz/take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "questions": questions,
            "seconds_left": attempt.seconds_left(timezone.now()),
            "values": values or {},
            "error": error,
        },
        status=status,
    )


@login_required
@never_cache
def quiz_attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """An open attempt's questions with the time left; a closed one's result."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == QuizAttempt.Status.OPEN and not attempt.time_is_up(
        timezone.now()
    ):
        return _taking(request, attempt)
    return render(
        request,
        "learning/quiz/result.html",
        {
            "review": attempt_review(attempt),
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "content": content_of_quiz(attempt.quiz),
        },
    )


def _entered(questions: list[dict], data: QueryDict) -> dict[str, list[str]]:
    """What the form holds for each question, as sent."""
    return {f"q-{q['id']}": data.getlist(f"q-{q['id']}") for q in questions}


def _answers_from_form(
    questions: list[dict], entered: dict[str, list[str]]
) -> list[dict]:
    """The form's answers in the API's shape; blank questions are left out.
    A number that does not parse is a ValidationError."""
    answers = []
    for question in questions:
        raw = entered[f"q-{question['id']}"]
        if not any(value.strip() for value in raw):
            continue
        kind = question["kind"]
        if kind in (Kind.SINGLE, Kind.MULTIPLE):
            if not all(value.isdecimal() for value in raw):
                raise ValidationError("Choose among the choices shown.")
            answer = {"choices": [int(value) for value in raw]}
        elif kind == Kind.SHORT:
            answer = {"text": raw[0][: SHORT_ANSWER_LIMIT + 1]}
        else:
            try:
                answer = {"number": float(raw[0].replace(",", "."))}
            except ValueError as error:
                raise ValidationError(
                    f"“{raw[0][:40]}” is not a number: enter digits, e.g. 1.5."
                ) from error
        answers.append({"question": question["id"], **answer})
    return answers


@login_required
@require_POST
def quiz_attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Grade the form's answers once; a bad answer shows the form again with
    what was entered, and nothing is stored."""
    attempt = _own_attempt(request, attempt_id, to_submit=True)
    if attempt.status != QuizAttempt.Status.OPEN:
        messages.error(request, "This attempt is closed.")
        return redirect(attempt)
    entered = _entered(attempt.questions, request.POST)
    try:
        answers = _answers_from_form(attempt.questions, entered)
        submit_attempt(student=request.user, attempt=attempt, answers=answers)
    except ValidationError as error:
        return _taking(
            request,
            attempt,
            values=entered,
            error=" ".join(error.messages),
            status=400,
        )
    except AttemptClosed as closed:
        messages.error(request, str(closed))
    return redirect(attempt)
