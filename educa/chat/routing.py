from django.urls import path, reverse

from educa.chat.consumers import ChatConsumer, UserStreamConsumer

websocket_urlpatterns = [
    path(
        "ws/chat/room/<int:course_id>/",
        ChatConsumer.as_asgi(),
        name="chat-course-socket",
    ),
    path("ws/chat/<int:room_id>/", ChatConsumer.as_asgi(), name="chat-room-socket"),
    path("ws/realtime/", UserStreamConsumer.as_asgi(), name="user-stream-socket"),
]
# reverse() needs a URLconf named `urlpatterns`: this module is one.
urlpatterns = websocket_urlpatterns


def room_socket_path(room_id: int) -> str:
    return reverse("chat-room-socket", urlconf=__name__, args=[room_id])
