"""The e-mail service: one e-mail per (kind, key), rendered from its
templates, sent through a real SMTP server, never sent twice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from educa.mail.delivery import deliver
from educa.mail.models import SentEmail
from educa.mail.services import queue_email
from educa.mail.tasks import deliver_stalled_emails
from tests.factories import StudentFactory
from tests.servers import free_port
from tests.smtp import html_of, text_of

CONTEXTS = {
    "course_completed": {
        "name": "Ann & Bo",
        "course_title": "SQL & <b>you</b>",
        "instructor_name": "Cy",
        "certificate_code": "ABCD-EFGH-JKMN-PQRS",
        "certificate_url": "http://x/certificates/ABCD-EFGH-JKMN-PQRS/",
        "pdf_url": "http://x/certificates/ABCD-EFGH-JKMN-PQRS/pdf/",
    },
    "password_reset": {
        "name": "Ann & Bo",
        "username": "ann",
        "reset_url": "http://x/r/",
        "valid_hours": 24,
    },
    "email_change": {
        "name": "Ann & Bo",
        "username": "ann",
        "new_email": "n@x.org",
        "confirm_url": "http://x/c/",
        "valid_hours": 24,
    },
    "verify_email": {
        "name": "Ann & Bo",
        "username": "ann",
        "email": "a@x.org",
        "confirm_url": "http://x/v/",
        "valid_hours": 24,
    },
    "enrollment_reminder": {
        "name": "Ann & Bo",
        "days": 8,
        "catalog_url": "http://x/",
        "courses": [{"title": "SQL", "url": "http://x/c/sql/"}],
    },
    "missed_messages": {
        "name": "Ann & Bo",
        "count": 1,
        "senders": ["Cy"],
        "rooms": [
            {
                "title": "Direct messages with Cy",
                "url": "http://x/chat/1/",
                "messages": [
                    {
                        "sender": "Cy",
                        "time": "now",
                        "body": "<b>hi</b>",
                        "mention": False,
                    }
                ],
            }
        ],
        "minutes": 10,
        "inbox_url": "http://x/chat/",
        "profile_url": "http://x/accounts/profile/",
        "unsubscribe_url": "http://x/u/",
    },
}


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_every_kind_reaches_smtp_as_text_and_html(
    kind, smtp_settings, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email(kind=kind, to="ann@example.com", context=CONTEXTS[kind])

    [message] = smtp_settings.inbox.wait_for(1)
    assert message["To"] == "ann@example.com"
    assert message["Subject"]
    assert "\n" not in message["Subject"]
    assert "Ann & Bo" in text_of(message)  # text is not HTML-escaped
    assert "Ann &amp; Bo" in html_of(message)  # HTML is
    assert "<b>hi</b>" not in html_of(message)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (SentEmail.Status.SENT, 1)


def test_the_same_kind_and_key_is_stored_and_sent_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(
            kind="password_reset",
            to="a@x.org",
            context=CONTEXTS["password_reset"],
            key="k",
        )
        second = queue_email(
            kind="password_reset",
            to="a@x.org",
            context=CONTEXTS["password_reset"],
            key="k",
        )

    assert first is not None
    assert second is None
    assert len(mailoutbox) == 1


def test_an_smtp_failure_is_recorded_and_raised_for_a_retry(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody there
    email = SentEmail.objects.create(
        kind="password_reset", key="f", to="a@x.org", context=CONTEXTS["password_reset"]
    )

    with pytest.raises(ConnectionRefusedError):
        deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == SentEmail.Status.FAILED
    assert "ConnectionRefusedError" in email.error


@pytest.mark.parametrize("status", [SentEmail.Status.SENDING, SentEmail.Status.SENT])
def test_an_email_being_sent_or_sent_is_never_sent_again(db, mailoutbox, status):
    email = SentEmail.objects.create(
        kind="password_reset",
        key="s",
        to="a@x.org",
        status=status,
        context=CONTEXTS["password_reset"],
    )

    assert deliver(email_id=email.pk) == status
    assert mailoutbox == []


def test_queued_emails_whose_task_was_lost_are_sent(db, mailoutbox):
    stalled = SentEmail.objects.create(
        kind="password_reset",
        key="old",
        to="a@x.org",
        context=CONTEXTS["password_reset"],
    )
    SentEmail.objects.filter(pk=stalled.pk).update(
        created=timezone.now() - timedelta(minutes=6)
    )
    SentEmail.objects.create(
        kind="password_reset",
        key="new",
        to="b@x.org",
        context=CONTEXTS["password_reset"],
    )

    deliver_stalled_emails.call()

    assert [m.to for m in mailoutbox] == [["a@x.org"]]


def test_the_admin_lists_the_sent_log(client, db):
    client.force_login(StudentFactory(is_staff=True, is_superuser=True))
    SentEmail.objects.create(kind="password_reset", key="x", to="a@x.org")

    page = client.get(reverse("admin:mail_sentemail_changelist"))

    assert page.status_code == 200
    assert "a@x.org" in page.content.decode()
