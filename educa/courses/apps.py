from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "educa.courses"
    label = "courses"
    verbose_name = "Courses"
