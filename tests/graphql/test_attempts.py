"""Taking quizzes over GraphQL: starting, resuming, submitting once and
reading back an attempt, who is refused, bad answers storing nothing; and
verifying a certificate (public)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from educa.learning.models import (
    Certificate,
    ContentCompletion,
    QuizAttempt,
)
from educa.learning.services import complete_content, start_attempt, submit_attempt
from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)
from tests.graphql.conftest import codes
from tests.graphql.learning import (
    REFUSED,
    START,
    SUBMIT,
    graphql_answers,
    someone,
)
from tests.learning.quizzes import (
    quiz_in,
    quiz_of,
    right_answers,
    wrong_answers,
)

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
def timed_quiz(module):
    return quiz_of(
        quiz_in(
            module, max_attempts=2, review="after_last_attempt", time_limit_seconds=600
        )
    )


# Attempts ------------------------------------------------------------------


def test_enrolled_student_starts_resumes_and_submits_an_attempt(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student

    started = graphql(START, {"id": str(quiz.pk)}, as_user=student)
    resumed = graphql(START, {"id": str(quiz.pk)}, as_user=student)
    attempt = QuizAttempt.objects.get()
    submitted = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(right_answers(attempt))},
        as_user=student,
    )

    opened = started["data"]["startQuizAttempt"]
    assert opened["created"] is True
    assert resumed["data"]["startQuizAttempt"]["created"] is False
    assert resumed["data"]["startQuizAttempt"]["id"] == opened["id"] == str(attempt.pk)
    assert [question["kind"] for question in opened["questions"]] == [
        "single",
        "multiple",
        "short",
        "numeric",
    ]
    assert opened["questions"][0]["choices"][1] == {
        "id": str(attempt.questions[0]["choices"][1]["id"]),
        "text": attempt.questions[0]["choices"][1]["text"],
    }
    result = submitted["data"]["submitQuizAttempt"]
    assert {k: result[k] for k in ("score", "maxScore", "percent", "passed")} == {
        "score": 6.0,
        "maxScore": 6,
        "percent": 100.0,
        "passed": True,
    }
    assert (result["answersReleased"], result["attemptsLeft"]) == (True, 2)
    first = result["results"][0]
    assert (first["points"], first["correct"]) == (2.0, True)
    assert first["correctAnswer"] == {
        "choices": [c["id"] for c in attempt.questions[0]["choices"] if c["correct"]]
    }
    assert ContentCompletion.objects.filter(student=student).count() == 1


def test_answers_stay_hidden_until_the_review_policy_releases_them(
    graphql, course, module
):
    quiz = quiz_of(quiz_in(module, max_attempts=2, review="after_last_attempt"))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(wrong_answers(attempt))},
        as_user=student,
    )["data"]["submitQuizAttempt"]

    assert result["answersReleased"] is False
    assert result["passed"] is False
    assert {
        (item["points"], item["correct"], item["correctAnswer"])
        for item in result["results"]
    } == {(None, None, None)}


def test_a_second_submit_is_refused_and_changes_nothing(graphql, course, quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(wrong_answers(attempt))},
        as_user=student,
    )

    again = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(right_answers(attempt))},
        as_user=student,
    )

    assert codes(again) == ["BAD_USER_INPUT"]
    assert again["errors"][0]["message"] == "This attempt was already submitted."
    attempt.refresh_from_db()
    assert attempt.passed is False
    assert not any(answer["correct"] for answer in attempt.answers)


def test_a_submit_after_the_deadline_is_refused_and_the_attempt_counts(
    graphql, course, module
):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60, max_attempts=1))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )

    late = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(right_answers(attempt))},
        as_user=student,
    )
    another = graphql(START, {"id": str(quiz.pk)}, as_user=student)

    assert codes(late) == ["BAD_USER_INPUT"]
    assert "Time is up" in late["errors"][0]["message"]
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()
    assert codes(another) == ["FORBIDDEN"]
    assert another["errors"][0]["message"] == (
        "You have used all 1 attempts at this quiz."
    )


@pytest.mark.parametrize("role", REFUSED)
def test_only_enrolled_students_start_attempts(graphql, course, quiz, role):
    result = graphql(START, {"id": str(quiz.pk)}, as_user=someone(role, course))

    assert codes(result) == [REFUSED[role]]
    assert result["data"] is None
    assert not QuizAttempt.objects.exists()


def test_used_up_attempts_are_refused(graphql, course, module):
    quiz = quiz_of(quiz_in(module, max_attempts=1))
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    submit_attempt(student=student, attempt=attempt, answers=[])

    result = graphql(START, {"id": str(quiz.pk)}, as_user=student)

    assert codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["message"] == (
        "You have used all 1 attempts at this quiz."
    )
    assert QuizAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "role", ["anonymous", "enrolled", "not_enrolled", "owner", "other_instructor"]
)
def test_an_attempt_is_its_students_alone(graphql, course, quiz, role):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": graphql_answers(right_answers(attempt))},
        as_user=someone(role, course),
    )

    expected = "UNAUTHENTICATED" if role == "anonymous" else "NOT_FOUND"
    assert codes(result) == [expected]
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def _bad_answers(attempt) -> list[tuple[list[dict], str]]:
    single, multiple, short, numeric = attempt.questions
    other_choice = str(multiple["choices"][0]["id"])
    return [
        ([{"question": "999999", "choices": ["1"]}], "not part of this attempt"),
        ([{"question": str(single["id"]), "text": "x"}], "single choice"),
        ([{"question": str(short["id"]), "number": 1}], "short text"),
        ([{"question": str(numeric["id"]), "choices": ["1"]}], "numeric"),
        (
            [{"question": str(single["id"]), "choices": [other_choice]}],
            "is not one of its choices",
        ),
        (
            [{"question": str(single["id"]), "choices": ["-1"]}],
            "positive integer id",
        ),
        ([{"question": "abc", "text": "x"}], "positive integer id"),
        ([{"question": str(short["id"]), "text": "x" * 100_000}], "1000"),
        ([{"question": str(short["id"]), "text": "a\x00b"}], "NUL"),
        ([{"question": str(numeric["id"]), "number": "NaN"}], "Float"),
        ([{"question": str(numeric["id"]), "number": 1}] * 2, "answered twice"),
        ([{"choices": ["1"]}], "question"),
    ]


def test_bad_answers_are_bad_input_with_a_clear_message_and_store_nothing(
    graphql, course, quiz
):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)

    for answers, message in _bad_answers(attempt):
        result = graphql(
            SUBMIT, {"id": str(attempt.pk), "answers": answers}, as_user=student
        )

        assert result["status"] == 200, answers
        assert codes(result) == ["BAD_USER_INPUT"], (answers, result)
        assert message in result["errors"][0]["message"], (answers, result)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_numbers_json_cannot_hold_are_bad_input(graphql, course, quiz, number):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=quiz)
    numeric = str(attempt.questions[3]["id"])

    # json.dumps writes them as NaN and Infinity, which Python's parser reads.
    result = graphql(
        SUBMIT,
        {"id": str(attempt.pk), "answers": [{"question": numeric, "number": number}]},
        as_user=student,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def test_an_open_attempt_reads_as_its_questions_and_time_left(
    graphql, course, timed_quiz
):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=timed_quiz)

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
    graphql, course, timed_quiz
):
    student = EnrollmentFactory(course=course).student
    first, _ = start_attempt(student=student, quiz=timed_quiz)
    submit_attempt(student=student, attempt=first, answers=wrong_answers(first))

    before = graphql(ATTEMPT, {"id": first.pk}, as_user=student)
    second, _ = start_attempt(student=student, quiz=timed_quiz)
    submit_attempt(student=student, attempt=second, answers=[])
    after = graphql(ATTEMPT, {"id": first.pk}, as_user=student)

    hidden = before["data"]["quizAttempt"]
    assert (hidden["__typename"], hidden["status"]) == ("AttemptResult", "submitted")
    assert (hidden["answersReleased"], hidden["attemptsLeft"]) == (False, 1)
    assert {r["correctAnswer"] is None for r in hidden["results"]} == {True}
    released = after["data"]["quizAttempt"]
    assert (released["answersReleased"], released["attemptsLeft"]) == (True, 0)
    assert all(r["correctAnswer"] is not None for r in released["results"])


def test_an_attempt_out_of_time_reads_as_its_result(graphql, course, timed_quiz):
    student = EnrollmentFactory(course=course).student
    attempt, _ = start_attempt(student=student, quiz=timed_quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )

    result = graphql(ATTEMPT, {"id": attempt.pk}, as_user=student)

    shown = result["data"]["quizAttempt"]
    assert (shown["__typename"], shown["score"]) == ("AttemptResult", None)


@pytest.mark.parametrize(
    "role", ["anonymous", "classmate", "stranger", "owner", "other_instructor"]
)
def test_an_attempt_is_read_by_its_student_alone(graphql, course, timed_quiz, role):
    attempt, _ = start_attempt(
        student=EnrollmentFactory(course=course).student, quiz=timed_quiz
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
