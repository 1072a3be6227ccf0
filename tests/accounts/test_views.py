from django.urls import reverse
from django.utils.html import escape

from educa.accounts.models import EMAIL_UNAVAILABLE, User
from tests.factories import PASSWORD


def _register(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "display_name": "New Bie",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        **overrides,
    }
    return client.post(reverse("student_registration"), data)


def test_registration_page_renders_a_labelled_form(client, db):
    response = client.get(reverse("student_registration"))

    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content


def test_registration_creates_a_student_and_logs_them_in(client, db):
    response = _register(client)

    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert (user.email, user.display_name, user.is_instructor) == (
        "newbie@example.com",
        "New Bie",
        False,
    )
    assert client.get(reverse("course_list")).context["user"] == user


def test_registration_rejects_an_email_in_use_whatever_its_case(client, student):
    response = _register(client, email=student.email.upper())

    assert response.status_code == 200
    assert escape(str(EMAIL_UNAVAILABLE)) in response.content.decode()
    assert "already exists" not in response.content.decode()
    assert User.objects.count() == 1


def test_registration_rejects_mismatched_passwords(client, db):
    response = _register(client, password2="something-else-entirely")

    assert response.status_code == 200
    assert not User.objects.exists()


def test_registration_never_redirects_off_site(client, db):
    response = client.post(
        reverse("student_registration") + "?next=https://evil.example/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.url == reverse("course_list")


def test_login_with_valid_credentials(client, student):
    response = client.post(
        reverse("login"), {"username": student.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_login_with_a_wrong_password_stays_on_the_form(client, student):
    response = client.post(
        reverse("login"), {"username": student.username, "password": "nope"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_signs_the_user_out(client, student):
    client.force_login(student)

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session


def test_password_change_requires_login(client, db):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change(client, student):
    client.force_login(student)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "an-even-better-passphrase",
            "new_password2": "an-even-better-passphrase",
        },
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("an-even-better-passphrase")
