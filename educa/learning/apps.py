from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "educa.learning"
    label = "learning"
    verbose_name = "Learning"
