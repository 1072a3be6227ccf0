import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError

from educa.accounts import models
from educa.accounts.avatars import avatar_url
from educa.accounts.models import INSTRUCTORS_GROUP
from tests.factories import StudentFactory


def test_instructors_group_grants_course_authoring(instructor, student):
    assert instructor.is_instructor
    assert instructor.has_perms(
        [
            "courses.add_course",
            "courses.change_module",
            "courses.delete_content",
            "courses.add_video",
        ]
    )
    assert not student.is_instructor


def test_instructors_group_exists_after_migrate(db):
    group = Group.objects.get(name=INSTRUCTORS_GROUP)

    assert group.permissions.filter(codename="add_course").exists()


def test_email_is_unique_ignoring_case(student):
    with pytest.raises(IntegrityError):
        StudentFactory(email=student.email.upper())


def test_name_prefers_the_display_name(db):
    assert StudentFactory(display_name="Ada L.").name == "Ada L."
    assert StudentFactory(username="plain", display_name="").name == "plain"


def test_avatar_url_is_worked_out_once_per_picture_name_and_size(db, monkeypatch):
    person = StudentFactory(display_name="Ada Lovelace")
    worked_out = []

    def counting(**kwargs):
        worked_out.append(kwargs)
        return avatar_url(**kwargs)

    monkeypatch.setattr(models, "avatar_url", counting)

    first = person.avatar_url(64)
    assert person.avatar_url(64) == first
    assert len(worked_out) == 1

    person.display_name = "Grace Hopper"
    renamed = person.avatar_url(64)
    person.avatar = f"avatars/{person.pk}/abc"
    uploaded = person.avatar_url(64)

    assert len(worked_out) == 3
    assert renamed != first
    assert renamed.endswith("/GH.svg")
    assert uploaded.endswith(f"avatars/{person.pk}/abc-64.webp")
