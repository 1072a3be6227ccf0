"""The instructor's gradebook over GraphQL, as REST's
`courses/{id}/gradebook/`: every student's progress, last activity and
counted quiz scores, and each question's share of right answers. The
course's instructor only (`can_view_gradebook`); six queries however many
students and attempts (`course_gradebook`)."""

from datetime import datetime

import strawberry
import strawberry_django

from educa.courses.models import Course
from educa.graphql.arguments import parse_id
from educa.graphql.context import Info
from educa.graphql.courses import get_or_not_found
from educa.graphql.permissions import require, signed_in
from educa.learning.permissions import can_view_gradebook
from educa.learning.selectors import (
    Gradebook,
    GradebookQuiz,
    GradebookRow,
    QuestionStat,
    course_gradebook,
)


@strawberry.type
class QuestionStats:
    id: strawberry.ID
    number: int
    text: str
    kind: str
    points: int
    answered: int = strawberry.field(description="Submitted answers to it.")
    correct: int = strawberry.field(description="Of which fully right.")
    percent_correct: float | None

    @classmethod
    def of(cls, stat: QuestionStat) -> "QuestionStats":
        return cls(
            id=strawberry.ID(str(stat.question_id)),
            number=stat.number,
            text=stat.text,
            kind=stat.kind,
            points=stat.points,
            answered=stat.answered,
            correct=stat.correct,
            percent_correct=stat.percent_correct,
        )


@strawberry.type
class GradebookQuizType:
    id: strawberry.ID
    title: str
    pass_percent: int
    grading: str
    questions: list[QuestionStats]

    @classmethod
    def of(cls, entry: GradebookQuiz) -> "GradebookQuizType":
        return cls(
            id=strawberry.ID(str(entry.quiz.pk)),
            title=entry.quiz.title,
            pass_percent=entry.quiz.pass_percent,
            grading=entry.quiz.grading,
            questions=[QuestionStats.of(stat) for stat in entry.questions],
        )


@strawberry.type
class QuizScore:
    quiz_id: strawberry.ID
    percent: float | None = strawberry.field(description="The counted score.")


@strawberry.type
class GradebookStudent:
    id: strawberry.ID
    username: str
    name: str
    progress_percent: int
    completed: int
    completed_at: datetime | None
    last_activity: datetime
    scores: list[QuizScore]

    @classmethod
    def of(cls, row: GradebookRow, quiz_ids: list[int]) -> "GradebookStudent":
        return cls(
            id=strawberry.ID(str(row.student.pk)),
            username=row.student.username,
            name=row.student.name,
            progress_percent=row.percent,
            completed=row.completed,
            completed_at=row.completed_at,
            last_activity=row.last_activity,
            scores=[
                QuizScore(quiz_id=strawberry.ID(str(quiz_id)), percent=score)
                for quiz_id, score in zip(quiz_ids, row.scores, strict=True)
            ],
        )


@strawberry.type(name="Gradebook")
class GradebookType:
    course_id: strawberry.ID
    title: str
    total_contents: int
    quizzes: list[GradebookQuizType]
    students: list[GradebookStudent]

    @classmethod
    def of(cls, gradebook: Gradebook) -> "GradebookType":
        quiz_ids = [entry.quiz.pk for entry in gradebook.quizzes]
        return cls(
            course_id=strawberry.ID(str(gradebook.course.pk)),
            title=gradebook.course.title,
            total_contents=gradebook.total_contents,
            quizzes=[GradebookQuizType.of(entry) for entry in gradebook.quizzes],
            students=[GradebookStudent.of(row, quiz_ids) for row in gradebook.rows],
        )


@strawberry.type
class Query:
    @strawberry_django.field(description="The course's instructor only.")
    def course_gradebook(self, info: Info, course_id: strawberry.ID) -> GradebookType:
        user = signed_in(info)
        course = get_or_not_found(Course, parse_id(course_id, "courseId"), "owner")
        require(
            can_view_gradebook(user, course),
            "Only the course's instructor sees its gradebook.",
        )
        return GradebookType.of(course_gradebook(course))
