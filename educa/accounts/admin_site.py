"""The admin site: Django's, with its password checks under the limits on
password guesses (educa/accounts/limits.py), as on the sign-in pages."""

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from educa.accounts.forms import AdminLoginForm, AdminPasswordChangeForm


class EducaAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def password_change(self, request, extra_context=None):
        """Django's view with the form that checks the old password under the
        account's limit (AdminSite has no setting for this form)."""
        options = {
            "form_class": AdminPasswordChangeForm,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            options["template_name"] = self.password_change_template
        request.current_app = self.name
        return PasswordChangeView.as_view(**options)(request)
