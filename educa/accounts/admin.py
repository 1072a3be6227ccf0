from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from educa.accounts.models import User
from educa.accounts.services import deactivate_user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
    search_fields = ("username", "email", "display_name")

    actions = ["deactivate"]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            deactivate_user(user=obj)

    @admin.action(description="Deactivate the selected people (closes their sockets)")
    def deactivate(self, request, queryset) -> None:
        for user in queryset:
            deactivate_user(user=user)
