from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "educa.mail"
    label = "mail"
    verbose_name = "E-mail"
