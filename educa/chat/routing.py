from django.urls import path

from educa.chat.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/chat/room/<int:course_id>/", ChatConsumer.as_asgi()),
    path("ws/chat/<int:room_id>/", ChatConsumer.as_asgi()),
]
