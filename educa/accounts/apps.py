from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
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


class EducaAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with educa.accounts.admin_site.EducaAdminSite as
    `admin.site` (Django's documented way to replace the default site), named
    in INSTALLED_APPS; not this module's default (that is AccountsConfig)."""

    default = False

    default_site = "educa.accounts.admin_site.EducaAdminSite"
