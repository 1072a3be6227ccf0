"""Chat's background tasks (Django's tasks API)."""

from django_tasks import task

from educa.chat.missed import send_missed_message_emails as sweep


@task()
def send_missed_message_emails() -> int:
    """The missed-message sweep (TASK_SCHEDULE, every minute)."""
    return sweep()
