"""E-mail tasks (Django's tasks API: `django.tasks` from Django 6 on)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from educa.mail.delivery import deliver
from educa.mail.models import SentEmail

# A queued e-mail this old lost its task (the process stopped between the
# commit and the enqueue): it is enqueued again.
STALLED_AFTER = timedelta(minutes=5)


@task()
def deliver_email(email_id: int) -> str:
    return deliver(email_id=email_id)


@task()
def deliver_stalled_emails() -> int:
    """Enqueue again the e-mails still queued long after they were asked for."""
    stalled = SentEmail.objects.filter(
        status=SentEmail.Status.QUEUED, created__lt=timezone.now() - STALLED_AFTER
    ).values_list("pk", flat=True)
    for email_id in stalled:
        deliver_email.enqueue(email_id)
    return len(stalled)
