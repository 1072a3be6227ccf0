"""Reading an attempt back (`quizAttempt`, as REST's GET attempts/{id}/),
verifying a certificate (`certificate`, public), and the instructor's
gradebook (`courseGradebook`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from educa.learning.models import Certificate, QuizAttempt
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.learning.quizzes import quiz_in, quiz_of, right_answers, wrong_answers

ATTEMPT = """
query($id: ID!) {
  quizAttempt(id: $id) {
    __typename
    ... on OpenAttempt { id secondsLeft created questions { id kind } }
    ... on AttemptResult {
      id status score answersReleased attemptsLeft
      results { points correct correctAnswer }
    }
  }
}
"""
CERTIFICATE = """
query($code: String!) {
  certificate(code: $code) { code student course instructor completedAt url }
}
"""


@pytest.fixture
def quiz(course):
    module = ModuleFactory(course=course)
    return quiz_of(
        quiz_in(
            module, max_attempts=2, review="after_last_attempt", time_limit_seconds=600
        )
    )


def test_an_open_attempt_reads_as_its_questions_and_time_left(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    result = graphql(ATTEMPT, {"id": attempt.pk}, as_user=student)

    shown = result["data"]["quizAttempt"]
    assert shown["__typename"] == "OpenAttempt"
    assert shown["created"] is False
    assert 590 <= shown["secondsLeft"] <= 600
    assert [q["kind"] for q in shown["questions"]] == [
        "single",
        "multiple",
        "short",
        "numeric",
    ]


def test_a_result_shows_answers_only_once_the_last_attempt_is_used(
    graphql, course, quiz
):
    student = EnrollmentFactory(course=course).student
    first, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=first, answers=wrong_answers(first))

    before = graphql(ATTEMPT, {"id": first.pk}, as_user=student)
    second, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=second, answers=[])
    after = graphql(ATTEMPT, {"id": first.pk}, as_user=student)

    hidden = before["data"]["quizAttempt"]
    assert (hidden["__typename"], hidden["status"]) == ("AttemptResult", "submitted")
    assert (hidden["answersReleased"], hidden["attemptsLeft"]) == (False, 1)
    assert {r["correctAnswer"] is None for r in hidden["results"]} == {True}
    released = after["data"]["quizAttempt"]
    assert (released["answersReleased"], released["attemptsLeft"]) == (True, 0)
    assert all(r["correctAnswer"] is not None for r in released["results"])


def test_an_attempt_out_of_time_reads_as_its_result(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )

    result = graphql(ATTEMPT, {"id": attempt.pk}, as_user=student)

    shown = result["data"]["quizAttempt"]
    assert (shown["__typename"], shown["score"]) == ("AttemptResult", None)


@pytest.mark.parametrize(
    "role", ["anonymous", "classmate", "stranger", "owner", "other_instructor"]
)
def test_an_attempt_is_read_by_its_student_alone(graphql, course, quiz, role):
    attempt, _ = start_attempt(
        student=EnrollmentFactory(course=course).student, quiz=quiz
    )
    user = {
        "anonymous": lambda: None,
        "classmate": lambda: EnrollmentFactory(course=course).student,
        "stranger": StudentFactory,
        "owner": lambda: course.owner,
        "other_instructor": InstructorFactory,
    }[role]()

    result = graphql(ATTEMPT, {"id": attempt.pk}, as_user=user)

    expected = "UNAUTHENTICATED" if role == "anonymous" else "NOT_FOUND"
    assert codes(result) == [expected]
    assert result["data"] is None


def test_anyone_verifies_a_certificate(graphql, course):
    student = EnrollmentFactory(course=course, student__display_name="Ada").student
    complete_content(student=student, content=add_content(ModuleFactory(course=course)))
    code = Certificate.objects.get().code

    found = graphql(CERTIFICATE, {"code": code.lower()})

    assert found["data"]["certificate"] == {
        "code": code,
        "student": "Ada",
        "course": course.title,
        "instructor": course.owner.name,
        "completedAt": found["data"]["certificate"]["completedAt"],
        "url": f"/certificates/{code}/",
    }


@pytest.mark.parametrize("code", ["NOPE-NOPE-NOPE-NOPE", "", "x" * 10_000, "a\x00b"])
def test_an_unknown_certificate_is_null(graphql, db, code):
    result = graphql(CERTIFICATE, {"code": code})

    assert result["data"] == {"certificate": None}
    assert "errors" not in result


# The gradebook ------------------------------------------------------------------

GRADEBOOK = """
query($id: ID!) {
  courseGradebook(courseId: $id) {
    courseId title totalContents
    quizzes { id title passPercent grading questions { id number kind percentCorrect } }
    students {
      id username progressPercent completed completedAt lastActivity
      scores { quizId percent }
    }
  }
}
"""


def test_the_instructor_reads_the_gradebook(graphql, course, quiz):
    text = add_content(quiz.contents.get().module)
    student = EnrollmentFactory(course=course, student__username="grace").student
    complete_content(student=student, content=text)
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=right_answers(attempt))

    result = graphql(GRADEBOOK, {"id": course.pk}, as_user=course.owner)

    book = result["data"]["courseGradebook"]
    assert (book["courseId"], book["totalContents"]) == (str(course.pk), 2)
    assert book["quizzes"][0]["id"] == str(quiz.pk)
    assert [q["percentCorrect"] for q in book["quizzes"][0]["questions"]] == [100] * 4
    row = book["students"][0]
    assert (row["username"], row["progressPercent"], row["completed"]) == (
        "grace",
        100,
        2,
    )
    assert row["scores"] == [{"quizId": str(quiz.pk), "percent": 100.0}]


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("enrolled", "FORBIDDEN"),
        ("stranger", "FORBIDDEN"),
        ("other_instructor", "FORBIDDEN"),
    ],
)
def test_the_gradebook_is_the_instructors_alone(graphql, course, role, code):
    user = {
        "anonymous": lambda: None,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "stranger": StudentFactory,
        "other_instructor": InstructorFactory,
    }[role]()

    result = graphql(GRADEBOOK, {"id": course.pk}, as_user=user)

    assert codes(result) == [code]
    assert result["data"] is None


@pytest.mark.parametrize("students", [1, 40])
def test_gradebook_query_count_is_constant(
    graphql, course, quiz, students, django_assert_num_queries
):
    items = [add_content(quiz.contents.get().module) for _ in range(3)]
    learners = [EnrollmentFactory(course=course).student for _ in range(students)]
    for learner in learners[:5]:
        complete_content(student=learner, content=items[0])
        attempt, _ = start_attempt(student=learner, quiz=quiz)
        submit_attempt(student=learner, attempt=attempt, answers=right_answers(attempt))

    # The user, the course, the instructor check (2), contents count,
    # enrollments with progress and activity, quizzes, attempts, questions,
    # answer tallies: as REST's.
    with django_assert_num_queries(10):
        result = graphql(GRADEBOOK, {"id": course.pk}, as_user=course.owner)

    assert len(result["data"]["courseGradebook"]["students"]) == students
