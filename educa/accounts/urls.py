from django.contrib.auth import views as auth_views
from django.urls import path

from educa.accounts import views
from educa.accounts.forms import LoginForm, PasswordChangeForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/email/confirm/<str:token>/",
        views.confirm_email,
        name="confirm_email_change",
    ),
    path(
        "accounts/email/verify/<str:token>/",
        views.verify_address,
        name="verify_email",
    ),
    path(
        "avatars/<int:hue>/<str:initials>.svg",
        views.initials_avatar,
        name="initials_avatar",
    ),
    path(
        "media/avatars/<int:user_id>/<str:name>",
        views.avatar_file,
        name="avatar_file",
    ),
    path("students/register/", views.register, name="student_registration"),
]
