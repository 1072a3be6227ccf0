"""Taking quizzes over GraphQL: starting (or resuming) an attempt,
submitting it once, reading it back; and verifying a certificate.

The learning services and permission functions REST's attempts call decide
(educa/api/quizzes.py), with the same messages: only the course's enrolled
students start attempts, an attempt is its student's alone, and what is
right is sent only once the quiz's review policy releases it
(`attempt_review`). Questions are shown through `grading.for_student`,
never whole.
"""

from datetime import datetime
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry.scalars import JSON

from educa.accounts.models import User
from educa.graphql.arguments import parse_id
from educa.graphql.context import Info
from educa.graphql.errors import bad_input, not_found
from educa.graphql.permissions import signed_in
from educa.learning.grading import for_student
from educa.learning.models import QuizAttempt
from educa.learning.selectors import (
    attempt_review,
    certificate_by_code,
    own_attempt,
    quiz_with_course,
)
from educa.learning.services import AttemptClosed, start_attempt, submit_attempt

Attempt = Annotated[
    "OpenAttempt | AttemptResult",
    strawberry.union(
        "Attempt", description="Open: its questions and the time left; else its result."
    ),
]


@strawberry.type
class ChoiceShown:
    id: strawberry.ID
    text: str


@strawberry.type
class QuestionShown:
    """A question as the student sees it: never what is right."""

    id: strawberry.ID
    kind: str = strawberry.field(description="single, multiple, short or numeric.")
    text: str
    points: int
    choices: list[ChoiceShown]

    @classmethod
    def of(cls, question: dict[str, Any]) -> "QuestionShown":
        shown = for_student(question)
        return cls(
            id=strawberry.ID(str(shown["id"])),
            kind=shown["kind"],
            text=shown["text"],
            points=shown["points"],
            choices=[
                ChoiceShown(id=strawberry.ID(str(choice["id"])), text=choice["text"])
                for choice in shown["choices"]
            ],
        )


@strawberry.type
class OpenAttempt:
    id: strawberry.ID
    quiz_id: strawberry.ID
    number: int = strawberry.field(description="1 for the first attempt.")
    status: str
    started_at: datetime
    deadline: datetime | None = strawberry.field(description="null: no limit.")
    seconds_left: int | None
    created: bool = strawberry.field(
        description="False: the open attempt was resumed, as it was."
    )
    questions: list[QuestionShown]

    @classmethod
    def of(cls, attempt: QuizAttempt, *, created: bool) -> "OpenAttempt":
        return cls(
            id=strawberry.ID(str(attempt.pk)),
            quiz_id=strawberry.ID(str(attempt.quiz_id)),
            number=attempt.number,
            status=attempt.status,
            started_at=attempt.started_at,
            deadline=attempt.deadline,
            seconds_left=attempt.seconds_left(timezone.now()),
            created=created,
            questions=[QuestionShown.of(question) for question in attempt.questions],
        )


@strawberry.type
class QuestionResult:
    question: QuestionShown
    response: JSON | None = strawberry.field(description="What I answered.")
    points: float | None = strawberry.field(description="null until released.")
    correct: bool | None = strawberry.field(description="null until released.")
    correct_answer: JSON | None = strawberry.field(
        description='{"choices": [ids]}, {"answers": [...]} or {"answer", '
        '"tolerance"}; null until the review policy releases it.'
    )


@strawberry.type
class AttemptResult:
    """A submitted attempt as REST's `attempts/{id}/submit/` gives it."""

    id: strawberry.ID
    quiz_id: strawberry.ID
    number: int
    status: str = strawberry.field(description="open, submitted or expired.")
    submitted_at: datetime | None
    score: float | None
    max_score: int
    percent: float | None
    passed: bool | None
    pass_percent: int
    attempts_left: int | None = strawberry.field(description="null: no limit.")
    answers_released: bool
    results: list[QuestionResult]

    @classmethod
    def of(
        cls, attempt: QuizAttempt, *, attempts_used: int | None = None
    ) -> "AttemptResult":
        review = attempt_review(attempt, attempts_used_now=attempts_used)
        return cls(
            id=strawberry.ID(str(attempt.pk)),
            quiz_id=strawberry.ID(str(attempt.quiz_id)),
            number=attempt.number,
            status=attempt.status,
            submitted_at=attempt.submitted_at,
            score=attempt.score,
            max_score=attempt.max_score,
            percent=attempt.percent,
            passed=attempt.passed,
            pass_percent=attempt.pass_percent,
            attempts_left=review.attempts_left,
            answers_released=review.released,
            results=[
                QuestionResult(
                    question=QuestionShown.of(item.question),
                    response=item.response,
                    points=item.points,
                    correct=item.correct,
                    correct_answer=item.correct_answer,
                )
                for item in review.questions
            ],
        )


