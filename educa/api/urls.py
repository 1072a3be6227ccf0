from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from educa.api import accounts, chat, notifications

urlpatterns = [
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
    path("chat/direct/", chat.DirectRoomView.as_view(), name="chat-direct"),
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
]
