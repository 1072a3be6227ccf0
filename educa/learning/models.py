from django.conf import settings
from django.db import models


class Enrollment(models.Model):
    """A student taking a course: the through model of `Course.students`."""

    course = models.ForeignKey(
        "courses.Course", related_name="enrollments", on_delete=models.CASCADE
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="enrollments", on_delete=models.CASCADE
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            # Leading with the student makes "my courses" an index scan;
            # the course side has its own foreign-key index.
            models.UniqueConstraint(
                fields=["student", "course"], name="enrollment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}"
