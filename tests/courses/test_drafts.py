"""Drafts: seen only by their instructor on every transport, until published;
students who took a course keep it when it is unpublished."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.models import Course, Enrollment
from educa.courses.services import (
    create_course,
    enroll,
    publish_course,
    unpublish_course,
)
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    StudentFactory,
    SubjectFactory,
    add_content,
)
from tests.roles import sign_in

pytestmark = pytest.mark.django_db

DRAFT = Course.Status.DRAFT
# Who sees a draft in lists, and who may open its page.
LISTED = {"anonymous": False, "student": False, "other_instructor": False}
OPENS = {**LISTED, "owner": True}


@pytest.fixture
def draft(instructor):
    course = CourseFactory(
        owner=instructor,
        status=DRAFT,
        title="Secret Pythonic Draft",
        slug="secret-draft",
        subject=SubjectFactory(slug="secrets"),
    )
    ModuleFactory(course=course, title="Hidden module")
    return course


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_new_course_starts_as_a_draft(instructor):
    course = create_course(
        owner=instructor,
        subject=SubjectFactory(),
        title="Fresh",
        overview="New.",
    )

    assert course.status == DRAFT
    assert course.published_at is None


@pytest.mark.parametrize("role", [*LISTED, "owner"])
def test_the_catalog_lists_a_draft_to_its_instructor_only(client, draft, role):
    CourseFactory(title="Public course")
    sign_in(client, role, draft)

    catalog = client.get(reverse("course_list"))
    subject_page = client.get(reverse("course_list_subject", args=["secrets"]))

    titles = [c.title for c in catalog.context["page"].courses]
    expected = role == "owner"
    assert ("Secret Pythonic Draft" in titles) is expected
    assert "Public course" in titles
    assert bool(subject_page.context["page"].courses) is expected
    assert ("Secret Pythonic Draft" in catalog.content.decode()) is expected


@pytest.mark.parametrize("role", [*LISTED, "owner"])
def test_search_finds_a_draft_for_its_instructor_only(client, draft, role):
    sign_in(client, role, draft)

    by_title = client.get(reverse("course_list"), {"q": "pythonic"})
    by_module = client.get(reverse("course_list"), {"q": "hidden"})

    expected = ["Secret Pythonic Draft"] if role == "owner" else []
    assert [c.title for c in by_title.context["page"].courses] == expected
    assert [c.title for c in by_module.context["page"].courses] == expected


@pytest.mark.parametrize(
    ("role", "status"), [*((r, 404) for r in LISTED), ("owner", 200)]
)
def test_a_drafts_page_opens_for_its_instructor_only(client, draft, role, status):
    sign_in(client, role, draft)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == status
    if status == 404:
        assert "Secret Pythonic Draft" not in response.content.decode()


def test_the_owner_sees_the_draft_banner_and_a_publish_button(client, draft):
    client.force_login(draft.owner)

    html = client.get(draft.get_absolute_url()).content.decode()

    assert "This course is a draft: only you can see it." in html
    assert reverse("course_publish", args=[draft.pk]) in html


def test_preview_as_student_shows_the_page_without_the_instructors_panel(client, draft):
    client.force_login(draft.owner)

    response = client.get(draft.get_absolute_url(), {"preview": ""})

    html = response.content.decode()
    assert response.context["preview"] is True
    assert "Preview: this is the page as a student sees it" in html
    assert "Edit modules" not in html
    assert "Students can enroll once you publish the course." in html


def test_preview_is_for_the_instructor_only(client, course, student):
    client.force_login(student)

    response = client.get(course.get_absolute_url(), {"preview": ""})

    assert response.context["preview"] is False


@pytest.mark.parametrize("role", [*LISTED, "owner"])
def test_the_api_lists_a_draft_to_its_instructor_only(draft, role):
    user = {"anonymous": None, "owner": draft.owner}.get(role)
    if role == "student":
        user = StudentFactory()
    elif role == "other_instructor":
        user = InstructorFactory()
    CourseFactory(title="Public course")

    listed = _api(user).get("/api/courses/").json()
    searched = _api(user).get("/api/courses/", {"search": "pythonic"}).json()
    detail = _api(user).get(f"/api/courses/{draft.pk}/")

    titles = [c["title"] for c in listed["results"]]
    expected = role == "owner"
    assert ("Secret Pythonic Draft" in titles) is expected
    assert searched["count"] == (1 if expected else 0)
    assert detail.status_code == (200 if expected else 404)


def test_the_api_shows_the_owner_their_draft_with_its_status(draft):
    body = _api(draft.owner).get(f"/api/courses/{draft.pk}/").json()

    assert (body["status"], body["published_at"]) == ("draft", None)
    assert [m["title"] for m in body["modules"]] == ["Hidden module"]


@pytest.mark.parametrize("role", ["student", "other_instructor"])
def test_enrolling_in_someone_elses_draft_is_a_404_and_changes_nothing(draft, role):
    user = StudentFactory() if role == "student" else InstructorFactory()

    api = _api(user).post(f"/api/courses/{draft.pk}/enroll/")
    contents = _api(user).get(f"/api/courses/{draft.pk}/contents/")

    assert (api.status_code, contents.status_code) == (404, 404)
    assert not Enrollment.objects.exists()


def test_enrolling_in_a_draft_from_the_page_is_a_404(client, draft, student):
    client.force_login(student)

    response = client.post(reverse("student_enroll_course", args=[draft.pk]))

    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_the_enroll_service_refuses_a_draft(draft, student):
    with pytest.raises(PermissionDenied, match="not open"):
        enroll(student=student, course=draft)

    assert not Enrollment.objects.exists()


def test_the_subdomain_of_a_draft_is_a_404(client, draft, settings):
    settings.COURSE_SUBDOMAIN_HOST = "educa.test"
    settings.ALLOWED_HOSTS = ["educa.test", ".educa.test"]

    response = client.get("/", HTTP_HOST=f"{draft.slug}.educa.test")

    assert response.status_code == 404


def test_subject_counts_and_popular_courses_leave_drafts_out(client, draft):
    EnrollmentFactory(course=draft)
    CourseFactory(subject=draft.subject, title="Open course")

    subjects = client.get("/api/subjects/").json()["results"]
    page = client.get(reverse("course_list"))

    assert [(s["total_courses"], s["popular_courses"]) for s in subjects] == [
        (1, ["Open course (0)"])
    ]
    assert [s.total_courses for s in page.context["page"].subjects] == [1]


def test_publishing_needs_content(draft):
    with pytest.raises(ValidationError, match="Add a module with some content"):
        publish_course(course=draft, by=draft.owner)

    draft.refresh_from_db()
    assert draft.status == DRAFT


def test_publishing_opens_the_course_to_everyone(
    client, draft, django_capture_on_commit_callbacks
):
    add_content(draft.modules.get())
    client.get(reverse("course_list"))  # the anonymous catalog is now cached

    with django_capture_on_commit_callbacks(execute=True):
        publish_course(course=draft, by=draft.owner)

    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    catalog = client.get(reverse("course_list"))
    assert [c.title for c in catalog.context["page"].courses] == [draft.title]
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_only_the_owner_may_publish_or_unpublish(draft, course):
    add_content(draft.modules.get())
    other = InstructorFactory()

    with pytest.raises(PermissionDenied):
        publish_course(course=draft, by=other)
    with pytest.raises(PermissionDenied):
        unpublish_course(course=course, by=other)

    draft.refresh_from_db()
    course.refresh_from_db()
    assert (draft.status, course.status) == (DRAFT, Course.Status.PUBLISHED)


def test_the_publish_page_publishes_and_comes_back(client, draft):
    add_content(draft.modules.get())
    client.force_login(draft.owner)

    response = client.post(
        reverse("course_publish", args=[draft.pk]),
        {"next": draft.get_absolute_url()},
    )

    draft.refresh_from_db()
    assert draft.is_published
    assert response["Location"] == draft.get_absolute_url()


def test_publishing_an_empty_course_on_the_page_says_why(client, draft):
    client.force_login(draft.owner)

    response = client.post(reverse("course_publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == DRAFT
    assert "Add a module with some content" in response.content.decode()


def test_an_offsite_next_is_ignored(client, draft):
    client.force_login(draft.owner)

    response = client.post(
        reverse("course_unpublish", args=[draft.pk]),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("manage_course_list")


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("student", 403), ("other_instructor", 404)],
)
def test_others_cannot_publish_or_unpublish_on_the_pages(
    client, draft, course, role, status
):
    add_content(draft.modules.get())
    sign_in(client, role, course)

    publish = client.post(reverse("course_publish", args=[draft.pk]))
    unpublish = client.post(reverse("course_unpublish", args=[course.pk]))

    draft.refresh_from_db()
    course.refresh_from_db()
    assert (publish.status_code, unpublish.status_code) == (status, status)
    assert (draft.status, course.status) == (DRAFT, Course.Status.PUBLISHED)


@pytest.mark.parametrize("role", ["student", "other_instructor"])
def test_others_cannot_publish_over_the_api(draft, role):
    add_content(draft.modules.get())
    user = StudentFactory() if role == "student" else InstructorFactory()

    response = _api(user).post(f"/api/courses/{draft.pk}/publish/")

    draft.refresh_from_db()
    assert response.status_code == (403 if role == "student" else 404)
    assert draft.status == DRAFT


def test_the_owner_publishes_and_unpublishes_over_the_api(draft):
    add_content(draft.modules.get())
    api = _api(draft.owner)

    published = api.post(f"/api/courses/{draft.pk}/publish/")
    unpublished = api.post(f"/api/courses/{draft.pk}/unpublish/")

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert unpublished.json()["status"] == "draft"


def test_publishing_an_empty_course_over_the_api_is_a_400(draft):
    response = _api(draft.owner).post(f"/api/courses/{draft.pk}/publish/")

    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Add a module with some content before publishing the course."]
    }


def test_a_course_created_over_the_api_is_a_draft(instructor):
    response = _api(instructor).post(
        "/api/courses/",
        {"subject": SubjectFactory().pk, "title": "API course", "overview": "x"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["slug"] == "api-course"
    assert _api(None).get("/api/courses/").json()["count"] == 0


def test_students_keep_an_unpublished_course(client, course):
    student = EnrollmentFactory(course=course).student
    add_content(ModuleFactory(course=course))

    unpublish_course(course=course, by=course.owner)

    client.force_login(student)
    page = client.get(course.get_absolute_url())
    lessons = client.get(reverse("student_course_detail", args=[course.pk]))
    mine = client.get(reverse("student_course_list"))
    contents = _api(student).get(f"/api/courses/{course.pk}/contents/")
    my_courses = _api(student).get("/api/me/courses/").json()
    catalog = client.get(reverse("course_list"))
    assert (page.status_code, lessons.status_code, contents.status_code) == (
        200,
        200,
        200,
    )
    assert "no longer offered" in page.content.decode()
    assert [c.title for c in mine.context["courses"]] == [course.title]
    assert [c["title"] for c in my_courses["results"]] == [course.title]
    assert catalog.context["page"].courses == []


def test_the_cached_catalog_is_never_served_to_someone_with_drafts(client, draft):
    client.get(reverse("course_list"))  # cached for everyone without drafts
    client.force_login(draft.owner)

    response = client.get(reverse("course_list"))

    assert [c.title for c in response.context["page"].courses] == [draft.title]
