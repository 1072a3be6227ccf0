"""Writes of learning outcomes: contents done, quiz attempts, course completion.

No write takes a lock. A content made done (marked, or a quiz passed)
commits its row first and counts the course's progress after: of two
writes finishing a course at once (its last two contents, in two tabs),
the one that counts last sees both rows, and the certificate's unique
constraint lets only one of them issue it (`_complete_course_if_done`).
The database's constraints also settle two tabs starting an attempt
(`start_attempt`), and a conditional UPDATE two tabs submitting
(`submit_attempt`).
"""

import secrets
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from educa.accounts.models import User
from educa.courses.models import Content, Course, Quiz
from educa.learning.completion_email import queue_completion_email
from educa.learning.grading import clean_answers, freeze_questions, graded_answers
from educa.learning.models import (
    SUBMIT_GRACE,
    Certificate,
    ContentCompletion,
    QuizAttempt,
)
from educa.learning.permissions import can_record_progress, can_take_quiz
from educa.learning.selectors import (
    enrolled_attempts,
    progress_counts,
    quiz_content_id,
    quiz_question_bank,
)
from educa.ops.queries import update_then_insert
from educa.realtime.notify import notify_user

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# A start refused by the database (another tab's start won) looks again.
# The winner's row can show in reads a moment after the refusal (eight
# threads starting and submitting in a loop needed more than three looks),
# so a few more; the constraints alone keep the count within the maximum.
START_TRIES = 10
NOT_ENROLLED = "Only students enrolled in the course make progress."
ALREADY_SUBMITTED = "This attempt was already submitted."


class AttemptClosed(Exception):
    """The attempt takes no more answers: it was submitted, or its time ran
    out (transports answer 409)."""


def _check_enrolled(student: User, course: Course) -> None:
    """Only enrolled students make progress."""
    if not can_record_progress(student, course):
        raise PermissionDenied(NOT_ENROLLED)


def _content_course(content: Content) -> Course:
    return content.module.course


def complete_content(*, student: User, content: Content) -> ContentCompletion:
    """Mark `content` done for `student` (again is fine). Completing the
    course's last content completes the course. A quiz is done when passed,
    not by marking it."""
    course = _content_course(content)
    _check_enrolled(student, course)
    if content.kind == "quiz":
        raise ValidationError("A quiz is done when you pass it.")
    completion, created = ContentCompletion.objects.get_or_create(
        student=student, content=content, defaults={"course": course}
    )
    if created:
        _complete_course_if_done(student, course.pk)
    return completion


def uncomplete_content(*, student: User, content: Content) -> bool:
    """Mark `content` not done again; True if it was done. A course already
    completed stays completed, its certificate valid."""
    _check_enrolled(student, _content_course(content))
    if content.kind == "quiz":
        raise ValidationError("A passed quiz stays done.")
    deleted, _ = ContentCompletion.objects.filter(
        student=student, content=content
    ).delete()
    return deleted > 0


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[index : index + 4] for index in range(0, 16, 4))


def _complete_course_if_done(student: User, course_id: int) -> Certificate | None:
    """Issue the course's certificate when every content is done, once.

    Called after the write that made a content done has committed (see the
    module's docstring): the certificate's unique constraint decides which
    of two writes finishing the course at once issues it, and only that one
    tells the student."""
    done, total = progress_counts(student, course_id)
    if total == 0 or done < total:
        return None
    course = Course.objects.select_related("owner").get(pk=course_id)
    certificate, created = Certificate.objects.get_or_create(
        student=student,
        course=course,
        defaults={
            "code": _new_code(),
            "student_name": student.name,
            "course_title": course.title,
            "instructor_name": course.owner.name,
        },
    )
    if not created:
        return None
    notify_user(
        student.pk,
        {
            "type": "learning.course_completed",
            "course_id": course.pk,
            "course_title": course.title,
            "certificate_code": certificate.code,
            "url": certificate.get_absolute_url(),
        },
    )
    queue_completion_email(certificate=certificate)
    return certificate


def start_attempt(*, student: User, quiz: Quiz) -> tuple[QuizAttempt, bool]:
    """The student's open attempt at `quiz` (resumed as it is, with its
    deadline), or a new one: (attempt, created).

    A new attempt freezes the questions as shown (shuffled when the quiz
    says so) and sets its deadline. An open attempt whose time ran out is
    closed first (it counts). Refused (PermissionDenied) to anyone who may
    not take the quiz (`can_take_quiz`), and once `max_attempts` are used.

    It takes no lock: each attempt is numbered one more than the student's
    last, and the database keeps (quiz, student, number) unique and one
    attempt open per student and quiz. Of two tabs starting at once one
    inserts; the other's INSERT is refused, and it looks again (up to
    START_TRIES times) until it finds that attempt and resumes it (or
    refuses), so no tab passes the maximum.
    """
    tries = START_TRIES
    while True:
        try:
            return _start_or_resume(student, quiz)
        except IntegrityError:
            tries -= 1
            if not tries:
                raise


