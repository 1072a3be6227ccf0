from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "educa.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from educa.accounts.services import ensure_instructors_group

        # The course permissions exist only after the courses app's own
        # post_migrate, and a test-database flush empties the group table:
        # hooking the courses app's post_migrate covers both, the way Django
        # creates its own permissions.
        post_migrate.connect(
            lambda **kwargs: ensure_instructors_group(),
            sender=apps.get_app_config("courses"),
            dispatch_uid="educa.accounts.ensure_instructors_group",
            weak=False,
        )
