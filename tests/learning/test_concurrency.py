"""Two tabs (or twenty) starting the same quiz at once never exceed its
maximum, and the last two contents done at once complete the course once:
real threads, each on its own PostgreSQL connection."""

import threading
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from educa.learning.models import Certificate, QuizAttempt
from educa.learning.services import complete_content, start_attempt, submit_attempt
from educa.realtime.models import Notification
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    add_content,
)
from tests.learning.quizzes import quiz_in, quiz_of, right_answers

THREADS = 8
REPEATS = 10


def _race(*works) -> list:
    """Run each of `works` in a thread of its own, all released at the same
    moment; their results (or exceptions) in a list."""
    barrier = threading.Barrier(len(works))
    results: list = []
    lock = threading.Lock()

    def run(work) -> None:
        try:
            barrier.wait()
            outcome = work()
        except Exception as error:
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def quiz_and_student(transactional_db):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    quiz = quiz_of(quiz_in(ModuleFactory(course=course), max_attempts=3))
    return quiz, student


def test_concurrent_starts_open_one_attempt(quiz_and_student):
    quiz, student = quiz_and_student

    results = _race(*[lambda: start_attempt(student=student, quiz=quiz)] * THREADS)

    attempts = {attempt.pk for attempt, _ in results}
    assert len(results) == THREADS
    assert len(attempts) == 1
    assert sum(created for _, created in results) == 1
    assert QuizAttempt.objects.count() == 1


def test_concurrent_start_and_submit_loops_never_pass_the_maximum(quiz_and_student):
    quiz, student = quiz_and_student

    def take_until_refused() -> int:
        taken = 0
        while True:
            try:
                attempt, _ = start_attempt(student=student, quiz=quiz)
            except PermissionDenied:
                return taken
            try:
                submit_attempt(student=student, attempt=attempt, answers=[])
                taken += 1
            except Exception:
                continue

    results = _race(*[take_until_refused] * THREADS)

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 3
    numbers = sorted(
        QuizAttempt.objects.filter(quiz=quiz).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    assert set(QuizAttempt.objects.values_list("status", flat=True)) == {"submitted"}


def test_last_content_and_quiz_done_at_once_complete_the_course_once(
    transactional_db,
):
    # Each side commits its row, then counts: the one counting last sees
    # both. Counting before the other's commit, both would miss it; so,
    # repeated, a wrong order shows as a course left incomplete.
    for _ in range(REPEATS):
        course = CourseFactory()
        student = EnrollmentFactory(course=course).student
        module = ModuleFactory(course=course)
        text = add_content(module)
        quiz = quiz_of(quiz_in(module))
        attempt, _ = start_attempt(student=student, quiz=quiz)
        answers = right_answers(attempt)

        results = _race(
            partial(complete_content, student=student, content=text),
            partial(submit_attempt, student=student, attempt=attempt, answers=answers),
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        assert Certificate.objects.filter(student=student, course=course).count() == 1
        assert (
            Notification.objects.filter(
                user=student, kind="learning.course_completed"
            ).count()
            == 1
        )
