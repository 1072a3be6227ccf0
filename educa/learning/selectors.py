"""Reads of learning outcomes, each in a fixed number of queries however
many students, contents and attempts there are.

Progress is always counted from rows (contents done against the course's
current contents), never kept as a number: it cannot pass 100 %, a new
content lowers it and a deleted one stops counting.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from educa.accounts.models import User
from educa.courses.caching import cached
from educa.courses.models import Choice, Content, Course, Enrollment, Question, Quiz
from educa.courses.selectors import enrolled_courses
from educa.learning.grading import correct_answer, for_student, question_bank
from educa.learning.models import Certificate, ContentCompletion, QuizAttempt
from educa.learning.permissions import answers_released, can_view_attempt
from educa.ops.queries import count_rows, instance_with_pk

CERTIFICATE_CODE = re.compile(r"[A-Z0-9-]{1,24}")


def percent_of(done: int, total: int) -> int:
    """Whole percent, rounded down: 100 only when everything is done."""
    return 0 if total == 0 else done * 100 // total


@dataclass(frozen=True)
class ContentStep:
    """Where a content sits: enough to link to it on its module's page."""

    id: int
    module_id: int
    course_id: int

    def get_absolute_url(self) -> str:
        """The content on its module's page."""
        page = reverse("student_course_module", args=[self.course_id, self.module_id])
        return f"{page}#content-{self.id}"


@dataclass(frozen=True)
class CourseProgress:
    """A student's progress in one course."""

    completed: int
    total: int
    done_ids: frozenset[int]
    # (done, total) per module id.
    modules: dict[int, tuple[int, int]]
    # The first content not done, in course order; None when all are done.
    next_content: ContentStep | None
    last_content: ContentStep | None
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        return percent_of(self.completed, self.total)

    @property
    def completed_at(self) -> datetime | None:
        """When the course was completed (its certificate issued), if it was."""
        return self.certificate.issued_at if self.certificate else None


def course_progress(student: User | AnonymousUser, course: Course) -> CourseProgress:
    """`student`'s progress in `course`: two queries (the course's contents
    with a done flag each, in course order; the certificate). Anyone who is
    not enrolled simply has nothing done."""
    student_id = student.pk if student.is_authenticated else None
    rows = list(
        Content.objects.filter(module__course=course)
        .order_by("module__order", "order")
        .annotate(
            done=Exists(
                ContentCompletion.objects.filter(
                    student_id=student_id, content=OuterRef("pk")
                )
            )
        )
        .values_list("pk", "module_id", "done")
    )
    modules: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _, module_id, done in rows:
        modules[module_id][0] += done
        modules[module_id][1] += 1
    pending = next((row for row in rows if not row[2]), None)
    certificate = (
        Certificate.objects.filter(student_id=student_id, course=course).first()
        if student_id
        else None
    )
    return CourseProgress(
        completed=sum(done for _, _, done in rows),
        total=len(rows),
        done_ids=frozenset(pk for pk, _, done in rows if done),
        modules={pk: (done, total) for pk, (done, total) in modules.items()},
        next_content=ContentStep(*pending[:2], course.pk) if pending else None,
        last_content=ContentStep(*rows[-1][:2], course.pk) if rows else None,
        certificate=certificate,
    )


def progress_counts(student: User, course_id: int) -> tuple[int, int]:
    """(contents done, contents in course `course_id`): the student's rows
    of the course counted by one fixed statement (educa/ops/queries.py; a
    content never moves to another course, and its rows go with it when it
    is deleted), the course's contents from the shared cache."""
    done = count_rows(ContentCompletion, student=student.pk, course=course_id)
    return done, contents_in_course(course_id)


def contents_in_course(course_id: int) -> int:
    """How many contents course `course_id` has, from the shared cache:
    every content added or deleted bumps the catalog generation in its
    transaction (courses.services)."""
    return cached(
        f"course:{course_id}:contents-count",
        lambda: Content.objects.filter(module__course_id=course_id).count(),
    )


