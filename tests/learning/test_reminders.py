"""`enroll_reminder --days N [--dry-run]` (seed 004): once per person."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from educa.mail.models import SentEmail
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    StudentFactory,
)
from tests.smtp import links_in, text_of


def joined(days: int, **fields):
    return StudentFactory(date_joined=timezone.now() - timedelta(days=days), **fields)


def remind(*args: str) -> str:
    out = StringIO()
    call_command("enroll_reminder", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people(db):
    return {
        "idle": joined(10, username="idle"),
        "recent": joined(2, username="recent"),
        "enrolled": EnrollmentFactory(student=joined(10, username="enrolled")).student,
        "teacher": InstructorFactory(
            username="teacher", date_joined=timezone.now() - timedelta(days=30)
        ),
        "gone": joined(10, username="gone", is_active=False),
    }


def test_reminds_who_joined_long_ago_and_enrolled_in_nothing_once(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    CourseFactory(title="Python basics")

    with django_capture_on_commit_callbacks(execute=True):
        first = remind("--days", "7")
        second = remind("--days", "7")

    assert "Reminded 1 person." in first
    assert "idle <idle@example.com>" in first
    assert "Reminded 0 people." in second
    [message] = mailoutbox
    assert message.to == ["idle@example.com"]
    assert "Python basics" in text_of(message)
    assert any(link.endswith("/") for link in links_in(message))


def test_a_dry_run_lists_people_and_sends_nothing(people, mailoutbox):
    output = remind("--days", "1", "--dry-run")

    assert "Would remind 2 people." in output
    assert "idle" in output
    assert "recent" in output
    assert SentEmail.objects.count() == 0
    assert mailoutbox == []


def test_days_must_not_be_negative(db):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        remind("--days", "-1")


def test_the_reminder_reaches_a_real_smtp_server(
    smtp_settings, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    [message] = smtp_settings.inbox.wait_for(1)
    assert message["To"] == "idle@example.com"
    assert message["Subject"].endswith("your first Educa course is waiting")
    assert message.get_body(preferencelist=("html",)) is not None
