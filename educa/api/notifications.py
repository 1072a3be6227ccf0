"""REST transport for notifications: the list and marking them read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from educa.realtime.models import Notification
from educa.realtime.selectors import (
    notification_text,
    notification_url,
    user_notifications,
)
from educa.realtime.services import mark_notifications_read


class NotificationSerializer(serializers.ModelSerializer):
    """A notification with its sentence (`text`) and the site path it is
    about (`url`, or null), as the pages and the live frame show them."""

    read = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "payload", "text", "url", "created", "read", "read_at"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None

    def get_text(self, notification: Notification) -> str:
        return notification_text(notification)

    def get_url(self, notification: Notification) -> str | None:
        return notification_url(notification)


class NotificationListView(ListAPIView):
    """My notifications, newest first (`?unread=true` for unread only)."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        notifications = user_notifications(self.request.user.pk)
        if self.request.query_params.get("unread") in {"1", "true"}:
            notifications = notifications.filter(read_at__isnull=True)
        return notifications


class ReadNotificationsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
    )
    up_to = serializers.IntegerField(required=False, min_value=1)


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ReadNotificationsView(APIView):
    """Mark notifications read: `ids`, all `up_to` an id, or (empty body) all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReadNotificationsSerializer, responses=UnreadSerializer)
    def post(self, request: Request) -> Response:
        payload = ReadNotificationsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        unread = mark_notifications_read(
            user_id=request.user.pk, **payload.validated_data
        )
        return Response({"unread": unread})
