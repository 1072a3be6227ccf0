from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "educa.realtime"
    label = "realtime"
    verbose_name = "Realtime"
