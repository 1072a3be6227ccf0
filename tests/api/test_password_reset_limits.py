"""REST password reset limits: a client address over its share gets 429
with Retry-After and nothing is sent; an e-mail address over its share is
answered as always, silently."""

from educa.mail.models import SentEmail
from tests.factories import StudentFactory

RESET = "/api/password/reset/"


def test_too_many_resets_from_one_client_address_get_429_and_send_nothing(
    api, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESETS_PER_IP = 3
    StudentFactory(email="victim@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        allowed = [api.post(RESET, {"email": f"who{n}@example.com"}) for n in range(3)]
        refused = api.post(RESET, {"email": "victim@example.com"})
        other_client = api.post(
            RESET, {"email": "victim@example.com"}, REMOTE_ADDR="10.9.8.7"
        )

    assert [response.status_code for response in allowed] == [202] * 3
    assert refused.status_code == 429
    assert list(refused.json()) == ["detail"]
    assert refused.json()["detail"].startswith("Too many reset requests.")
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert other_client.status_code == 202
    assert [m.to for m in mailoutbox] == [["victim@example.com"]]  # the other one's


def test_too_many_resets_for_one_address_are_answered_alike_and_not_sent(
    api, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    StudentFactory(email="often@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [api.post(RESET, {"email": "often@example.com"}) for _ in range(3)]

    assert {(a.status_code, a.json()["detail"]) for a in answers} == {
        (202, answers[0].json()["detail"])
    }
    assert len(mailoutbox) == 2
    assert SentEmail.objects.filter(to="often@example.com").count() == 2
