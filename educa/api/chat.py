"""REST transport for chat: rooms, history, direct and group rooms, people,
edits and deletions, read markers, files."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from educa.accounts.models import User
from educa.chat.access import message_for, room_for
from educa.chat.attachments import attachment_for, upload_attachment
from educa.chat.editing import delete_message, edit_message
from educa.chat.models import Message, Room
from educa.chat.routing import room_socket_path
from educa.chat.selectors import (
    HISTORY_LIMIT,
    MAX_HISTORY_LIMIT,
    attachment_frame,
    message_frame,
    people_sharing_courses,
    room_history,
    room_title,
    rooms_for_user,
)
from educa.chat.services import (
    MAX_GROUP_MEMBERS,
    MAX_MESSAGE_LENGTH,
    MAX_TITLE_LENGTH,
    NO_SUCH_PERSON,
    create_group_room,
    mark_read,
    open_direct_room,
)


class LastMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="last_message_id")
    message = serializers.CharField(source="last_message_body")
    user = serializers.CharField(source="last_message_user")
    name = serializers.CharField(source="last_message_name")
    datetime = serializers.DateTimeField(source="last_message_created")
    deleted = serializers.SerializerMethodField()

    def get_deleted(self, room: Room) -> bool:
        return room.last_message_deleted is not None


class RoomSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    course_id = serializers.IntegerField(allow_null=True)
    unread = serializers.IntegerField()
    last_read_message_id = serializers.IntegerField(source="last_read")
    first_unread_id = serializers.IntegerField(allow_null=True)
    last_message = serializers.SerializerMethodField()
    socket = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "course_id",
            "unread",
            "last_read_message_id",
            "first_unread_id",
            "last_message",
            "socket",
        ]

    def get_title(self, room: Room) -> str:
        return room_title(room)

    @extend_schema_field(LastMessageSerializer(allow_null=True))
    def get_last_message(self, room: Room) -> dict | None:
        if room.last_message_id is None:
            return None
        return LastMessageSerializer(room).data

    def get_socket(self, room: Room) -> str:
        return room_socket_path(room.pk)


class GroupRoomRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH)
    member_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=MAX_GROUP_MEMBERS,
    )


class RoomListView(ListAPIView):
    """My rooms, latest activity first, with unread counts and last message;
    POST makes a group room of people I share a course with."""

    permission_classes = [IsAuthenticated]
    serializer_class = RoomSerializer

    def get_queryset(self):
        return rooms_for_user(self.request.user)

    @extend_schema(request=GroupRoomRequestSerializer, responses={201: RoomSerializer})
    def post(self, request: Request) -> Response:
        payload = GroupRoomRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        members = list(User.objects.filter(pk__in=payload.validated_data["member_ids"]))
        try:
            room = create_group_room(
                by=request.user,
                title=payload.validated_data["title"],
                members=members,
            )
        except DjangoValidationError as error:
            field = "title" if error.code == "title" else "member_ids"
            raise serializers.ValidationError({field: error.messages}) from None
        data = RoomSerializer(rooms_for_user(request.user).get(pk=room.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class PeopleView(ListAPIView):
    """People I share a course with (whom a direct or group room may hold),
    by name; `?search=` matches names and usernames."""

    permission_classes = [IsAuthenticated]
    serializer_class = PersonSerializer

    @extend_schema(parameters=[OpenApiParameter("search", str, required=False)])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        search = str(self.request.query_params.get("search", "")).strip()[:100]
        return people_sharing_courses(self.request.user, search=search)


def _room(user: User, room_id: int) -> Room:
    """The room, for its people: 404 when there is none, 403 for others."""
    try:
        return room_for(user, room_id=room_id)
    except Room.DoesNotExist:
        raise Http404("No such room.") from None


class HistoryQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(required=False, min_value=1)
    after = serializers.IntegerField(required=False, min_value=0)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_HISTORY_LIMIT, default=HISTORY_LIMIT
    )


class MessageSerializer(serializers.Serializer):
    """The `chat_message` frame the socket sends, for the same message."""

    type = serializers.CharField()
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    html = serializers.CharField(allow_blank=True)
    user = serializers.CharField()
    name = serializers.CharField()
    user_id = serializers.IntegerField()
    datetime = serializers.DateTimeField()
    client_id = serializers.UUIDField(allow_null=True)
    mentions = serializers.ListField(child=serializers.CharField())
    attachments = serializers.ListField(child=serializers.DictField())
    edited = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    moderated = serializers.BooleanField(
        required=False, help_text="Only on deleted messages."
    )


class HistorySerializer(serializers.Serializer):
    results = MessageSerializer(many=True)


class RoomMessagesView(APIView):
    """A page of a room's history, oldest first, by id cursor.

    `?before=<id>` scrolls back (the latest `limit` before it); `?after=<id>`
    catches up (the first `limit` after it); neither gives the latest.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[HistoryQuerySerializer], responses=HistorySerializer)
    def get(self, request: Request, room_id: int) -> Response:
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        room = _room(request.user, room_id)
        messages = room_history(room.pk, **query.validated_data)
        return Response({"results": [message_frame(m) for m in messages]})


