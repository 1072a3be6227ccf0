from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "educa.chat"
    label = "chat"
    verbose_name = "Chat"
