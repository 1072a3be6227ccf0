"""What students do: contents done, quiz attempts, certificates of completion."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from educa.courses.models import Content, Course, Quiz

# A submit that left the browser at the deadline still counts when it
# arrives this much later.
SUBMIT_GRACE = timedelta(seconds=30)


class ContentCompletion(models.Model):
    """A student marked a content done (a quiz: passed it). Progress counts
    these rows against the course's current contents, never a stored total."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="content_completions",
        on_delete=models.CASCADE,
    )
    content = models.ForeignKey(
        Content, related_name="completions", on_delete=models.CASCADE
    )
    # The content's course, kept so a course's progress is one indexed
    # lookup; a content never moves to another course.
    course = models.ForeignKey(Course, related_name="+", on_delete=models.CASCADE)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "content"], name="completion_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "student"], name="completion_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} did content #{self.content_id}"


class QuizAttempt(models.Model):
    """One try at a quiz, graded against the questions it froze when it started.

    `questions` holds them as the student saw them (order, choices and what
    is right): later edits of the quiz change neither the attempt nor its
    score. It never leaves the server whole. `answers`, written once at
    submit, holds what the student answered to each of them, graded, in the
    same order: `[{"question": id, "response": {...} | None, "points",
    "correct"}]` (`grading.graded_answers`).
    """

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out"

    quiz = models.ForeignKey(Quiz, related_name="attempts", on_delete=models.CASCADE)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="quiz_attempts", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    questions = models.JSONField()
    answers = models.JSONField(null=True, blank=True)
    max_score = models.PositiveIntegerField()
    pass_percent = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True)
    percent = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "student", "number"]
        constraints = [
            # No lock counts attempts: these settle two tabs starting at once
            # (learning.services.start_attempt).
            models.UniqueConstraint(
                fields=["quiz", "student", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=Q(status="open"),
                name="one_open_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "quiz"], name="attempt_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} on {self.quiz}, attempt {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quiz_attempt", args=[self.pk])

    def time_is_up(self, now: datetime) -> bool:
        """Past the deadline and its grace: answers are no longer taken."""
        return self.deadline is not None and now > self.deadline + SUBMIT_GRACE

    def seconds_left(self, now: datetime) -> int | None:
        """Whole seconds until the deadline (0 once passed); None without one."""
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - now).total_seconds()))


class Certificate(models.Model):
    """Proof that a student completed a course, issued once.

    Names are copied at issue, so the certificate says what was true that
    day and outlives the course.
    """

    code = models.CharField(max_length=24, unique=True)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="certificates", on_delete=models.CASCADE
    )
    course = models.ForeignKey(
        Course,
        related_name="certificates",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    student_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=200)
    instructor_name = models.CharField(max_length=300)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course"], name="certificate_once_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.student_name}, {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificate_detail", args=[self.code])
