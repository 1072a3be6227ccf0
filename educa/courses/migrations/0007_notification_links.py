from django.db import migrations


def link_course_notifications(apps, schema_editor):
    """Notifications stored before they linked anywhere get the page they
    are about, as new ones carry: the course's page for enrollments, the
    module's for new content."""
    Notification = apps.get_model("realtime", "Notification")
    Course = apps.get_model("courses", "Course")
    stale = Notification.objects.filter(
        kind__in=["enrollment.created", "enrollment.deleted", "course.content_added"]
    ).exclude(payload__has_key="url")
    slugs = {}
    for notification in stale.iterator(chunk_size=500):
        payload = notification.payload
        course_id = payload.get("course_id")
        if notification.kind == "course.content_added":
            payload["url"] = (
                f"/students/course/{course_id}/{payload.get('module_id')}/"
            )
        else:
            if course_id not in slugs:
                slugs[course_id] = (
                    Course.objects.filter(pk=course_id)
                    .values_list("slug", flat=True)
                    .first()
                )
            if slugs[course_id] is None:
                continue
            payload["url"] = f"/course/{slugs[course_id]}/"
        notification.save(update_fields=["payload"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_quiz"),
        ("realtime", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(link_course_notifications, migrations.RunPython.noop)
    ]
