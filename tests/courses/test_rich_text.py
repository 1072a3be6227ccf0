"""Text contents are Markdown, rendered by the one sanitized renderer on
every page and in the API; the editor previews it. Nothing executable that an
instructor writes ever reaches a page."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.models import Content, Text
from tests.factories import ModuleFactory, ReviewFactory, TextFactory
from tests.roles import sign_in
from tests.test_markdown import XSS_CORPUS, elements

pytestmark = pytest.mark.django_db

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def assert_nothing_executable(html: str) -> None:
    """No script but the site's own files, no event handler, no unsafe link."""
    for tag, attrs in elements(html):
        assert tag not in {"iframe", "style", "object", "embed", "svg", "math"}
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/js/"), attrs
        assert not [name for name in attrs if name.lower().startswith("on")], attrs
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(UNSAFE_SCHEMES), (tag, attrs)


@pytest.fixture
def text_content(course):
    module = ModuleFactory(course=course)
    item = TextFactory(course=course, title="Lesson")
    return Content.objects.create(module=module, item=item)


def _write(content: Content, source: str) -> None:
    Text.objects.filter(pk=content.object_id).update(content=source)


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_no_payload_runs_on_the_lesson_page(client, course, text_content, source):
    _write(text_content, f"Intro\n\n{source}\n\nOutro")
    sign_in(client, "enrolled", course)

    response = client.get(
        reverse("student_course_module", args=[course.pk, text_content.module_id])
    )

    assert response.status_code == 200
    assert_nothing_executable(response.content.decode())


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_no_payload_runs_in_the_apis_rendered_item(course, text_content, source):
    _write(text_content, source)
    student = sign_in(APIClient(), "enrolled", course)
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(student).access_token}"
    )

    body = api.get(f"/api/courses/{course.pk}/contents/").json()

    (content,) = body["modules"][0]["contents"]
    assert content["content"] == source  # the Markdown as written, for editors
    assert_nothing_executable(content["item"])


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_no_payload_runs_in_the_preview(client, instructor, source):
    client.force_login(instructor)

    response = client.post(reverse("markdown_preview"), {"text": source})

    assert response.status_code == 200
    assert_nothing_executable(response.json()["html"])


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_no_payload_runs_from_course_overview_or_review(client, course, source):
    course.overview = source
    course.title = source[:200]
    course.save(update_fields=["overview", "title"])
    ReviewFactory(course=course, text=source)

    catalog = client.get(reverse("course_list"))
    detail = client.get(course.get_absolute_url())

    assert_nothing_executable(catalog.content.decode())
    assert_nothing_executable(detail.content.decode())


def test_the_lesson_shows_markdown_formatted_with_highlighted_code(
    client, course, text_content
):
    _write(
        text_content, "**Bold** move.\n\n- one\n- two\n\n```python\ndef f(): pass\n```"
    )
    sign_in(client, "enrolled", course)

    html = client.get(
        reverse("student_course_module", args=[course.pk, text_content.module_id])
    ).content.decode()

    assert "<strong>Bold</strong> move." in html
    assert "<li>one</li>" in html
    code = html.split("<pre><code>", 1)[1].split("</code></pre>", 1)[0]
    assert '<span style="color:' in code
    assert "def" in code


def test_the_preview_answers_the_rendered_html(client, instructor):
    client.force_login(instructor)

    response = client.post(reverse("markdown_preview"), {"text": "# Title\n\n*hi*"})

    assert response.json() == {"html": "<h1>Title</h1>\n<p><em>hi</em></p>\n"}


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("student", 403), ("enrolled", 403)]
)
def test_the_preview_is_for_instructors(client, course, role, status):
    sign_in(client, role, course)

    response = client.post(reverse("markdown_preview"), {"text": "**x**"})

    assert response.status_code == status


def test_the_preview_refuses_a_get_and_an_oversized_text(client, instructor):
    client.force_login(instructor)

    get = client.get(reverse("markdown_preview"))
    huge = client.post(reverse("markdown_preview"), {"text": "x" * 100_001})

    assert get.status_code == 405
    assert huge.status_code == 400
    assert json.loads(huge.content) == {"detail": "Preview at most 100000 characters."}


def test_the_text_editor_has_a_preview_rendered_from_the_saved_text(
    client, course, text_content
):
    _write(text_content, "*saved*")
    client.force_login(course.owner)

    html = client.get(
        reverse("module_content_update", args=[text_content.pk])
    ).content.decode()

    assert f'data-preview-url="{reverse("markdown_preview")}"' in html
    assert "data-markdown-preview" in html
    assert "<p><em>saved</em></p>" in html
    assert "Markdown:" in html


def test_other_editors_have_no_preview(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    html = client.get(
        reverse("module_content_create", args=[module.pk, "video"])
    ).content.decode()

    assert "data-preview-url" not in html