def _count_of(queryset: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT of `queryset` rows grouped by `group`."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def courses_with_progress(student: User) -> QuerySet[Course]:
    """The student's courses (newest enrollment first) with `contents_total`
    and `contents_done`: one query."""
    return enrolled_courses(student).annotate(
        contents_total=_count_of(
            Content.objects.filter(module__course=OuterRef("pk")), "module__course"
        ),
        contents_done=_count_of(
            ContentCompletion.objects.filter(
                course=OuterRef("pk"), student_id=student.pk
            ),
            "course",
        ),
    )


@dataclass(frozen=True)
class QuizStanding:
    """A student's record on one quiz."""

    attempts_used: int
    best_percent: float | None
    passed: bool


def quiz_standings(student: User, quiz_ids: Iterable[int]) -> dict[int, QuizStanding]:
    """Each quiz's attempts used (all of them, open and expired too) and best
    submitted score for `student`: one query for any number of quizzes."""
    rows = (
        QuizAttempt.objects.filter(student=student, quiz_id__in=list(quiz_ids))
        .order_by()
        .values("quiz_id")
        .annotate(
            used=Count("pk"),
            best=Max("percent"),
            passed=Count("pk", filter=Q(passed=True)),
        )
    )
    return {
        row["quiz_id"]: QuizStanding(row["used"], row["best"], row["passed"] > 0)
        for row in rows
    }


def quiz_to_take(quiz_id: int) -> Quiz | None:
    """The quiz (its settings, not its course) with its `question_bank`,
    the questions in order as `grading.question_bank` freezes them, and
    `content_id`, the content showing it: what a start and a submission
    need, from the shared cache, or None. Every edit of a quiz, its
    questions or its module's contents bumps the catalog generation in its
    transaction (courses.services, quiz_services), so a copy is used only
    while none happened: at worst an attempt starting as an edit commits
    gets the quiz of a moment before, which it then keeps."""
    return cached(f"quiz:{quiz_id}:to-take", lambda: _quiz_with_bank(quiz_id))


def _quiz_with_bank(quiz_id: int) -> Quiz | None:
    quiz = (
        Quiz.objects.annotate(
            content_id=Subquery(_contents_showing(quiz_id).values("pk")[:1])
        )
        .filter(pk=quiz_id)
        .first()
    )
    if quiz is not None:
        quiz.question_bank = question_bank(
            Question.objects.filter(quiz=quiz)
            .order_by("order")
            .prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("order"))
            )
        )
    return quiz


def quiz_question_bank(quiz: Quiz) -> list[dict[str, Any]]:
    """The quiz's questions as `quiz_to_take` gives them: carried by a quiz
    it returned, else read through it."""
    if hasattr(quiz, "question_bank"):
        return quiz.question_bank
    current = quiz_to_take(quiz.pk)
    return current.question_bank if current is not None else []


def quiz_content_id(quiz: Quiz) -> int | None:
    """The id of the content showing `quiz` (which its pass marks done):
    carried by a quiz `quiz_to_take` gave, else read through it."""
    current = quiz if hasattr(quiz, "content_id") else quiz_to_take(quiz.pk)
    return current.content_id if current is not None else None


def quiz_with_course(quiz_id: int) -> Quiz | None:
    """The quiz with its course, or None."""
    return Quiz.objects.select_related("course").filter(pk=quiz_id).first()


def quiz_for_taking(quiz_id: int) -> Quiz | None:
    """The quiz with its course (and instructor) and `questions_count`, or None."""
    return (
        Quiz.objects.select_related("course__owner")
        .annotate(questions_count=Count("questions"))
        .filter(pk=quiz_id)
        .first()
    )


def content_of_quiz(quiz: Quiz) -> Content | None:
    """The module slot the quiz sits in."""
    return _contents_showing(quiz.pk).first()


