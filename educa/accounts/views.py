import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe

from educa.accounts.avatars import initials_svg
from educa.accounts.forms import (
    EmailChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    StudentRegistrationForm,
)
from educa.accounts.limits import TooManyPasswordResets, reserve_password_reset
from educa.accounts.models import User
from educa.accounts.services import (
    change_avatar,
    confirm_email_change,
    remove_avatar,
    request_email_change,
    sign_up_student,
    update_profile,
    verify_email,
)

# What store_avatars writes: 32 hex digits, a size, ".webp".
AVATAR_FILE = re.compile(r"^[0-9a-f]{32}-\d{2,3}\.webp$")
ONE_YEAR = 365 * 24 * 3600


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@sensitive_post_parameters("password1", "password2")
def register(request: HttpRequest) -> HttpResponse:
    """Student self-registration; the new student is logged in at once (or,
    with REQUIRE_EMAIL_VERIFICATION, once they follow the e-mailed link)."""
    if request.user.is_authenticated:
        return redirect("course_list")
    form = StudentRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = sign_up_student(
            username=form.cleaned_data["username"],
            email=email,
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            base_url=_base_url(request),
        )
        if user is None or not user.email_verified:
            # The same page whether the address was free or had an account.
            return render(request, "accounts/verify_sent.html", {"email": email})
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, f"Welcome to Educa, {user.name}!")
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return redirect(next_url)
        return redirect("course_list")
    return render(request, "accounts/register.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "Forgot your password?" page, limited per client address and
    per e-mail address. Known or not, an address gets the same answer."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            allowed = reserve_password_reset(
                request=self.request, email=form.cleaned_data["email"]
            )
        except TooManyPasswordResets as refusal:
            form.add_error(
                None,
                "Too many reset requests from your network. Try again in "
                f"{max(1, round(refusal.wait / 60))} minute(s).",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not allowed:  # answered as if sent: the limit must not tell
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Edit my profile (name, picture, bio, e-mail preferences) and ask to
    change my e-mail address."""
    user = request.user
    profile_form = ProfileForm(instance=user)
    email_form = EmailChangeForm(user=user)
    if request.method == "POST" and request.POST.get("form") == "email":
        email_form = EmailChangeForm(request.POST, user=user)
        if email_form.is_valid():
            try:
                request_email_change(
                    user=user,
                    new_email=email_form.cleaned_data["email"],
                    base_url=_base_url(request),
                )
            except ValidationError as error:
                email_form.add_error("email", error.messages)
            else:
                messages.success(
                    request,
                    f"We sent a link to {email_form.cleaned_data['email']}: "
                    "your address changes once you follow it.",
                )
                return redirect("profile")
    elif request.method == "POST":
        # An invalid form must not leave its values on the signed-in user.
        profile_form = ProfileForm(
            request.POST, request.FILES, instance=User.objects.get(pk=user.pk)
        )
        if profile_form.is_valid():
            try:
                _save_profile(user, profile_form.cleaned_data)
            except ValidationError as error:
                profile_form.add_error("avatar_upload", error.messages)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"profile_form": profile_form, "email_form": email_form},
    )


def _save_profile(user, data: dict) -> None:
    if upload := data.get("avatar_upload"):
        change_avatar(user=user, upload=upload)
    elif data.get("remove_avatar"):
        remove_avatar(user=user)
    update_profile(
        user=user,
        display_name=data["display_name"],
        bio=data["bio"],
        email_missed_messages=data["email_missed_messages"],
    )


def _link_outcome(
    request: HttpRequest, token: str, service, success: str
) -> HttpResponse:
    try:
        user = service(token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/link_invalid.html",
            {"reason": " ".join(error.messages)},
            status=400,
        )
    return render(request, "accounts/link_done.html", {"message": success % user.email})


@require_safe
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new address: the account now uses it."""
    return _link_outcome(
        request, token, confirm_email_change, "Your account now uses %s."
    )


@require_safe
def verify_address(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent at sign-up: the account may now sign in."""
    return _link_outcome(
        request,
        token,
        verify_email,
        "Thank you: %s is confirmed. You can sign in now.",
    )


@require_safe
@cache_control(public=True, max_age=ONE_YEAR, immutable=True)
def initials_avatar(request: HttpRequest, hue: int, initials: str) -> HttpResponse:
    """The generated picture of people without one (no database access)."""
    letters_ok = initials == "?" or (len(initials) <= 2 and initials.isalnum())
    if not (letters_ok and 0 <= hue < 360):
        raise Http404("No such picture.")
    return HttpResponse(
        initials_svg(letters=initials, hue=hue), content_type="image/svg+xml"
    )


@require_safe
def avatar_file(request: HttpRequest, user_id: int, name: str) -> HttpResponse:
    """Uploaded avatars, when Django serves media (nginx does in production)."""
    path = f"avatars/{user_id}/{name}"
    if not AVATAR_FILE.match(name) or not default_storage.exists(path):
        raise Http404("No such picture.")
    response = FileResponse(default_storage.open(path), content_type="image/webp")
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
