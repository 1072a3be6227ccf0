from django.db import migrations


def create_course_rooms(apps, schema_editor):
    """Courses made before chat existed get their room and members."""
    Course = apps.get_model("courses", "Course")
    Enrollment = apps.get_model("learning", "Enrollment")
    Room = apps.get_model("chat", "Room")
    Membership = apps.get_model("chat", "Membership")
    for course in Course.objects.filter(chat_room__isnull=True).iterator():
        room = Room.objects.create(kind="course", course=course, title=course.title)
        student_ids = Enrollment.objects.filter(course=course).values_list(
            "student_id", flat=True
        )
        Membership.objects.bulk_create(
            [Membership(room=room, user_id=course.owner_id)]
            + [Membership(room=room, user_id=pk) for pk in student_ids],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("courses", "0002_initial"),
        ("learning", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_course_rooms, migrations.RunPython.noop)]