def _contents_showing(quiz_id: int) -> QuerySet[Content]:
    """The content showing quiz `quiz_id`: a quiz is created with its
    content and shown by no other."""
    return Content.objects.filter(
        content_type__app_label="courses",
        content_type__model="quiz",
        object_id=quiz_id,
    ).order_by("pk")


def enrolled_attempts(student: User, quiz: Quiz) -> list[QuizAttempt] | None:
    """The student's attempts at the quiz (number, status and deadline
    only), or None when the student is not enrolled in its course: one
    query, the enrollment joined to the attempts."""
    rows = list(
        Enrollment.objects.filter(student_id=student.pk, course_id=quiz.course_id)
        .annotate(
            attempt=FilteredRelation(
                "student__quiz_attempts",
                condition=Q(student__quiz_attempts__quiz_id=quiz.pk),
            )
        )
        .order_by()
        .values_list(
            "attempt__pk", "attempt__number", "attempt__status", "attempt__deadline"
        )
    )
    if not rows:
        return None
    return [
        QuizAttempt(pk=pk, number=number, status=status, deadline=deadline)
        for pk, number, status, deadline in rows
        if pk is not None
    ]


def attempts_of(student: User, quiz: Quiz) -> list[QuizAttempt]:
    """The student's attempts at the quiz, first to last (without the frozen
    questions and answers, which only the attempt's own page needs)."""
    return list(
        QuizAttempt.objects.filter(student=student, quiz=quiz)
        .defer("questions", "answers")
        .order_by("number")
    )


def open_attempt(student: User, quiz: Quiz) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(
        student=student, quiz=quiz, status=QuizAttempt.Status.OPEN
    ).first()


def attempt_with_quiz(attempt_id: int) -> QuizAttempt | None:
    return (
        QuizAttempt.objects.select_related("quiz__course").filter(pk=attempt_id).first()
    )


def own_attempt(
    user: User | AnonymousUser, attempt_id: int, *, to_submit: bool = False
) -> QuizAttempt | None:
    """The user's own attempt `attempt_id` (`can_view_attempt`), as
    `attempt_with_quiz` reads it, or as `attempt_to_submit` does for a
    submission; else None."""
    attempt = (attempt_to_submit if to_submit else attempt_with_quiz)(attempt_id)
    return attempt if attempt and can_view_attempt(user, attempt) else None


def attempt_to_submit(attempt_id: int) -> QuizAttempt | None:
    """The attempt with its quiz as `quiz_to_take` gives it (its current
    review policy, the content showing it), or None: what a submission
    needs, in one fixed statement (educa/ops/queries.py) and one cache read.
    Its course is not loaded."""
    attempt = instance_with_pk(QuizAttempt, attempt_id)
    quiz = quiz_to_take(attempt.quiz_id) if attempt is not None else None
    if quiz is None:
        return None
    attempt.quiz = quiz
    return attempt


def attempt_answers(attempt: QuizAttempt) -> dict[int, dict[str, Any]]:
    """The submitted attempt's graded answers by question id (none before)."""
    return {answer["question"]: answer for answer in attempt.answers or ()}


def attempts_used(attempt: QuizAttempt) -> int:
    """How many attempts the attempt's student has made at its quiz."""
    return QuizAttempt.objects.filter(
        student_id=attempt.student_id, quiz_id=attempt.quiz_id
    ).count()


@dataclass(frozen=True)
class QuestionReview:
    """One question of an attempt as its student may see it now. What is
    right (`points`, `correct`, `correct_answer`) is None until the quiz's
    review policy releases it."""

    question: dict[str, Any]
    response: dict[str, Any] | None
    points: float | None = None
    correct: bool | None = None
    correct_answer: dict[str, Any] | None = None


@dataclass(frozen=True)
class AttemptReview:
    attempt: QuizAttempt
    attempts_used: int
    released: bool
    questions: list[QuestionReview]

    @property
    def attempts_left(self) -> int | None:
        """None when unlimited."""
        limit = self.attempt.quiz.max_attempts
        return max(0, limit - self.attempts_used) if limit else None


