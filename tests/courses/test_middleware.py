"""`<course slug>.<site host>` leads to the course page on the site host."""

import pytest

from educa.courses.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.COURSE_SUBDOMAIN_HOST = "educa.test"
    settings.ALLOWED_HOSTS = ["educa.test", ".educa.test"]


def test_course_subdomain_redirects_to_the_course_page(client, course):
    response = client.get("/anything/", HTTP_HOST=f"{course.slug}.educa.test:8000")

    assert response.status_code == 302
    assert response["Location"] == f"http://educa.test:8000/course/{course.slug}/"


def test_unknown_course_subdomain_is_404(client, course):
    response = client.get("/", HTTP_HOST="no-such-course.educa.test")

    assert response.status_code == 404
    assert Course.objects.count() == 1


def test_www_and_the_site_host_itself_are_served_normally(client, course):
    www = client.get("/", HTTP_HOST="www.educa.test")
    site = client.get("/", HTTP_HOST="educa.test")

    assert (www.status_code, site.status_code) == (200, 200)


def test_deeper_subdomains_are_not_courses(client, course):
    response = client.get("/", HTTP_HOST=f"a.{course.slug}.educa.test")

    assert response.status_code == 200


def test_subdomains_are_off_when_no_site_host_is_set(client, course, settings):
    settings.COURSE_SUBDOMAIN_HOST = ""

    response = client.get("/", HTTP_HOST=f"{course.slug}.educa.test")

    assert response.status_code == 200
