"""Accounts over the API: tokens, student sign-up, the user's own profile,
picture, password and e-mail address, and password reset."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import ValidationError as FormValidationError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt import views as jwt_views

from educa.accounts.avatars import AVATAR_SIZES
from educa.accounts.forms import check_current_password
from educa.accounts.limits import TooManyPasswordResets, reserve_password_reset
from educa.accounts.models import User
from educa.accounts.services import (
    change_avatar,
    change_password,
    remove_avatar,
    request_email_change,
    reset_password,
    send_password_reset,
    sign_up_student,
    update_profile,
)
from educa.api.throttling import AuthRateThrottle

RESET_SENT = "If an account uses this address, we sent it a link to reset its password."


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    throttle_classes = [AuthRateThrottle]


class TokenRefreshView(jwt_views.TokenRefreshView):
    throttle_classes = [AuthRateThrottle]


class TokenBlacklistView(jwt_views.TokenBlacklistView):
    pass


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    is_instructor = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "name", "is_instructor"]
        read_only_fields = ["id", "username"]
        # Uniqueness (case-insensitive email) is the service's full_clean.
        extra_kwargs = {"email": {"validators": []}}


class MeSerializer(UserSerializer):
    avatar = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [
            *UserSerializer.Meta.fields,
            "bio",
            "avatar",
            "email_missed_messages",
            "email_verified",
        ]
        read_only_fields = [*UserSerializer.Meta.read_only_fields, "email_verified"]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_avatar(self, user: User) -> dict[str, str]:
        """The picture's URL at each stored size: {"64": url, "128": url, ...}."""
        return {str(size): user.avatar_url(size) for size in AVATAR_SIZES}

    def validate_email(self, email: str) -> str:
        if email.casefold() != self.instance.email.casefold():
            raise serializers.ValidationError(
                "Change your address with POST /api/me/email/: it changes once "
                "the link sent to the new address is followed."
            )
        return email


class RegistrationSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True)
    display_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict) -> dict:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from error
        return attrs


class RegisterView(generics.GenericAPIView):
    """Create a student account (rate-limited per client IP): 201 with the
    account, or with REQUIRE_EMAIL_VERIFICATION 202 and the same answer
    whether the address was free or already had an account (whose owner is
    e-mailed a notice; nothing is created)."""

    serializer_class = RegistrationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        responses={
            201: UserSerializer,
            202: inline_serializer("SignUpSent", {"detail": serializers.CharField()}),
        }
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_up_student(
            **serializer.validated_data,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        if user is None or not user.email_verified:
            email = serializer.validated_data["email"]
            return Response(
                {
                    "detail": f"We sent a link to {email}. Follow it to confirm "
                    "the address, then sign in."
                },
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(generics.GenericAPIView):
    """The signed-in user's own profile."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(request.user).data)

    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("email", None)  # unchanged (validate_email)
        user = update_profile(user=request.user, **fields)
        return Response(self.get_serializer(user).data)


def _form_errors(error: FormValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError({"detail": error.messages})


class AvatarSerializer(serializers.Serializer):
    avatar = serializers.FileField()


class AvatarView(generics.GenericAPIView):
    """Upload my picture (multipart `avatar`): checked and resized, or 400.
    DELETE goes back to the initials."""

    serializer_class = AvatarSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: MeSerializer})
    def put(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = change_avatar(
            user=request.user, upload=serializer.validated_data["avatar"]
        )
        return Response(MeSerializer(user).data)

    post = put

    @extend_schema(request=None, responses={200: MeSerializer})
    def delete(self, request: Request) -> Response:
        return Response(MeSerializer(remove_avatar(user=request.user)).data)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, write_only=True)
    new_password = serializers.CharField(max_length=128, write_only=True)

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        try:
            check_current_password(user, attrs["old_password"])
        except FormValidationError as error:
            if error.code == "too_many_attempts":
                raise exceptions.Throttled(detail=error.messages[0]) from error
            raise serializers.ValidationError(
                {"old_password": error.messages}
            ) from error
        try:
            validate_password(attrs["new_password"], user=user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {"new_password": error.messages}
            ) from error
        return attrs


class PasswordChangeView(generics.GenericAPIView):
    """Change my password (the current one is checked, under the account's
    limit on wrong guesses)."""

    serializer_class = PasswordChangeSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: inline_serializer("Done", {"detail": serializers.CharField()})}
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change_password(
            user=request.user, password=serializer.validated_data["new_password"]
        )
        return Response({"detail": "Your password is changed."})


class EmailChangeSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True)


class EmailChangeView(generics.GenericAPIView):
    """Ask to use a new address: a link is e-mailed to it; the address
    changes when the link is followed."""

    serializer_class = EmailChangeSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={202: inline_serializer("Sent", {"detail": serializers.CharField()})}
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            check_current_password(request.user, serializer.validated_data["password"])
        except FormValidationError as error:
            if error.code == "too_many_attempts":
                raise exceptions.Throttled(detail=error.messages[0]) from error
            raise serializers.ValidationError({"password": error.messages}) from error
        email = serializer.validated_data["email"]
        request_email_change(
            user=request.user,
            new_email=email,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        return Response(
            {"detail": f"We sent a link to {email}: follow it to use this address."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetView(generics.GenericAPIView):
    """E-mail a password reset link. The answer is the same whether or not
    an account has the address; limited per client address (429) and per
    e-mail address (silently)."""

    serializer_class = PasswordResetSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        responses={
            202: inline_serializer("ResetSent", {"detail": serializers.CharField()})
        }
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        try:
            allowed = reserve_password_reset(request=request, email=email)
        except TooManyPasswordResets as refusal:
            raise exceptions.Throttled(
                wait=refusal.wait, detail="Too many reset requests."
            ) from refusal
        if allowed:
            send_password_reset(
                email=email, base_url=request.build_absolute_uri("/").rstrip("/")
            )
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, write_only=True)

    def validate(self, attrs: dict) -> dict:
        try:
            user_id = int(force_str(urlsafe_base64_decode(attrs["uid"])))
            user = User.objects.get(pk=user_id, is_active=True)
        except (ValueError, TypeError, OverflowError, User.DoesNotExist):
            user = None
        if user is None or not default_token_generator.check_token(
            user, attrs["token"]
        ):
            raise serializers.ValidationError(
                {"token": "The reset link is invalid, used or expired."}
            )
        try:
            validate_password(attrs["new_password"], user=user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {"new_password": error.messages}
            ) from error
        attrs["user"] = user
        return attrs


class PasswordResetConfirmView(generics.GenericAPIView):
    """Set a new password with the `uid` and `token` of a reset link (the
    last two parts of its path)."""

    serializer_class = PasswordResetConfirmSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        responses={
            200: inline_serializer("ResetDone", {"detail": serializers.CharField()})
        }
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reset_password(
            user=serializer.validated_data["user"],
            password=serializer.validated_data["new_password"],
        )
        return Response({"detail": "Your new password is set."})