def attempt_review(
    attempt: QuizAttempt, *, attempts_used_now: int | None = None
) -> AttemptReview:
    """The attempt (its quiz loaded) with each question as its student may
    see it: the questions as shown, their own answers, and what is right only
    once released (`answers_released`). One query, none when the caller
    knows how many attempts the student has made (right after submitting:
    the attempt's number, the open attempt being always the last)."""
    used = attempts_used(attempt) if attempts_used_now is None else attempts_used_now
    released = answers_released(attempt, attempts_used=used)
    answers = attempt_answers(attempt)
    reviews = []
    for question in attempt.questions:
        answer = answers.get(question["id"])
        response = answer["response"] if answer else None
        if released:
            reviews.append(
                QuestionReview(
                    question=for_student(question),
                    response=response,
                    points=answer["points"] if answer else 0.0,
                    correct=answer["correct"] if answer else False,
                    correct_answer=correct_answer(question),
                )
            )
        else:
            reviews.append(QuestionReview(for_student(question), response))
    return AttemptReview(attempt, used, released, reviews)


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (any case), or None."""
    code = code.strip().upper()
    if not CERTIFICATE_CODE.fullmatch(code):
        return None
    return Certificate.objects.filter(code=code).first()


# The student's profile ---------------------------------------------------


@dataclass(frozen=True)
class QuizResult:
    quiz_id: int
    quiz_title: str
    course_id: int
    course_title: str
    pass_percent: int
    attempts: int
    best_percent: float | None
    passed: bool


@dataclass(frozen=True)
class LearningProfile:
    courses: list[Course]  # with contents_total, contents_done, percent
    certificates: list[Certificate]
    quiz_results: list[QuizResult]

    @property
    def in_progress(self) -> list[Course]:
        done = {c.course_id for c in self.certificates}
        return [course for course in self.courses if course.pk not in done]


def learning_profile(student: User) -> LearningProfile:
    """The student's courses with their progress, certificates and best
    score per quiz: three queries."""
    courses = list(courses_with_progress(student))
    for course in courses:
        course.percent = percent_of(course.contents_done, course.contents_total)
    certificates = list(Certificate.objects.filter(student=student))
    results = (
        QuizAttempt.objects.filter(student=student)
        .order_by()
        .values(
            "quiz_id",
            "quiz__title",
            "quiz__course_id",
            "quiz__course__title",
            "quiz__pass_percent",
        )
        .annotate(
            attempts=Count("pk"),
            best=Max("percent"),
            passed_count=Count("pk", filter=Q(passed=True)),
        )
        .order_by("quiz__course__title", "quiz__title")
    )
    return LearningProfile(
        courses=courses,
        certificates=certificates,
        quiz_results=[
            QuizResult(
                quiz_id=row["quiz_id"],
                quiz_title=row["quiz__title"],
                course_id=row["quiz__course_id"],
                course_title=row["quiz__course__title"],
                pass_percent=row["quiz__pass_percent"],
                attempts=row["attempts"],
                best_percent=row["best"],
                passed=row["passed_count"] > 0,
            )
            for row in results
        ],
    )


# The instructor's gradebook ----------------------------------------------


@dataclass
class GradebookRow:
    student: User
    enrolled_at: datetime
    completed: int
    percent: int
    last_activity: datetime
    completed_at: datetime | None = None
    # The counted score (%) per quiz, in the gradebook's quiz order.
    scores: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionStat:
    question_id: int
    number: int
    text: str
    kind: str
    points: int
    answered: int
    correct: int

    @property
    def percent_correct(self) -> float | None:
        return None if not self.answered else round(self.correct * 100 / self.answered)


@dataclass
class GradebookQuiz:
    quiz: Quiz
    questions: list[QuestionStat] = field(default_factory=list)


@dataclass
class Gradebook:
    course: Course
    total_contents: int
    quizzes: list[GradebookQuiz]
    rows: list[GradebookRow]

    def scores_of(self, index: int) -> list[float]:
        """The counted scores given on the quiz at `index`."""
        return [row.scores[index] for row in self.rows if row.scores[index] is not None]


def _counted(attempts: Sequence[dict], grading: str) -> float | None:
    """The score that counts among a student's submitted attempts (in order)."""
    if not attempts:
        return None
    if grading == Quiz.Grading.LAST:
        return attempts[-1]["percent"]
    return max(attempt["percent"] for attempt in attempts)