class EditRequestSerializer(serializers.Serializer):
    # Trimmed and checked by the service, which says why a text is refused.
    message = serializers.CharField(
        trim_whitespace=False, allow_blank=True, max_length=MAX_MESSAGE_LENGTH * 2
    )


def _message(user: User, message_id: int) -> Message:
    """The message, for its room's people: 404 when there is none, 403 for
    others (as rooms)."""
    try:
        return message_for(user, message_id)
    except (Message.DoesNotExist, Room.DoesNotExist):
        raise Http404("No such message.") from None


class MessageDetailView(APIView):
    """One message (the `chat_message` frame); PATCH edits its text (its
    author, within CHAT_EDIT_WINDOW_MINUTES); DELETE deletes it (its author
    within the window, or the course room's instructor). Everyone in the
    room hears the change."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MessageSerializer)
    def get(self, request: Request, message_id: int) -> Response:
        message = _message(request.user, message_id)
        return Response(message_frame(message))

    @extend_schema(request=EditRequestSerializer, responses=MessageSerializer)
    def patch(self, request: Request, message_id: int) -> Response:
        payload = EditRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = edit_message(
            message=_message(request.user, message_id),
            by=request.user,
            body=payload.validated_data["message"],
        )
        return Response(message_frame(message))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, message_id: int) -> Response:
        delete_message(message=_message(request.user, message_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DirectRoomRequestSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1)


class DirectRoomView(APIView):
    """Open (or get) my direct room with another person: 201 when new."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=DirectRoomRequestSerializer,
        responses={200: RoomSerializer, 201: RoomSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = DirectRoomRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        other = User.objects.filter(
            pk=payload.validated_data["user_id"], is_active=True
        ).first()
        if other is None:
            raise serializers.ValidationError({"user_id": [NO_SUCH_PERSON]})
        try:
            room, created = open_direct_room(user=request.user, other=other)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"user_id": error.messages}) from None
        data = RoomSerializer(rooms_for_user(request.user).get(pk=room.pk)).data
        return Response(
            data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReadRequestSerializer(serializers.Serializer):
    message_id = serializers.IntegerField(min_value=1)


class ReadResponseSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    last_read_message_id = serializers.IntegerField()


class RoomReadView(APIView):
    """Move my read marker in the room forward to `message_id`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReadRequestSerializer, responses=ReadResponseSerializer)
    def post(self, request: Request, room_id: int) -> Response:
        payload = ReadRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = mark_read(
            room=_room(request.user, room_id),
            user=request.user,
            message_id=payload.validated_data["message_id"],
        )
        return Response(
            {
                "room": membership.room_id,
                "last_read_message_id": membership.last_read_message_id,
            }
        )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return attachment_frame(attachment)["url"]

    def get_image(self, attachment) -> bool:
        return attachment_frame(attachment)["image"]


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttachmentUploadView(APIView):
    """Upload a file to a room; send its id in a message's `attachments`."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=AttachmentUploadSerializer, responses={201: AttachmentSerializer}
    )
    def post(self, request: Request, room_id: int) -> Response:
        payload = AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = upload_attachment(
            room=_room(request.user, room_id),
            user=request.user,
            file=payload.validated_data["file"],
        )
        return Response(
            AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )


class AttachmentDownloadView(APIView):
    """The file, for members of its room only (always as a download)."""

    permission_classes = [IsAuthenticated]

    # Served as the type its name says (text/plain, image/png…), always as a
    # download: the schema names no single type.
    @extend_schema(responses={(200, "*/*"): bytes})
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = attachment_for(request.user, attachment_id)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
