from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from educa.accounts.avatars import AVATAR_SIZES
from educa.accounts.limits import TooManyPasswordGuesses, reserve_password_check
from educa.accounts.models import EMAIL_UNAVAILABLE, User
from educa.accounts.services import may_sign_in, reset_password, send_password_reset


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


def check_current_password(user: User, password: str) -> None:
    """ValidationError unless `password` is the user's, counted under the
    account's limit: a borrowed session must not become a way to guess it."""
    try:
        check = reserve_password_check(request=None, username=user.get_username())
    except TooManyPasswordGuesses as refusal:
        raise _too_many_failures(refusal) from refusal
    if not user.check_password(password):  # a wrong one stays counted
        raise forms.ValidationError(
            "Your password was entered incorrectly.", code="password_incorrect"
        )
    check.succeeded()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with the old password's check under the account's limit."""

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        check_current_password(self.user, old_password)
        return old_password


class AdminPasswordChangeForm(PasswordChangeForm):
    """The admin's own password change (/admin/password_change/)."""

    required_css_class = "required"


class LoginForm(PasswordLimitedFormMixin, AuthenticationForm):
    """The sign-in page's form."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not may_sign_in(user):
            raise forms.ValidationError(
                "Confirm your e-mail address first: follow the link we sent "
                "to it when you signed up.",
                code="email_not_verified",
            )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, sending through educa.accounts.services (the e-mail
    service and its templates) instead of its own mail code."""

    def save(self, *, request, **kwargs) -> None:
        send_password_reset(
            email=self.cleaned_data["email"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password from a reset link, set by the service."""

    def save(self, commit: bool = True) -> User:
        return reset_password(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class ProfileForm(forms.ModelForm):
    avatar_upload = forms.FileField(
        label="Picture",
        required=False,
        help_text=(
            f"PNG, JPEG, GIF or WebP; shown at up to {AVATAR_SIZES[-1]} pixels square."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_avatar = forms.BooleanField(
        label="Use my initials instead of a picture", required=False
    )

    class Meta:
        model = User
        fields = ("display_name", "bio", "email_missed_messages")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "display_name": "The name other people see (else your username).",
            "bio": "A few words about you, on your public profile (500 characters).",
            "email_missed_messages": (
                "When a direct message or a mention waits unread for a while."
            ),
        }


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New e-mail address", max_length=254)
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_current_password(self.user, password)
        return password


class AdminLoginForm(PasswordLimitedFormMixin, AdminAuthenticationForm):
    """The admin's sign-in form."""


class StudentRegistrationForm(UserCreationForm):
    email = forms.EmailField(help_text="We never show it to other people.")
    field_order = ("username", "email", "display_name", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = User
        # Not "email": the model's unique address constraint would refuse a
        # taken one, which with REQUIRE_EMAIL_VERIFICATION must look like any
        # sign-up (sign_up_student); clean_email decides instead.
        fields = ("username", "display_name")
        help_texts = {"display_name": "Optional: the name other people see."}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if (
            not settings.REQUIRE_EMAIL_VERIFICATION
            and User.objects.filter(email__iexact=email).exists()
        ):
            raise forms.ValidationError(EMAIL_UNAVAILABLE)
        self.instance.email = email  # for the password's similarity check
        return email
