"""The instructor's gradebook over GraphQL (`courseGradebook`), as REST's."""

import pytest

from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    StudentFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.learning.quizzes import (
    right_answers,
)

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
    # enrollments with progress and activity, quizzes, attempts with their
    # answers, questions: as REST's.
    with django_assert_num_queries(9):
        result = graphql(GRADEBOOK, {"id": course.pk}, as_user=course.owner)

    assert len(result["data"]["courseGradebook"]["students"]) == students
