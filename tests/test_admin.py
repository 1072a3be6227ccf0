"""The admin lists and edits every model of the domain."""

import pytest
from django.urls import reverse

from tests.factories import (
    EnrollmentFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)

ADMIN_MODELS = [
    "accounts_user",
    "courses_subject",
    "courses_course",
    "courses_module",
    "courses_text",
    "courses_file",
    "courses_image",
    "courses_video",
    "courses_enrollment",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(StudentFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelist_and_search(admin_client, course, model):
    module = ModuleFactory(course=course)
    for kind in ("text", "video", "image", "file"):
        add_content(module, kind)
    EnrollmentFactory(course=course)

    listing = admin_client.get(reverse(f"admin:{model}_changelist"))
    search = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "x"})

    assert (listing.status_code, search.status_code) == (200, 200)


def test_admin_course_page_has_the_module_inline(admin_client, course):
    ModuleFactory(course=course, title="Inline module")

    response = admin_client.get(
        reverse("admin:courses_course_change", args=[course.pk])
    )

    assert response.status_code == 200
    assert "Inline module" in response.content.decode()


def test_students_cannot_open_the_admin(client, student):
    client.force_login(student)

    response = client.get(reverse("admin:courses_course_changelist"))

    assert response.status_code == 302