def course_gradebook(course: Course) -> Gradebook:
    """Every enrolled student with progress, last activity and each quiz's
    counted score; each question's share of right answers (over every
    submitted attempt). Five queries however many students, contents,
    quizzes and attempts."""
    total = Content.objects.filter(module__course=course).count()
    last_done = (
        ContentCompletion.objects.filter(
            course=course, student_id=OuterRef("student_id")
        )
        .order_by("-completed_at")
        .values("completed_at")[:1]
    )
    last_attempt = (
        QuizAttempt.objects.filter(
            quiz__course=course, student_id=OuterRef("student_id")
        )
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    certificate = Certificate.objects.filter(
        course=course, student_id=OuterRef("student_id")
    ).values("issued_at")[:1]
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("student")
        .annotate(
            completed=_count_of(
                ContentCompletion.objects.filter(
                    course=course, student_id=OuterRef("student_id")
                ),
                "student",
            ),
            last_done=Subquery(last_done),
            last_attempt=Subquery(last_attempt),
            completed_at=Subquery(certificate),
        )
        .annotate(
            last_activity=Greatest(
                "enrolled_at",
                Coalesce("last_done", "enrolled_at"),
                Coalesce("last_attempt", "enrolled_at"),
            )
        )
        .order_by("student__username")
    )
    quizzes = list(
        Quiz.objects.filter(contents__module__course=course).order_by(
            "contents__module__order", "contents__order"
        )
    )
    quiz_ids = [quiz.pk for quiz in quizzes]
    attempts: dict[tuple[int, int], list[dict]] = defaultdict(list)
    # (answered, right) per question id, over every submitted attempt.
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for attempt in (
        QuizAttempt.objects.filter(
            quiz_id__in=quiz_ids, status=QuizAttempt.Status.SUBMITTED
        )
        .order_by("number")
        .values("student_id", "quiz_id", "percent", "answers")
    ):
        attempts[attempt["student_id"], attempt["quiz_id"]].append(attempt)
        for answer in attempt["answers"] or ():
            tally = tallies[answer["question"]]
            tally[0] += 1
            tally[1] += answer["correct"]
    rows = [
        GradebookRow(
            student=enrollment.student,
            enrolled_at=enrollment.enrolled_at,
            completed=enrollment.completed,
            percent=percent_of(enrollment.completed, total),
            last_activity=enrollment.last_activity,
            completed_at=enrollment.completed_at,
            scores=[
                _counted(attempts[enrollment.student_id, quiz.pk], quiz.grading)
                for quiz in quizzes
            ],
        )
        for enrollment in enrollments
    ]
    return Gradebook(
        course=course,
        total_contents=total,
        quizzes=_question_stats(quizzes, tallies),
        rows=rows,
    )


def _question_stats(
    quizzes: list[Quiz], tallies: dict[int, list[int]]
) -> list[GradebookQuiz]:
    """Each quiz's current questions with their (answered, right) tallies."""
    by_quiz = {quiz.pk: GradebookQuiz(quiz) for quiz in quizzes}
    questions = list(
        Question.objects.filter(quiz_id__in=list(by_quiz)).order_by("quiz", "order")
    )
    for question in questions:
        entry = by_quiz[question.quiz_id]
        answered, right = tallies.get(question.pk, (0, 0))
        entry.questions.append(
            QuestionStat(
                question_id=question.pk,
                number=len(entry.questions) + 1,
                text=question.text,
                kind=question.kind,
                points=question.points,
                answered=answered,
                correct=right,
            )
        )
    return list(by_quiz.values())
