"""Learning's background tasks (Django's tasks API)."""

from django.conf import settings
from django_tasks import task

from educa.learning.reminders import send_enrollment_reminders as remind


@task()
def send_enrollment_reminders() -> int:
    """The daily reminder (TASK_SCHEDULE), ENROLL_REMINDER_DAYS after sign-up."""
    return len(remind(days=settings.ENROLL_REMINDER_DAYS))
