import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Enrollment moves from learning to courses; its table stays as it is."""

    dependencies = [
        ("courses", "0002_initial"),
        ("learning", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Enrollment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("enrolled_at", models.DateTimeField(auto_now_add=True)),
                        ("course", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="enrollments", to="courses.course")),
                        ("student", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="enrollments", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "learning_enrollment",
                        "ordering": ["-enrolled_at"],
                        "constraints": [models.UniqueConstraint(fields=("student", "course"), name="enrollment_unique")],
                    },
                ),
                migrations.AlterField(
                    model_name="course",
                    name="students",
                    field=models.ManyToManyField(blank=True, related_name="courses_joined", through="courses.Enrollment", to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[],
        ),
    ]
