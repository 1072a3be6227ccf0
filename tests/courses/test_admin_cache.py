"""Admin edits bypass the services, yet the cached pages follow them."""

import pytest
from django.urls import reverse

from educa.courses.models import Course
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_renaming_a_course_in_the_admin_refreshes_the_cached_catalog(
    client, course, django_capture_on_commit_callbacks
):
    client.get(reverse("course_list"))
    client.force_login(StudentFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:courses_course_change", args=[course.pk]),
            {
                "owner": course.owner.pk,
                "subject": course.subject.pk,
                "title": "Renamed in admin",
                "slug": course.slug,
                "overview": course.overview,
                "status": "published",
                "modules-TOTAL_FORMS": "0",
                "modules-INITIAL_FORMS": "0",
            },
        )
    response = client.get(reverse("course_list"))
    found = client.get(reverse("course_list"), {"q": "renamed"})

    assert Course.objects.get().title == "Renamed in admin"
    assert [c.title for c in response.context["page"].courses] == ["Renamed in admin"]
    assert [c.title for c in found.context["page"].courses] == ["Renamed in admin"]


def test_deleting_a_course_in_the_admin_refreshes_the_cached_catalog(
    client, course, django_capture_on_commit_callbacks
):
    client.get(reverse("course_list"))
    client.force_login(StudentFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:courses_course_delete", args=[course.pk]), {"post": "yes"}
        )
    response = client.get(reverse("course_list"))

    assert not Course.objects.exists()
    assert response.context["page"].courses == []
