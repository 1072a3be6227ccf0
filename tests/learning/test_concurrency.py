"""Two tabs (or twenty) starting the same quiz at once never exceed its
maximum: real threads, each on its own PostgreSQL connection."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from educa.learning.models import QuizAttempt
from educa.learning.services import start_attempt, submit_attempt
from tests.factories import CourseFactory, EnrollmentFactory, ModuleFactory
from tests.learning.quizzes import quiz_in, quiz_of

THREADS = 8


def _race(work) -> list:
    """Run `work()` in THREADS threads released at the same moment; their
    results (or exceptions) in a list."""
    barrier = threading.Barrier(THREADS)
    results: list = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome = work()
        except Exception as error:
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
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

    results = _race(lambda: start_attempt(student=student, quiz=quiz))

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

    results = _race(take_until_refused)

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 3
    numbers = sorted(
        QuizAttempt.objects.filter(quiz=quiz).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    assert set(QuizAttempt.objects.values_list("status", flat=True)) == {"submitted"}