def _start_or_resume(student: User, quiz: Quiz) -> tuple[QuizAttempt, bool]:
    now = timezone.now()
    attempts = enrolled_attempts(student, quiz)
    if attempts is None:
        raise PermissionDenied(NOT_ENROLLED)
    for attempt in attempts:
        if attempt.status != QuizAttempt.Status.OPEN:
            continue
        if not attempt.time_is_up(now):
            return QuizAttempt.objects.get(pk=attempt.pk), False
        # A submit still in time may have closed it first: then it stays so.
        QuizAttempt.objects.filter(
            pk=attempt.pk,
            status=QuizAttempt.Status.OPEN,
            deadline__lt=now - SUBMIT_GRACE,
        ).update(status=QuizAttempt.Status.EXPIRED)
    if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
        raise PermissionDenied(
            f"You have used all {quiz.max_attempts} attempts at this quiz."
        )
    questions = freeze_questions(
        quiz_question_bank(quiz),
        shuffle_questions=quiz.shuffle_questions,
        shuffle_choices=quiz.shuffle_choices,
    )
    if not questions:
        raise ValidationError("This quiz has no questions yet.")
    deadline = None
    if quiz.time_limit_seconds:
        deadline = now + timedelta(seconds=quiz.time_limit_seconds)
    attempt = QuizAttempt(
        quiz=quiz,
        student=student,
        number=max((attempt.number for attempt in attempts), default=0) + 1,
        started_at=now,
        deadline=deadline,
        questions=questions,
        max_score=sum(question["points"] for question in questions),
        pass_percent=quiz.pass_percent,
    )
    # Alone, one INSERT is its own transaction; inside a caller's, a
    # savepoint keeps a refused one from spoiling it.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        attempt.save(force_insert=True)
    return attempt, True


def submit_attempt(
    *, student: User, attempt: QuizAttempt, answers: Sequence[Any]
) -> QuizAttempt:
    """Grade the student's answers against the questions the attempt froze,
    once. A quiz passed is done (and may complete the course).

    `answers`: `[{"question": id, "choices": [ids]} | {"question": id,
    "text": "..."} | {"question": id, "number": 1.5}]`; questions left out
    score nothing. Bad answers are a ValidationError and store nothing.
    AttemptClosed when it was submitted already, or its deadline (plus
    SUBMIT_GRACE) has passed: the attempt still counts. Refused
    (PermissionDenied) to a student no longer enrolled.

    The attempt is written by one UPDATE that takes it only while it is
    still open, so of two submits (two tabs) one is stored and the other
    changes nothing; its deadline never moves, so the time is checked
    before. A pass writes the quiz done in the same statement, then counts
    whether that completed the course.
    """
    if attempt.student_id != student.pk:
        raise PermissionDenied("This is not your attempt.")
    now = timezone.now()
    if closed := _closed_because(attempt, now):
        raise AttemptClosed(closed)
    if not can_take_quiz(student, attempt.quiz):
        raise PermissionDenied(NOT_ENROLLED)
    # The questions never change once the attempt started: grading needs no
    # lock.
    graded = graded_answers(
        attempt.questions, clean_answers(attempt.questions, answers)
    )
    score = round(sum(answer["points"] for answer in graded), 2)
    percent = round(score * 100 / attempt.max_score, 2) if attempt.max_score else 0
    fields = {
        "answers": graded,
        "score": score,
        "percent": percent,
        "passed": percent >= attempt.pass_percent,
        "status": QuizAttempt.Status.SUBMITTED,
        "submitted_at": now,
    }
    course_id = attempt.quiz.course_id
    done = None
    if fields["passed"] and (content_id := quiz_content_id(attempt.quiz)):
        done = ContentCompletion(
            student=student, content_id=content_id, course_id=course_id
        )
    _close_attempt(attempt, fields, now, done=done)
    if fields["passed"]:
        # Counted once the pass has committed (see the module's docstring).
        _complete_course_if_done(student, course_id)
    return attempt


def _close_attempt(
    attempt: QuizAttempt,
    fields: dict[str, Any],
    now: datetime,
    *,
    done: ContentCompletion | None,
) -> None:
    """Write `fields` on the attempt if it is still open (what was read
    earlier may be stale: another tab submitted), and with them `done`, the
    quiz done at a pass: one statement, both or neither. Else
    AttemptClosed."""
    if not update_then_insert(
        QuizAttempt,
        attempt.pk,
        where={"status": QuizAttempt.Status.OPEN},
        values=fields,
        insert=done,
    ):
        attempt.refresh_from_db(fields=["status"])
        raise AttemptClosed(_closed_because(attempt, now) or ALREADY_SUBMITTED)
    for name, value in fields.items():
        setattr(attempt, name, value)


def _closed_because(attempt: QuizAttempt, now: datetime) -> str | None:
    """Why the attempt takes no answers at `now`, or None if it does."""
    if attempt.status == QuizAttempt.Status.SUBMITTED:
        return ALREADY_SUBMITTED
    if attempt.status == QuizAttempt.Status.EXPIRED or attempt.time_is_up(now):
        return "Time is up: this attempt's deadline has passed."
    return None
