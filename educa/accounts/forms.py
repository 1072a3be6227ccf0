from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from educa.accounts.limits import TooManyPasswordGuesses
from educa.accounts.models import EMAIL_UNAVAILABLE, User


class PasswordLimitedFormMixin:
    """Shows a refused password check (too many failures) as a form error."""

    def clean(self) -> dict:
        try:
            return super().clean()
        except TooManyPasswordGuesses as refusal:
            minutes = max(1, round(refusal.wait / 60))
            raise forms.ValidationError(
                "Too many failed sign-ins. Try again in %(minutes)s minute(s).",
                code="too_many_attempts",
                params={"minutes": minutes},
            ) from refusal


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
