"""Who may do what with progress, quizzes, certificates and gradebooks.

Every transport (pages, REST, GraphQL) asks these, so they never disagree.
"""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.courses.models import Course, Quiz
from educa.courses.permissions import can_edit_course, is_enrolled
from educa.learning.models import QuizAttempt


def can_record_progress(user: User | AnonymousUser, course: Course) -> bool:
    """Only enrolled students have progress: marking contents done, taking
    quizzes. The instructor previews a course without leaving traces."""
    return is_enrolled(user, course)


def can_take_quiz(user: User | AnonymousUser, quiz: Quiz) -> bool:
    """A student enrolled in the quiz's course (asked by its id: the course
    itself is not read)."""
    return can_record_progress(user, Course(pk=quiz.course_id))


def can_view_attempt(user: User | AnonymousUser, attempt: QuizAttempt) -> bool:
    """An attempt is its student's own."""
    return user.is_authenticated and attempt.student_id == user.pk


def answers_released(attempt: QuizAttempt, *, attempts_used: int) -> bool:
    """Whether the quiz's review policy lets the attempt's student see the
    right answers now: never while it is open; after submitting
    (`after_submit`); once no attempt is left (`after_last_attempt`, which
    needs a maximum); never (`never`). The quiz's current policy decides,
    so an instructor who tightens it hides answers again."""
    if attempt.status != QuizAttempt.Status.SUBMITTED:
        return False
    quiz = attempt.quiz
    if quiz.review == Quiz.Review.AFTER_SUBMIT:
        return True
    if quiz.review == Quiz.Review.AFTER_LAST_ATTEMPT:
        return quiz.max_attempts > 0 and attempts_used >= quiz.max_attempts
    return False


def can_view_gradebook(user: User | AnonymousUser, course: Course) -> bool:
    """The course's instructor alone."""
    return can_edit_course(user, course)
