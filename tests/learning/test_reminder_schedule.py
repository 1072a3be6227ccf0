"""The daily enrollment reminder as production runs it: the real worker
process enqueues the TASK_SCHEDULE entry, the task e-mails the right person
once through a real SMTP server, and the e-mail's links open working pages."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from educa.learning.tasks import send_enrollment_reminders
from educa.mail.models import SentEmail
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory
from tests.ops.test_worker import wait_until, worker_process
from tests.smtp import links_in, text_of
from tests.web import WebClient

TASK = "educa.learning.tasks.send_enrollment_reminders"


def joined(days: int, **fields):
    return StudentFactory(date_joined=timezone.now() - timedelta(days=days), **fields)


def test_the_scheduled_task_reminds_the_idle_student_once_with_working_links(
    smtp, live_server_url, worker_env
):
    assert settings.TASK_SCHEDULE["enrollment-reminders"]["task"] == TASK
    course = CourseFactory(title="Python basics")
    joined(10, email="idle@example.com")
    joined(2, email="recent@example.com")
    EnrollmentFactory(course=course, student=joined(10, email="busy@example.com"))

    with worker_process({**worker_env, "SITE_URL": live_server_url}):
        [message] = smtp.inbox.wait_for(1)
        run = wait_until(
            lambda: DBTaskResult.objects.filter(
                task_path=TASK, status=TaskResultStatus.SUCCESSFUL
            ).first()
        )
        wait_until(
            lambda: SentEmail.objects.filter(
                kind="enrollment_reminder", status=SentEmail.Status.SENT
            ).exists()
        )

    assert run.return_value == 1
    assert [m["To"] for m in smtp.inbox.messages] == ["idle@example.com"]
    assert "Python basics" in text_of(message)
    links = links_in(message)
    course_link = next(link for link in links if course.slug in link)
    assert course_link.startswith(live_server_url)
    course_page = WebClient(live_server_url).get(course_link)
    assert (course_page.status, "Python basics" in course_page.text) == (200, True)
    assert live_server_url + "/" in links
    catalog = WebClient(live_server_url).get(live_server_url + "/")
    assert (catalog.status, "Python basics" in catalog.text) == (200, True)
    assert send_enrollment_reminders.call() == 0  # a second day reminds nobody again
    assert SentEmail.objects.filter(kind="enrollment_reminder").count() == 1
