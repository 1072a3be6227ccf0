"""Authoring quizzes over GraphQL: a quiz is a content with settings and
questions, added and changed by the course's instructor with the services
REST's `{"type": "quiz"}` contents call (they check every question and say
what is wrong)."""

from enum import Enum
from typing import Any

import strawberry
import strawberry_django

from educa.courses.models import Content, Module, Question, Quiz
from educa.courses.permissions import can_edit_course
from educa.courses.selectors import content_with_item
from educa.courses.services import add_content, update_content
from educa.graphql.arguments import parse_id
from educa.graphql.context import Info
from educa.graphql.courses import content_of, get_or_not_found
from educa.graphql.errors import bad_input
from educa.graphql.learning import QuizContent
from educa.graphql.permissions import require, signed_in


@strawberry.enum
class QuestionKind(Enum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SHORT = "short"
    NUMERIC = "numeric"


@strawberry.enum
class QuizGrading(Enum):
    HIGHEST = "highest"
    LAST = "last"


@strawberry.enum
class QuizReview(Enum):
    AFTER_SUBMIT = "after_submit"
    AFTER_LAST_ATTEMPT = "after_last_attempt"
    NEVER = "never"


# The enums name every value of the models' choices, and only those.
assert {kind.value for kind in QuestionKind} == set(Question.Kind.values)  # noqa: S101
assert {each.value for each in QuizGrading} == set(Quiz.Grading.values)  # noqa: S101
assert {each.value for each in QuizReview} == set(Quiz.Review.values)  # noqa: S101


@strawberry.input
class ChoiceInput:
    text: str
    correct: bool = False


@strawberry.input
class QuestionInput:
    """`choices` (and `partialCredit` for multiple) for choice questions,
    `answers` (accepted texts) for short ones, `answer` and `tolerance` for
    numeric ones; the other fields are left out."""

    kind: QuestionKind
    text: str
    points: int = 1
    choices: list[ChoiceInput] | None = None
    partial_credit: bool | None = None
    answers: list[str] | None = None
    answer: float | None = None
    tolerance: float | None = None


@strawberry.input
class QuizInput:
    title: str | None = None
    pass_percent: int | None = None
    max_attempts: int | None = strawberry.field(default=None, description="0: any.")
    time_limit_seconds: int | None = strawberry.field(
        default=None, description="0: none."
    )
    shuffle_questions: bool | None = None
    shuffle_choices: bool | None = None
    grading: QuizGrading | None = None
    review: QuizReview | None = None
    questions: list[QuestionInput] | None = strawberry.field(
        default=None, description="Given on a change: they replace them all."
    )


def _question(question: QuestionInput) -> dict[str, Any]:
    """The question as quiz_services takes it: only the keys given."""
    spec: dict[str, Any] = {
        "kind": question.kind.value,
        "text": question.text,
        "points": question.points,
    }
    if question.choices is not None:
        spec["choices"] = [
            {"text": choice.text, "correct": choice.correct}
            for choice in question.choices
        ]
    optional = {
        "partial_credit": question.partial_credit,
        "answers": question.answers,
        "answer": question.answer,
        "tolerance": question.tolerance,
    }
    return spec | {key: value for key, value in optional.items() if value is not None}


def _quiz_fields(quiz: QuizInput) -> dict[str, Any]:
    fields = {
        "pass_percent": quiz.pass_percent,
        "max_attempts": quiz.max_attempts,
        "time_limit_seconds": quiz.time_limit_seconds,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_choices": quiz.shuffle_choices,
        "grading": quiz.grading and quiz.grading.value,
        "review": quiz.review and quiz.review.value,
        "questions": quiz.questions and [_question(each) for each in quiz.questions],
    }
    return {name: value for name, value in fields.items() if value is not None}


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="The course's instructor: append a quiz to the module."
    )
    def add_quiz(
        self, info: Info, module_id: strawberry.ID, input: QuizInput
    ) -> QuizContent:
        user = signed_in(info)
        module = get_or_not_found(Module, parse_id(module_id, "moduleId"), "course")
        if not input.title:
            raise bad_input("A quiz needs a title.", {"title": ["Required."]})
        content = add_content(
            module=module,
            by=user,
            kind="quiz",
            title=input.title,
            **_quiz_fields(input),
        )
        return content_of(content_with_item(content.pk), info.context.http_request)

    @strawberry_django.mutation(
        description="The course's instructor: change a quiz's title, settings "
        "or questions (attempts made keep the questions they froze)."
    )
    def update_quiz(
        self, info: Info, content_id: strawberry.ID, input: QuizInput
    ) -> QuizContent:
        user = signed_in(info)
        content = get_or_not_found(
            Content, parse_id(content_id, "contentId"), "module__course", "content_type"
        )
        require(
            can_edit_course(user, content.module.course),
            "Only the course's instructor may change it.",
        )
        if content.kind != "quiz":
            raise bad_input("This content is not a quiz: use updateContent.")
        fields = _quiz_fields(input)
        if input.title is not None:
            fields["title"] = input.title
        update_content(content=content, by=user, **fields)
        return content_of(content_with_item(content.pk), info.context.http_request)
