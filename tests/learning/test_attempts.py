"""Quiz attempts: the server owns them from start to grade."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from educa.courses.models import Choice, Question
from educa.courses.quiz_services import replace_questions, update_question
from educa.courses.services import unenroll, update_content
from educa.learning.models import ContentCompletion, QuizAttempt
from educa.learning.selectors import attempt_review, course_progress
from educa.learning.services import AttemptClosed, start_attempt, submit_attempt
from tests.factories import ModuleFactory
from tests.learning.quizzes import (
    quiz_in,
    quiz_of,
    right_answers,
    wrong_answers,
)


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


def test_starting_freezes_the_questions_and_sets_the_deadline(enrolled_student, module):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=600, pass_percent=70))
    before = timezone.now()

    attempt, created = start_attempt(student=enrolled_student, quiz=quiz)

    assert created
    assert (attempt.number, attempt.status, attempt.max_score) == (1, "open", 6)
    assert attempt.pass_percent == 70
    assert [q["kind"] for q in attempt.questions] == [
        "single",
        "multiple",
        "short",
        "numeric",
    ]
    assert timedelta(seconds=599) < attempt.deadline - before <= timedelta(seconds=601)


def test_starting_again_resumes_the_open_attempt(enrolled_student, module):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=600, shuffle_questions=True))
    first, _ = start_attempt(student=enrolled_student, quiz=quiz)

    again, created = start_attempt(student=enrolled_student, quiz=quiz)

    assert not created
    assert again.pk == first.pk
    assert again.questions == first.questions
    assert again.deadline == first.deadline
    assert QuizAttempt.objects.count() == 1


def test_shuffled_order_is_fixed_per_attempt_and_differs_between_attempts(
    enrolled_student, module
):
    questions = [
        {"kind": "short", "text": f"Q{n}", "answers": [f"a{n}"]} for n in range(12)
    ]
    quiz = quiz_of(quiz_in(module, questions=questions, shuffle_questions=True))
    orders = []
    for _ in range(4):
        attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
        orders.append([q["text"] for q in attempt.questions])
        submit_attempt(student=enrolled_student, attempt=attempt, answers=[])

    assert all(sorted(order) == sorted(orders[0]) for order in orders)
    assert len({tuple(order) for order in orders}) > 1


def test_the_maximum_of_attempts_is_refused_and_nothing_is_stored(
    enrolled_student, module
):
    quiz = quiz_of(quiz_in(module, max_attempts=2))
    for _ in range(2):
        attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
        submit_attempt(student=enrolled_student, attempt=attempt, answers=[])

    with pytest.raises(PermissionDenied, match="You have used all 2 attempts"):
        start_attempt(student=enrolled_student, quiz=quiz)

    assert QuizAttempt.objects.count() == 2


@pytest.mark.parametrize("who", ["student", "owner", "other_instructor"])
def test_only_enrolled_students_start_attempts(request, course, module, who):
    quiz = quiz_of(quiz_in(module))
    user = course.owner if who == "owner" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        start_attempt(student=user, quiz=quiz)

    assert not QuizAttempt.objects.exists()


def test_a_quiz_without_questions_cannot_be_started(enrolled_student, module):
    quiz = quiz_of(quiz_in(module, questions=[]))

    with pytest.raises(ValidationError, match="no questions yet"):
        start_attempt(student=enrolled_student, quiz=quiz)

    assert not QuizAttempt.objects.exists()


def test_submitting_grades_against_the_frozen_questions(enrolled_student, module):
    quiz = quiz_of(quiz_in(module, pass_percent=50))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)

    graded = submit_attempt(
        student=enrolled_student, attempt=attempt, answers=right_answers(attempt)
    )

    assert (graded.status, graded.score, graded.percent, graded.passed) == (
        "submitted",
        6.0,
        100.0,
        True,
    )
    attempt.refresh_from_db()
    assert [answer["correct"] for answer in attempt.answers] == [True] * 4
    assert [answer["question"] for answer in attempt.answers] == [
        question["id"] for question in attempt.questions
    ]


def test_a_second_submit_changes_nothing(enrolled_student, module):
    quiz = quiz_of(quiz_in(module))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    submit_attempt(
        student=enrolled_student, attempt=attempt, answers=wrong_answers(attempt)
    )

    with pytest.raises(AttemptClosed, match="already submitted"):
        submit_attempt(
            student=enrolled_student, attempt=attempt, answers=right_answers(attempt)
        )

    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (0.0, False)
    assert [answer["correct"] for answer in attempt.answers] == [False] * 4


@pytest.mark.parametrize("answers", [right_answers, wrong_answers])
def test_a_student_no_longer_enrolled_cannot_submit(
    enrolled_student, course, module, answers
):
    quiz = quiz_of(quiz_in(module))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    unenroll(student=enrolled_student, course=course)

    with pytest.raises(PermissionDenied, match="enrolled"):
        submit_attempt(
            student=enrolled_student, attempt=attempt, answers=answers(attempt)
        )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.answers) == ("open", None, None)
    assert not ContentCompletion.objects.exists()


def test_a_submit_after_the_deadline_and_its_grace_is_refused_and_counts(
    enrolled_student, module
):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60, max_attempts=1))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=31)
    )
    attempt.refresh_from_db()  # read at the submission, as every transport does

    with pytest.raises(AttemptClosed, match="Time is up"):
        submit_attempt(
            student=enrolled_student, attempt=attempt, answers=right_answers(attempt)
        )

    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()
    with pytest.raises(PermissionDenied):
        start_attempt(student=enrolled_student, quiz=quiz)


def test_a_submit_within_the_grace_is_taken(enrolled_student, module):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=20)
    )
    attempt.refresh_from_db()

    graded = submit_attempt(
        student=enrolled_student, attempt=attempt, answers=right_answers(attempt)
    )

    assert graded.passed


def test_an_open_attempt_past_its_deadline_closes_when_the_next_starts(
    enrolled_student, module
):
    quiz = quiz_of(quiz_in(module, time_limit_seconds=60))
    first, _ = start_attempt(student=enrolled_student, quiz=quiz)
    QuizAttempt.objects.filter(pk=first.pk).update(
        deadline=timezone.now() - timedelta(minutes=5)
    )

    second, created = start_attempt(student=enrolled_student, quiz=quiz)

    first.refresh_from_db()
    assert created
    assert (first.status, first.score, second.number) == ("expired", None, 2)


def test_bad_answers_store_nothing_and_leave_the_attempt_open(enrolled_student, module):
    quiz = quiz_of(quiz_in(module))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)

    with pytest.raises(ValidationError):
        submit_attempt(
            student=enrolled_student,
            attempt=attempt,
            answers=[{"question": attempt.questions[0]["id"], "text": "x"}],
        )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)
    assert not QuizAttempt.objects.filter(answers__isnull=False).exists()


def test_someone_elses_attempt_cannot_be_submitted(enrolled_student, course, module):
    from tests.factories import EnrollmentFactory

    quiz = quiz_of(quiz_in(module))
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    intruder = EnrollmentFactory(course=course).student

    with pytest.raises(PermissionDenied):
        submit_attempt(student=intruder, attempt=attempt, answers=[])

    attempt.refresh_from_db()
    assert attempt.status == "open"


def test_editing_the_quiz_never_changes_an_attempt_or_its_score(
    enrolled_student, course, module
):
    content = quiz_in(module)
    quiz = quiz_of(content)
    attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
    answers = right_answers(attempt)
    single = Question.objects.get(quiz=quiz, kind="single")
    update_question(
        question=single,
        by=course.owner,
        kind="single",
        text="Changed",
        points=9,
        choices=[{"text": "now right", "correct": True}, {"text": "x"}],
    )
    Choice.objects.filter(question__quiz=quiz, question__kind="multiple").update(
        correct=False
    )

    graded = submit_attempt(student=enrolled_student, attempt=attempt, answers=answers)

    assert (graded.score, graded.max_score, graded.percent) == (6.0, 6, 100.0)
    update_content(content=content, by=course.owner, pass_percent=100)
    replace_questions(quiz=quiz, by=course.owner, questions=[])
    graded.refresh_from_db()
    assert (graded.score, graded.percent, graded.passed) == (6.0, 100.0, True)
    assert attempt_review(graded).questions[0].question["text"] == "Which one?"


def test_passing_a_quiz_makes_it_done_and_can_complete_the_course(
    enrolled_student, course, module
):
    content = quiz_in(module, pass_percent=60)
    quiz = quiz_of(content)
    failed, _ = start_attempt(student=enrolled_student, quiz=quiz)
    submit_attempt(
        student=enrolled_student, attempt=failed, answers=wrong_answers(failed)
    )
    assert course_progress(enrolled_student, course).completed == 0

    passed, _ = start_attempt(student=enrolled_student, quiz=quiz)
    submit_attempt(
        student=enrolled_student, attempt=passed, answers=right_answers(passed)
    )

    progress = course_progress(enrolled_student, course)
    assert ContentCompletion.objects.get().content == content
    assert (progress.percent, progress.certificate is not None) == (100, True)


@pytest.mark.parametrize(
    ("review", "max_attempts", "released_after"),
    [
        ("after_submit", 0, [True, True]),
        ("after_last_attempt", 2, [False, True]),
        ("never", 2, [False, False]),
    ],
)
def test_answers_are_released_as_the_review_policy_says(
    enrolled_student, module, review, max_attempts, released_after
):
    quiz = quiz_of(quiz_in(module, review=review, max_attempts=max_attempts))
    released = []
    for _ in range(2):
        attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
        assert not attempt_review(attempt).released
        attempt = submit_attempt(
            student=enrolled_student, attempt=attempt, answers=wrong_answers(attempt)
        )
        review_now = attempt_review(attempt)
        released.append(review_now.released)
        if not review_now.released:
            assert {q.correct_answer for q in review_now.questions} == {None}
            assert {q.points for q in review_now.questions} == {None}

    assert released == released_after


@pytest.mark.parametrize(("grading", "counted"), [("highest", 100.0), ("last", 0.0)])
def test_the_gradebook_counts_the_attempt_the_quiz_says(
    enrolled_student, course, module, grading, counted
):
    from educa.learning.selectors import course_gradebook

    quiz = quiz_of(quiz_in(module, grading=grading))
    for answers in (right_answers, wrong_answers):
        attempt, _ = start_attempt(student=enrolled_student, quiz=quiz)
        submit_attempt(
            student=enrolled_student, attempt=attempt, answers=answers(attempt)
        )

    book = course_gradebook(course)

    assert book.rows[0].scores == [counted]
