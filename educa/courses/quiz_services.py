"""Writes of quizzes' questions and choices: the quiz's part of course authoring.

A question arrives as a plain mapping, the shape of the REST API's
`questions` items (GraphQL and the pages build the same):
`{"kind": "single"|"multiple"|"short"|"numeric", "text", "points",
"choices": [{"text", "correct"}], "partial_credit"}` (choice kinds),
`"answers": [...]` (short), `"answer", "tolerance"` (numeric).
`clean_question` checks one and says clearly what is wrong.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from educa.accounts.models import User
from educa.courses.caching import invalidate_catalog
from educa.courses.models import Choice, Question, Quiz
from educa.courses.ordering import rewrite_order
from educa.courses.permissions import can_edit_course

MAX_QUESTIONS = 200
MAX_CHOICES = 20
MAX_ACCEPTED_ANSWERS = 20
MAX_POINTS = 1000
QUESTION_TEXT_LIMIT = 5000
CHOICE_TEXT_LIMIT = 500
ANSWER_TEXT_LIMIT = 200
# |answer| and tolerance beyond this are typing mistakes, not questions.
NUMBER_LIMIT = 1e15
TRUE_FALSE = ({"text": "True", "correct": True}, {"text": "False", "correct": False})

Kind = Question.Kind
_KIND_KEYS = {
    Kind.SINGLE: {"choices"},
    Kind.MULTIPLE: {"choices", "partial_credit"},
    Kind.SHORT: {"answers"},
    Kind.NUMERIC: {"answer", "tolerance"},
}
_COMMON_KEYS = {"kind", "text", "points"}
QUESTION_FIELDS = [
    *("kind", "text", "points"),
    *("partial_credit", "accepted_answers", "answer", "tolerance"),
]


def normalize_answer(text: str) -> str:
    """Short answers are compared in this form: case folded, runs of spaces as one."""
    return " ".join(text.split()).casefold()


def _text(value: Any, *, name: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The {name} must be text.")
    value = value.strip()
    if not value:
        raise ValidationError(f"The {name} is empty.")
    if len(value) > limit:
        raise ValidationError(f"The {name} is longer than {limit} characters.")
    if "\x00" in value:
        raise ValidationError(f"The {name} holds a NUL character.")
    return value


def _number(value: Any, *, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"The {name} must be a number.")
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise ValidationError(f"The {name} must be a finite number below 10^15.")
    return float(value)


def _choices(value: Any, kind: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not 2 <= len(value) <= MAX_CHOICES:
        raise ValidationError(
            f"A {kind} choice question needs 2 to {MAX_CHOICES} choices."
        )
    choices = []
    for choice in value:
        if not isinstance(choice, Mapping) or set(choice) - {"text", "correct"}:
            raise ValidationError(
                'Each choice is {"text": ..., "correct": true|false}.'
            )
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            raise ValidationError("A choice's `correct` must be true or false.")
        text = _text(choice.get("text"), name="choice text", limit=CHOICE_TEXT_LIMIT)
        choices.append({"text": text, "correct": correct})
    right = sum(choice["correct"] for choice in choices)
    if kind == Kind.SINGLE and right != 1:
        raise ValidationError(
            "A single choice question needs exactly one right choice."
        )
    if kind == Kind.MULTIPLE and right < 1:
        raise ValidationError("A multiple choice question needs a right choice.")
    return choices


def clean_question(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The question `spec` checked and normalised, ready for `Question` and
    its choices; a ValidationError saying what is wrong otherwise."""
    if not isinstance(spec, Mapping):
        raise ValidationError("A question is an object with a kind and a text.")
    kind = spec.get("kind")
    if kind not in Kind.values:
        raise ValidationError(
            f"A question's kind is one of {', '.join(Kind.values)}; got {kind!r}."
        )
    if unused := set(spec) - _COMMON_KEYS - _KIND_KEYS[kind]:
        raise ValidationError(
            f"{', '.join(sorted(map(str, unused)))}: not used by {kind} questions."
        )
    points = spec.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int):
        raise ValidationError("A question's points must be a whole number.")
    if not 1 <= points <= MAX_POINTS:
        raise ValidationError(f"A question is worth 1 to {MAX_POINTS} points.")
    question: dict[str, Any] = {
        "kind": kind,
        "text": _text(
            spec.get("text"), name="question text", limit=QUESTION_TEXT_LIMIT
        ),
        "points": points,
        "choices": [],
    }
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        question["choices"] = _choices(spec.get("choices"), kind)
        partial = spec.get("partial_credit", False)
        if not isinstance(partial, bool):
            raise ValidationError("`partial_credit` must be true or false.")
        question["partial_credit"] = partial
    elif kind == Kind.SHORT:
        answers = spec.get("answers")
        if not isinstance(answers, list | tuple) or not (
            1 <= len(answers) <= MAX_ACCEPTED_ANSWERS
        ):
            raise ValidationError(
                f"A short text question needs 1 to {MAX_ACCEPTED_ANSWERS} "
                "accepted answers."
            )
        question["accepted_answers"] = list(
            dict.fromkeys(
                _text(answer, name="accepted answer", limit=ANSWER_TEXT_LIMIT)
                for answer in answers
            )
        )
    else:
        if spec.get("answer") is None:
            raise ValidationError("A numeric question needs its answer.")
        question["answer"] = _number(spec["answer"], name="answer")
        question["tolerance"] = _number(spec.get("tolerance", 0), name="tolerance")
        if question["tolerance"] < 0:
            raise ValidationError("The tolerance cannot be negative.")
    return question


