from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from educa.accounts.limits import TooManyPasswordGuesses, reserve_password_check
from educa.accounts.models import EMAIL_UNAVAILABLE, User


def _too_many_failures(refusal: TooManyPasswordGuesses) -> forms.ValidationError:
    return forms.ValidationError(
        "Too many failed sign-ins. Try again in %(minutes)s minute(s).",
        code="too_many_attempts",
        params={"minutes": max(1, round(refusal.wait / 60))},
    )


class PasswordLimitedFormMixin:
    """Shows a refused password check (too many failures) as a form error."""

    def clean(self) -> dict:
        try:
            return super().clean()
        except TooManyPasswordGuesses as refusal:
            raise _too_many_failures(refusal) from refusal


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with the old password's check under the account's limit: a
    borrowed session must not become a way to guess the password."""

    def clean_old_password(self) -> str:
        try:
            check = reserve_password_check(
                request=None, username=self.user.get_username()
            )
        except TooManyPasswordGuesses as refusal:
            raise _too_many_failures(refusal) from refusal
        old_password = super().clean_old_password()  # a wrong one stays counted
        check.succeeded()
        return old_password


class LoginForm(PasswordLimitedFormMixin, AuthenticationForm):
    """The sign-in page's form."""


class AdminLoginForm(PasswordLimitedFormMixin, AdminAuthenticationForm):
    """The admin's sign-in form."""


class StudentRegistrationForm(UserCreationForm):
    email = forms.EmailField(help_text="We never show it to other people.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name")
        help_texts = {"display_name": "Optional: the name other people see."}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_UNAVAILABLE)
        return email
