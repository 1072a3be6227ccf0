from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "educa.ops"
    label = "ops"
    verbose_name = "Operations"
