"""A failing task is logged with its retry: an e-mail whose SMTP server is
down fails, the worker says when it runs again, and the retry delivers it
once the server answers."""

import logging

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from educa.mail.models import SentEmail
from educa.mail.services import queue_email
from tests.ops.test_worker import DATABASE_TASKS, run_ready_tasks
from tests.servers import free_port

DELIVER = "educa.mail.tasks.deliver_email"


@pytest.fixture
def database_tasks(settings):
    settings.TASK_BACKEND = "database"
    settings.TASKS = DATABASE_TASKS


def send_through(settings, host: str, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_a_failed_email_task_is_logged_with_its_retry_then_delivered(
    database_tasks, transactional_db, settings, smtp, caplog
):
    settings.TASK_RETRY_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 5
    send_through(settings, "127.0.0.1", free_port())  # nobody listens there
    email = queue_email(
        kind="enrollment_reminder",
        to="ann@example.com",
        key="retry",
        context={"name": "Ann", "days": 9, "catalog_url": "http://x/", "courses": []},
    )
    [stored] = DBTaskResult.objects.filter(task_path=DELIVER)

    with caplog.at_level(logging.WARNING, logger="educa"):
        run_ready_tasks()
    failed = SentEmail.objects.get(pk=email.pk)
    retry_at = DBTaskResult.objects.get(pk=stored.pk).run_after
    send_through(settings, smtp.host, smtp.port)
    DBTaskResult.objects.filter(pk=stored.pk).update(run_after=timezone.now())
    run_ready_tasks()  # the minute has passed

    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("educa") and r.levelno >= logging.WARNING
    ]
    assert f"e-mail {email.pk} (enrollment_reminder) failed" in logged[0]
    assert logged[1].startswith(f"task {stored.pk} ({DELIVER}) runs again at ")
    assert logged[1].endswith(f"{retry_at.isoformat()} (attempt 2 of 5)")
    assert (failed.status, "ConnectionRefusedError" in failed.error) == (
        SentEmail.Status.FAILED,
        True,
    )
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "ann@example.com"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (SentEmail.Status.SENT, 2)
    stored.refresh_from_db()
    assert (stored.status, len(stored.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 2)