@strawberry.input
class AnswerInput:
    """One answer: `choices` (single, multiple), `text` (short) or `number`
    (numeric), as the question's kind wants."""

    question: strawberry.ID
    choices: list[strawberry.ID] | None = None
    text: str | None = None
    number: float | None = None


def _answers(answers: list[AnswerInput]) -> list[dict[str, Any]]:
    """The answers as submit_attempt takes them (it checks each against the
    attempt's questions and says what is wrong)."""
    given = []
    for answer in answers:
        shaped: dict[str, Any] = {"question": parse_id(answer.question, "question")}
        if answer.choices is not None:
            shaped["choices"] = [parse_id(pk, "choices") for pk in answer.choices]
        if answer.text is not None:
            shaped["text"] = answer.text
        if answer.number is not None:
            shaped["number"] = answer.number
        given.append(shaped)
    return given


def _own_attempt(
    user: User, attempt_id: int, *, to_submit: bool = False
) -> QuizAttempt:
    attempt = own_attempt(user, attempt_id, to_submit=to_submit)
    if attempt is None:
        raise not_found("No such attempt.")
    return attempt


@strawberry.type(name="CertificateRecord")
class CertificateRecord:
    """What anyone may verify of a certificate."""

    code: str
    student: str
    course: str
    instructor: str
    completed_at: datetime
    url: str


@strawberry.type
class Query:
    @strawberry_django.field(
        description="One of my attempts: open, its questions and time left; "
        "submitted or out of time, its result."
    )
    def quiz_attempt(self, info: Info, id: strawberry.ID) -> Attempt:
        user = signed_in(info)
        attempt = _own_attempt(user, parse_id(id))
        if attempt.status == QuizAttempt.Status.OPEN and not attempt.time_is_up(
            timezone.now()
        ):
            return OpenAttempt.of(attempt, created=False)
        return AttemptResult.of(attempt)

    @strawberry_django.field(description="Anyone: the certificate with this code.")
    def certificate(self, info: Info, code: str) -> CertificateRecord | None:
        certificate = certificate_by_code(code[:100])
        if certificate is None:
            return None
        return CertificateRecord(
            code=certificate.code,
            student=certificate.student_name,
            course=certificate.course_title,
            instructor=certificate.instructor_name,
            completed_at=certificate.issued_at,
            url=certificate.get_absolute_url(),
        )


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="Start an attempt, or get the open one back with its time "
        "left. The course's enrolled students only, while attempts are left."
    )
    def start_quiz_attempt(self, info: Info, quiz_id: strawberry.ID) -> OpenAttempt:
        user = signed_in(info)
        quiz = quiz_with_course(parse_id(quiz_id, "quizId"))
        if quiz is None:
            raise not_found("No such quiz.")
        # start_attempt refuses whoever may not take it (can_take_quiz) with
        # the same query that counts their attempts.
        attempt, created = start_attempt(student=user, quiz=quiz)
        return OpenAttempt.of(attempt, created=created)

    @strawberry_django.mutation(
        description="Grade my attempt, once; questions left out score nothing. "
        "Refused (BAD_USER_INPUT) when submitted already or out of time: the "
        "attempt still counts."
    )
    def submit_quiz_attempt(
        self, info: Info, attempt_id: strawberry.ID, answers: list[AnswerInput]
    ) -> AttemptResult:
        user = signed_in(info)
        attempt = _own_attempt(user, parse_id(attempt_id, "attemptId"), to_submit=True)
        try:
            attempt = submit_attempt(
                student=user, attempt=attempt, answers=_answers(answers)
            )
        except AttemptClosed as closed:
            raise bad_input(str(closed)) from None
        # The attempt just submitted was the student's open one: their last.
        return AttemptResult.of(attempt, attempts_used=attempt.number)