def clean_questions(specs: Any) -> list[dict[str, Any]]:
    if not isinstance(specs, list | tuple):
        raise ValidationError("`questions` is a list of questions.")
    if len(specs) > MAX_QUESTIONS:
        raise ValidationError(f"A quiz holds at most {MAX_QUESTIONS} questions.")
    cleaned = []
    for number, spec in enumerate(specs, start=1):
        try:
            cleaned.append(clean_question(spec))
        except ValidationError as error:
            raise ValidationError(
                {"questions": [f"Question {number}: {' '.join(error.messages)}"]}
            ) from error
    return cleaned


def _require_owner(user: User, quiz: Quiz) -> None:
    if not can_edit_course(user, quiz.course):
        raise PermissionDenied("Only the course's instructor may change it.")


def create_questions(quiz: Quiz, questions: Sequence[Mapping[str, Any]]) -> None:
    """Append cleaned `questions` to `quiz` (inside the caller's transaction,
    with the quiz locked or new): three queries however many."""
    start = quiz.questions.count()
    rows = [
        Question(
            quiz=quiz,
            order=start + index,
            **{key: value for key, value in question.items() if key != "choices"},
        )
        for index, question in enumerate(questions)
    ]
    Question.objects.bulk_create(rows)
    Choice.objects.bulk_create(
        Choice(question=row, order=index, **choice)
        for row, question in zip(rows, questions, strict=True)
        for index, choice in enumerate(question["choices"])
    )


def _lock(quiz: Quiz) -> None:
    Quiz.objects.select_for_update().filter(pk=quiz.pk).first()


@transaction.atomic
def replace_questions(
    *, quiz: Quiz, by: User, questions: Sequence[Mapping[str, Any]]
) -> Quiz:
    """Make `questions` the quiz's questions, in that order. Attempts already
    made keep the questions they froze, and their scores."""
    _require_owner(by, quiz)
    cleaned = clean_questions(questions)
    _lock(quiz)
    quiz.questions.all().delete()
    create_questions(quiz, cleaned)
    invalidate_catalog()
    return quiz


@transaction.atomic
def add_question(*, quiz: Quiz, by: User, **spec: Any) -> Question:
    """Append one question (a `clean_question` spec) to the quiz."""
    _require_owner(by, quiz)
    question = clean_question(spec)
    _lock(quiz)
    create_questions(quiz, [question])
    invalidate_catalog()
    return quiz.questions.order_by("-order").first()


@transaction.atomic
def update_question(*, question: Question, by: User, **spec: Any) -> Question:
    """Replace the question's text, points, kind and answers by `spec`; its
    choices are replaced too. Attempts already made are not changed."""
    quiz = question.quiz
    _require_owner(by, quiz)
    cleaned = clean_question(spec)
    choices = cleaned.pop("choices")
    for field in QUESTION_FIELDS[3:]:
        setattr(question, field, Question._meta.get_field(field).get_default())
    for field, value in cleaned.items():
        setattr(question, field, value)
    question.save(update_fields=QUESTION_FIELDS)
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(question=question, order=index, **choice)
        for index, choice in enumerate(choices)
    )
    invalidate_catalog()
    return question


@transaction.atomic
def delete_question(*, question: Question, by: User) -> None:
    _require_owner(by, question.quiz)
    question.delete()
    invalidate_catalog()


@transaction.atomic
def reorder_questions(*, quiz: Quiz, by: User, question_ids: Sequence[int]) -> None:
    """Put the quiz's questions in the order of `question_ids` (each exactly once)."""
    _require_owner(by, quiz)
    rewrite_order(quiz.questions.all(), question_ids)
    invalidate_catalog()
