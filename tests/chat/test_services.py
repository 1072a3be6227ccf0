import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from educa.chat.access import room_for
from educa.chat.models import Membership, Message, Room
from educa.chat.permissions import can_archive_room, may_use_room
from educa.chat.selectors import room_members
from educa.chat.services import (
    archive_room,
    create_group_room,
    mark_read,
    open_direct_room,
    post_message,
)
from educa.courses.services import add_content, create_course, enroll, unenroll
from educa.realtime.models import Notification
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    StudentFactory,
    SubjectFactory,
)


def classmates(student, instructor) -> None:
    """Direct rooms are for people who share a course."""
    EnrollmentFactory(course=CourseFactory(owner=instructor), student=student)


def members(room: Room) -> set[int]:
    return set(room_members(room).values_list("pk", flat=True))


def test_a_new_course_room_opens_on_first_visit_with_the_instructor_inside(
    instructor,
):
    course = create_course(
        owner=instructor,
        subject=SubjectFactory(),
        title="Chatty",
        slug="chatty",
        overview="o",
    )

    room = room_for(instructor, course_id=course.pk)

    assert room == Room.objects.get(course=course)
    assert room.kind == Room.Kind.COURSE
    assert members(room) == {instructor.pk}


def test_enrolling_grants_the_room_and_notifies_the_instructor(course, student):
    enroll(student=student, course=course)

    assert members(course.chat_room) == {course.owner_id, student.pk}
    notification = Notification.objects.get()
    assert notification.user_id == course.owner_id
    assert notification.kind == "enrollment.created"
    assert notification.payload["student_id"] == student.pk


def test_enrolling_twice_notifies_once(course, student):
    enroll(student=student, course=course)

    enroll(student=student, course=course)

    assert Notification.objects.count() == 1


def test_unenrolling_takes_the_student_out_of_the_room(course, enrolled_student):
    unenroll(student=enrolled_student, course=course)

    assert members(course.chat_room) == {course.owner_id}
    assert not may_use_room(enrolled_student, course.chat_room)
    with pytest.raises(PermissionDenied):
        room_for(enrolled_student, course_id=course.pk)
    assert Notification.objects.get().kind == "enrollment.deleted"


def test_new_content_notifies_the_enrolled_students_only(course, enrolled_student):
    module = ModuleFactory(course=course)
    StudentFactory()

    content = add_content(
        module=module, by=course.owner, kind="text", title="New!", content="c"
    )

    notification = Notification.objects.get()
    assert notification.user_id == enrolled_student.pk
    assert notification.kind == "course.content_added"
    assert notification.payload["content_id"] == content.pk
    assert notification.payload["title"] == "New!"


def test_non_member_cannot_post_and_nothing_is_stored(course, student):
    with pytest.raises(PermissionDenied):
        post_message(room=course.chat_room, sender=student, body="hi")

    assert not Message.objects.exists()


def test_direct_room_is_one_per_pair_whichever_side_opens_it(student, instructor):
    classmates(student, instructor)
    room, created = open_direct_room(user=student, other=instructor)

    again, created_again = open_direct_room(user=instructor, other=student)

    assert created is True
    assert created_again is False
    assert again == room
    assert members(room) == {student.pk, instructor.pk}


def test_direct_room_with_someone_who_shares_no_course_is_refused(student, instructor):
    with pytest.raises(ValidationError):
        open_direct_room(user=student, other=instructor)

    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_direct_room_with_oneself_is_refused(student):
    with pytest.raises(ValidationError):
        open_direct_room(user=student, other=student)

    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_direct_message_notifies_the_other_person(student, instructor):
    classmates(student, instructor)
    room, _ = open_direct_room(user=student, other=instructor)

    post_message(room=room, sender=student, body="psst")

    notification = Notification.objects.get()
    assert notification.user_id == instructor.pk
    assert notification.kind == "chat.direct_message"
    assert notification.payload["excerpt"] == "psst"


def test_group_room_holds_its_creator_and_members(student, instructor):
    classmates(student, instructor)

    room = create_group_room(by=student, title=" Study group ", members=[instructor])

    assert room.title == "Study group"
    assert members(room) == {student.pk, instructor.pk}


def test_read_marker_never_moves_backward(course, enrolled_student):
    room = course.chat_room
    first, _ = post_message(room=room, sender=course.owner, body="1")
    second, _ = post_message(room=room, sender=course.owner, body="2")

    mark_read(room=room, user=enrolled_student, message_id=second.pk)
    mark_read(room=room, user=enrolled_student, message_id=first.pk)

    membership = Membership.objects.get(room=room, user=enrolled_student)
    assert membership.last_read_message_id == second.pk


def test_only_the_instructor_archives_a_course_room(course, enrolled_student):
    room = course.chat_room

    with pytest.raises(PermissionDenied):
        archive_room(room=room, by=enrolled_student)
    room.refresh_from_db()
    assert room.status == Room.Status.ACTIVE

    archive_room(room=room, by=course.owner)
    room.refresh_from_db()
    assert room.status == Room.Status.ARCHIVED
    assert may_use_room(enrolled_student, room)


def test_archive_permissions_by_room_kind(
    course, student, instructor, other_instructor
):
    classmates(student, instructor)
    direct, _ = open_direct_room(user=student, other=instructor)
    group = create_group_room(by=student, title="g", members=[instructor])

    assert can_archive_room(course.owner, course.chat_room)
    assert not can_archive_room(other_instructor, course.chat_room)
    assert can_archive_room(instructor, direct)
    assert not can_archive_room(other_instructor, direct)
    assert can_archive_room(student, group)
    assert not can_archive_room(instructor, group)


@pytest.mark.django_db(transaction=True)
def test_plain_message_from_a_student_costs_the_check_the_order_lock_and_one_insert(
    course, enrolled_student, django_assert_num_queries
):
    room = Room.objects.select_related("course").get(pk=course.chat_room.pk)
    # Enrolled? Lock the room's order, INSERT, unlock: no transaction.
    with django_assert_num_queries(4):
        message, created = post_message(
            room=room,
            sender=enrolled_student,
            body="  hello  ",
            client_id=uuid.uuid4(),
        )

    stored = Message.objects.get()
    assert created is True
    assert (stored.pk, stored.body, stored.sender_id) == (
        message.pk,
        "hello",
        enrolled_student.pk,
    )
    assert stored.created == message.created
    assert stored.client_id == message.client_id


def test_resent_client_id_returns_the_first_message_and_stores_nothing(
    course, enrolled_student
):
    client_id = uuid.uuid4()
    room = course.chat_room
    first, _ = post_message(
        room=room, sender=enrolled_student, body="once", client_id=client_id
    )

    again, created = post_message(
        room=room, sender=enrolled_student, body="once", client_id=client_id
    )

    assert created is False
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_archived_room_refuses_messages_and_stores_nothing(course, enrolled_student):
    archive_room(room=course.chat_room, by=course.owner)

    with pytest.raises(ValidationError) as refused:
        post_message(room=course.chat_room, sender=enrolled_student, body="hi")

    assert refused.value.code == "room_archived"
    assert not Message.objects.exists()
