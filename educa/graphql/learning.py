"""Learning outcomes over GraphQL: progress, contents done, and quizzes
among a course's contents (taking them: attempts.py; writing them:
quizzes.py).

Every resolver calls what REST calls (educa/api/quizzes.py): the learning
services refuse whoever may not make the change, with the messages REST
gives, and the selectors read. A quiz's settings are shared by everyone who
sees the course's contents and are cached with them (courses.py); the
viewer's own attempts and best score never are: they are asked per request,
for every quiz of the answer in two queries.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.http import HttpRequest
from strawberry.dataloader import DataLoader

from educa.accounts.models import User
from educa.courses.models import Content, Course, Quiz
from educa.graphql.arguments import parse_id
from educa.graphql.context import Info
from educa.graphql.courses import CONTENT_TYPES, ContentType, get_or_not_found
from educa.graphql.errors import forbidden
from educa.graphql.permissions import signed_in
from educa.learning.models import Certificate
from educa.learning.permissions import can_record_progress
from educa.learning.selectors import QuizStanding, course_progress, quiz_standings
from educa.learning.services import complete_content, uncomplete_content

ONLY_ENROLLED = "Only enrolled students have progress."
# The fields of a quiz that differ per viewer: an answer asking any of them
# is never kept whole in the shared cache (answers.py).
PER_VIEWER_FIELDS = frozenset({"attemptsUsed", "bestPercent"})


# Progress -------------------------------------------------------------------


@strawberry.type
class NextContent:
    id: strawberry.ID
    module_id: strawberry.ID
    url: str = strawberry.field(description="The content on its module's page.")


@strawberry.type(name="Certificate")
class CertificateType:
    code: str
    url: str = strawberry.field(description="The public page that confirms it.")
    pdf: str = strawberry.field(description="The certificate as a PDF.")

    @classmethod
    def of(cls, certificate: Certificate) -> "CertificateType":
        page = certificate.get_absolute_url()
        return cls(code=certificate.code, url=page, pdf=f"{page}pdf/")


@strawberry.type(name="CourseProgress")
class CourseProgressType:
    """The student's progress in a course (REST's `courses/{id}/progress/`)."""

    completed: int = strawberry.field(description="Contents done.")
    total: int
    percent: int = strawberry.field(description="Rounded down: 100 when all done.")
    next_content: NextContent | None = strawberry.field(
        description="The first content not done; null when all are."
    )
    completed_at: datetime | None = strawberry.field(
        description="When the course was completed (its certificate issued)."
    )
    certificate: CertificateType | None

    @classmethod
    def of(cls, student: User, course: Course) -> "CourseProgressType":
        progress = course_progress(student, course)
        step = progress.next_content
        return cls(
            completed=progress.completed,
            total=progress.total,
            percent=progress.percent,
            next_content=step
            and NextContent(
                id=strawberry.ID(str(step.id)),
                module_id=strawberry.ID(str(step.module_id)),
                url=step.get_absolute_url(),
            ),
            completed_at=progress.completed_at,
            certificate=progress.certificate
            and CertificateType.of(progress.certificate),
        )


@strawberry.type
class Completion:
    completed: bool
    progress: CourseProgressType


# Quizzes among the contents -----------------------------------------------


def _standings_loader(info: Info) -> DataLoader[tuple[int, int], QuizStanding | None]:
    """(quiz id, course id) -> the viewer's standing on the quiz; None when
    no student's record applies (not enrolled: the instructor). One
    enrollment check per course and one query for every quiz."""
    loaders = info.context.loaders
    if "learning.standings" not in loaders:
        user = info.context.user

        def standings(keys: Sequence[tuple[int, int]]) -> list[QuizStanding | None]:
            courses = {course_id for _, course_id in keys}
            enrolled = {
                pk for pk in courses if can_record_progress(user, Course(pk=pk))
            }
            found = quiz_standings(
                user, [quiz for quiz, course in keys if course in enrolled]
            )
            none_yet = QuizStanding(0, None, False)
            return [
                found.get(quiz, none_yet) if course in enrolled else None
                for quiz, course in keys
            ]

        async def load(keys: Sequence[tuple[int, int]]) -> list[Any]:
            return await sync_to_async(standings)(list(keys))

        loaders["learning.standings"] = DataLoader(load_fn=load)
    return loaders["learning.standings"]


@strawberry.type(name="QuizSettings")
class QuizSettingsType:
    """A quiz's settings and size, never its answers."""

    id: strawberry.ID
    pass_percent: int
    max_attempts: int = strawberry.field(description="0: unlimited.")
    time_limit_seconds: int = strawberry.field(description="0: none.")
    shuffle_questions: bool
    shuffle_choices: bool
    grading: str = strawberry.field(description="highest or last.")
    review: str = strawberry.field(
        description="When the right answers are shown: after_submit, "
        "after_last_attempt or never."
    )
    questions_count: int
    course_id: strawberry.Private[int]

    @strawberry.field(
        description="My attempts at it, open and expired too (null unless I "
        "am one of the course's students)."
    )
    async def attempts_used(self, info: Info) -> int | None:
        standing = await _standings_loader(info).load((int(self.id), self.course_id))
        return None if standing is None else standing.attempts_used

    @strawberry.field(
        description="My best submitted score in % (null without one, or "
        "unless I am one of the course's students)."
    )
    async def best_percent(self, info: Info) -> float | None:
        standing = await _standings_loader(info).load((int(self.id), self.course_id))
        return None if standing is None else standing.best_percent


@strawberry.type
class QuizContent(ContentType):
    quiz_data: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def quiz(self) -> QuizSettingsType:
        return QuizSettingsType(**self.quiz_data)


def _quiz_fields(quiz: Quiz, _: HttpRequest | None) -> dict[str, Any]:
    """What every viewer sees of a quiz (cached with the contents)."""
    return {
        "quiz_data": {
            "id": str(quiz.pk),
            "pass_percent": quiz.pass_percent,
            "max_attempts": quiz.max_attempts,
            "time_limit_seconds": quiz.time_limit_seconds,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "grading": quiz.grading,
            "review": quiz.review,
            "questions_count": quiz.questions_count,
            "course_id": quiz.course_id,
        }
    }


CONTENT_TYPES["quiz"] = (QuizContent, _quiz_fields)


@strawberry.type
class Query:
    @strawberry_django.field(
        description="My progress in a course (its enrolled students only)."
    )
    def course_progress(
        self, info: Info, course_id: strawberry.ID
    ) -> CourseProgressType:
        user = signed_in(info)
        course = get_or_not_found(Course, parse_id(course_id, "courseId"))
        if not can_record_progress(user, course):
            raise forbidden(ONLY_ENROLLED)
        return CourseProgressType.of(user, course)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="Mark a content done (again is fine); a quiz is done when passed."
    )
    def complete_content(self, info: Info, content_id: strawberry.ID) -> Completion:
        user = signed_in(info)
        content = get_or_not_found(
            Content, parse_id(content_id, "contentId"), "module__course__owner"
        )
        complete_content(student=user, content=content)
        return Completion(
            completed=True,
            progress=CourseProgressType.of(user, content.module.course),
        )

    @strawberry_django.mutation(description="Mark a content not done again.")
    def uncomplete_content(self, info: Info, content_id: strawberry.ID) -> Completion:
        user = signed_in(info)
        content = get_or_not_found(
            Content, parse_id(content_id, "contentId"), "module__course__owner"
        )
        uncomplete_content(student=user, content=content)
        return Completion(
            completed=False,
            progress=CourseProgressType.of(user, content.module.course),
        )


EXTRA_TYPES = [QuizContent]
