"""Password reset by e-mail: Django's views and tokens, the site's
templates, the e-mail service, a real SMTP server."""

import time

from educa.accounts.models import User
from educa.mail.models import SentEmail
from tests.factories import PASSWORD, StudentFactory
from tests.smtp import html_of, links_in, text_of
from tests.web import WebClient

NEW_PASSWORD = "a-brand-new-secret-42"


def reset_link(message) -> str:
    return next(link for link in links_in(message) if "/accounts/reset/" in link)


def test_forgotten_password_is_reset_through_the_emailed_link(smtp, live_server_url):
    student = StudentFactory(email="ada@example.com", display_name="Ada")
    web = WebClient(live_server_url)

    sent = web.post("/accounts/password/reset/", {"email": "ADA@example.com"})

    assert sent.url.endswith("/accounts/password/reset/sent/")
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Reset your Educa password"
    assert "Hello Ada," in text_of(message)
    link = reset_link(message)
    assert link.startswith(live_server_url)
    assert f'href="{link}"' in html_of(message)
    form = web.get(link)
    assert "Choose a new password" in form.text
    done = web.post(
        form.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.url.endswith("/accounts/reset/done/")
    newcomer = WebClient(live_server_url)
    assert newcomer.sign_in(student.username, NEW_PASSWORD).url == live_server_url + "/"
    assert newcomer.signed_in()
    assert (
        not WebClient(live_server_url)
        .sign_in(student.username, PASSWORD)
        .url.endswith(live_server_url + "/")
    )
    reused = WebClient(live_server_url).get(link)
    assert "This link does not work" in reused.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    StudentFactory(email="known@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            "/accounts/password/reset/", {"email": "nobody@example.com"}
        )
        known = client.post("/accounts/password/reset/", {"email": "known@example.com"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert [m.to for m in mailoutbox] == [["known@example.com"]]
    assert SentEmail.objects.filter(to="nobody@example.com").count() == 0


def test_an_expired_link_is_refused_and_changes_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    student = StudentFactory(email="late@example.com")
    settings.PASSWORD_RESET_TIMEOUT = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "late@example.com"})
    link = reset_link(mailoutbox[0])
    time.sleep(2.1)

    page = client.get(link, follow=True)

    assert "This link does not work" in page.content.decode()
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_a_tampered_link_is_refused(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    StudentFactory(email="t@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "t@example.com"})
    link = reset_link(mailoutbox[0])

    page = client.get(link[:-3] + "xyz/", follow=True)

    assert "This link does not work" in page.content.decode()


def test_reset_requests_are_limited_per_address_silently(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    StudentFactory(email="often@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post("/accounts/password/reset/", {"email": "often@example.com"})
            for _ in range(4)
        ]

    assert {(a.status_code, a.url) for a in answers} == {
        (302, "/accounts/password/reset/sent/")
    }
    assert len(mailoutbox) == 2


def test_reset_requests_are_limited_per_client_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_RESETS_PER_IP = 3
    StudentFactory(email="victim@example.com")
    for n in range(3):
        client.post("/accounts/password/reset/", {"email": f"x{n}@example.com"})

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            "/accounts/password/reset/", {"email": "victim@example.com"}
        )

    assert refused.status_code == 429
    assert "Too many reset requests" in refused.content.decode()
    assert mailoutbox == []


def test_a_reset_verifies_the_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    student = StudentFactory(email="new@example.com", email_verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "new@example.com"})
    form = client.get(reset_link(mailoutbox[0]), follow=True)

    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    student = User.objects.get(pk=student.pk)
    assert student.check_password(NEW_PASSWORD)
    assert student.email_verified
