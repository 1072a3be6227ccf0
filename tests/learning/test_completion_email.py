"""Completing a course e-mails the student their certificate's link, once."""

import urllib.request
from urllib.parse import urlsplit

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from educa.learning.models import Certificate
from educa.learning.services import complete_content, uncomplete_content
from educa.mail.models import SentEmail
from tests.factories import EnrollmentFactory, ModuleFactory
from tests.factories import add_content as add_item
from tests.servers import free_port, uvicorn_server
from tests.smtp import html_of, links_in, text_of
from tests.web import WebClient


@pytest.fixture
def course_contents(course):
    module = ModuleFactory(course=course)
    return [add_item(module), add_item(module, "video")]


def complete_all(student, contents) -> None:
    for content in contents:
        complete_content(student=student, content=content)


def test_the_certificate_link_reaches_smtp_and_opens_the_verification_page(
    smtp_settings,
    settings,
    client,
    course,
    course_contents,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "http://testserver"
    student = EnrollmentFactory(
        course=course,
        student__email="ada@example.com",
        student__display_name="Ada Lovelace",
    ).student

    with django_capture_on_commit_callbacks(execute=True):
        complete_all(student, course_contents)

    [message] = smtp_settings.inbox.wait_for(1)
    certificate = Certificate.objects.get()
    assert message["To"] == "ada@example.com"
    assert (
        message["Subject"].strip()
        == f"You completed “{course.title}”: your certificate"
    )
    assert "Hello Ada Lovelace," in text_of(message)
    link = f"http://testserver/certificates/{certificate.code}/"
    assert link in links_in(message)
    assert f'href="{link}"' in html_of(message)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "This certificate is genuine" in html
    assert certificate.code in html
    assert "Ada Lovelace" in html
    assert SentEmail.objects.get().status == SentEmail.Status.SENT


def test_completing_the_course_again_sends_nothing_more(
    enrolled_student, course_contents, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete_all(enrolled_student, course_contents)
        uncomplete_content(student=enrolled_student, content=course_contents[0])
        complete_content(student=enrolled_student, content=course_contents[0])

    assert [m.to for m in mailoutbox] == [[enrolled_student.email]]
    assert SentEmail.objects.filter(kind="course_completed").count() == 1


def test_progress_short_of_the_end_sends_nothing(
    enrolled_student, course_contents, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete_content(student=enrolled_student, content=course_contents[0])

    assert mailoutbox == []
    assert not SentEmail.objects.exists()


def test_a_student_without_an_address_gets_the_certificate_and_no_email(
    course, course_contents, mailoutbox, django_capture_on_commit_callbacks
):
    student = EnrollmentFactory(course=course, student__email="").student

    with django_capture_on_commit_callbacks(execute=True):
        complete_all(student, course_contents)

    assert Certificate.objects.filter(student=student).exists()
    assert mailoutbox == []
    assert not SentEmail.objects.exists()


def test_a_course_completed_on_a_live_server_emails_a_link_that_opens_there(
    smtp, live_server_env, course, course_contents
):
    student = EnrollmentFactory(course=course, student__email="ada@example.com").student
    token = RefreshToken.for_user(student).access_token
    port = free_port()
    site = f"http://127.0.0.1:{port}"

    with uvicorn_server({**live_server_env, "SITE_URL": site}, port=port) as base:
        for content in course_contents:
            request = urllib.request.Request(
                f"{base}/api/contents/{content.pk}/complete/",
                method="POST",
                headers={"Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=20) as response:
                assert response.status in (200, 201)
        [message] = smtp.inbox.wait_for(1)
        code = Certificate.objects.get(student=student).code
        link = f"{site}/certificates/{code}/"
        assert link in links_in(message)
        page = WebClient(base).get(link)

    assert message["To"] == "ada@example.com"
    assert page.status == 200
    assert "This certificate is genuine" in page.text
