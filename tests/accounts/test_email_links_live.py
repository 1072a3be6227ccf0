"""E-mail change and sign-up verification end to end: a live server sends
through a real SMTP server, the test follows the link like a mail reader."""

from educa.accounts.models import User
from tests.factories import PASSWORD, StudentFactory
from tests.servers import uvicorn_server
from tests.smtp import links_in
from tests.web import WebClient


def link_to(message, part: str) -> str:
    return next(link for link in links_in(message) if part in link)


def test_an_address_change_is_confirmed_through_the_emailed_link(smtp, live_server_url):
    student = StudentFactory(email="ada@old.example")
    web = WebClient(live_server_url)
    web.sign_in(student.username, PASSWORD)

    asked = web.post(
        "/accounts/profile/",
        {"form": "email", "email": "ada@new.example", "password": PASSWORD},
    )

    assert asked.status == 200
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "ada@new.example"
    assert User.objects.get(pk=student.pk).email == "ada@old.example"
    link = link_to(message, "/email/confirm/")
    assert link.startswith(live_server_url)
    confirmed = WebClient(live_server_url).get(link)
    assert "Your account now uses ada@new.example." in confirmed.text
    assert User.objects.get(pk=student.pk).email == "ada@new.example"


def test_a_newcomer_verifies_the_address_through_the_emailed_link_then_signs_in(
    smtp, live_server_env
):
    env = {**live_server_env, "REQUIRE_EMAIL_VERIFICATION": "true"}
    with uvicorn_server(env) as base_url:
        web = WebClient(base_url)
        web.post(
            "/students/register/",
            {
                "username": "newbie",
                "email": "newbie@example.com",
                "display_name": "",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        refused = WebClient(base_url).sign_in("newbie", PASSWORD)
        [message] = smtp.inbox.wait_for(1)
        link = link_to(message, "/email/verify/")
        confirmed = WebClient(base_url).get(link)
        newcomer = WebClient(base_url)
        signed_in = newcomer.sign_in("newbie", PASSWORD)

    assert message["To"] == "newbie@example.com"
    assert link.startswith(base_url)
    assert "Confirm your e-mail address first" in refused.text
    assert "newbie@example.com is confirmed" in confirmed.text
    assert signed_in.url == base_url + "/"
    assert newcomer.signed_in()
    assert User.objects.get(username="newbie").email_verified
