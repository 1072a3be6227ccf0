from django.urls import path

from educa.chat import views

urlpatterns = [
    path("chat/", views.inbox, name="chat_inbox"),
    path("chat/new/", views.new_conversation, name="chat_new"),
    path("chat/room/<int:course_id>/", views.course_chat_room, name="course_chat_room"),
    path("chat/<int:room_id>/", views.room, name="chat_room"),
    path("chat/direct/<int:user_id>/", views.start_direct, name="chat_start_direct"),
    path(
        "chat/unsubscribe/<str:token>/",
        views.missed_messages_unsubscribe,
        name="missed_messages_unsubscribe",
    ),
]
