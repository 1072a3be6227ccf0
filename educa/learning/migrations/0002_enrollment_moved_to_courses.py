from django.db import migrations


class Migration(migrations.Migration):
    """Enrollment now belongs to courses (courses 0003); the table is kept."""

    dependencies = [
        ("learning", "0001_initial"),
        ("courses", "0003_enrollment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Enrollment")],
            database_operations=[],
        ),
    ]
