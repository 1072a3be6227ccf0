from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from educa.api import (
    accounts,
    chat,
    courses,
    learning,
    modules,
    notifications,
    quizzes,
    subjects,
)
from educa.api.exceptions import not_found

router = SimpleRouter()
router.register("subjects", subjects.SubjectViewSet, basename="subject")
router.register("courses", courses.CourseViewSet, basename="course")
router.register("courses", learning.CourseLearningViewSet, basename="course-learning")
router.register("modules", modules.ModuleViewSet, basename="module")
router.register("contents", modules.ContentViewSet, basename="content")
router.register("contents", quizzes.ContentProgressViewSet, basename="content-progress")
router.register("courses", quizzes.CourseOutcomesViewSet, basename="course-outcomes")

urlpatterns = [
    # First: the catalog, contents and authoring routes take most requests.
    path("", include(router.urls)),
    path(
        "quizzes/<int:pk>/attempts/",
        quizzes.QuizAttemptsView.as_view(),
        name="quiz-attempts",
    ),
    path("attempts/<int:pk>/", quizzes.AttemptView.as_view(), name="attempt"),
    path(
        "attempts/<int:pk>/submit/",
        quizzes.AttemptSubmitView.as_view(),
        name="attempt-submit",
    ),
    path(
        "certificates/<str:code>/",
        quizzes.CertificateView.as_view(),
        name="certificate",
    ),
    path("token/", accounts.TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", accounts.TokenRefreshView.as_view(), name="token_refresh"),
    path(
        "token/blacklist/",
        accounts.TokenBlacklistView.as_view(),
        name="token_blacklist",
    ),
    path("chat/rooms/", chat.RoomListView.as_view(), name="chat-rooms"),
    path(
        "chat/rooms/<int:room_id>/messages/",
        chat.RoomMessagesView.as_view(),
        name="chat-room-messages",
    ),
    path(
        "chat/rooms/<int:room_id>/read/",
        chat.RoomReadView.as_view(),
        name="chat-room-read",
    ),
    path(
        "chat/rooms/<int:room_id>/attachments/",
        chat.AttachmentUploadView.as_view(),
        name="chat-room-attachments",
    ),
    path(
        "chat/attachments/<int:attachment_id>/",
        chat.AttachmentDownloadView.as_view(),
        name="chat-attachment",
    ),
    path(
        "chat/messages/<int:message_id>/",
        chat.MessageDetailView.as_view(),
        name="chat-message",
    ),
    path("chat/direct/", chat.DirectRoomView.as_view(), name="chat-direct"),
    path("chat/people/", chat.PeopleView.as_view(), name="chat-people"),
    path(
        "notifications/",
        notifications.NotificationListView.as_view(),
        name="notifications",
    ),
    path(
        "notifications/read/",
        notifications.ReadNotificationsView.as_view(),
        name="notifications-read",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("register/", accounts.RegisterView.as_view(), name="register"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/avatar/", accounts.AvatarView.as_view(), name="me-avatar"),
    path("me/password/", accounts.PasswordChangeView.as_view(), name="me-password"),
    path("me/email/", accounts.EmailChangeView.as_view(), name="me-email"),
    path(
        "password/reset/", accounts.PasswordResetView.as_view(), name="password-reset"
    ),
    path(
        "password/reset/confirm/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/courses/", learning.MyCoursesView.as_view(), name="my-courses"),
    # Last: ids the routes do not match (`1.5`, `a/b`) get a JSON 404, not
    # Django's HTML page. Paths without the trailing slash still redirect.
    re_path(r"^(?P<path>.*)/$", not_found),
]
