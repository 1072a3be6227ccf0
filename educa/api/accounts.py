"""Accounts over the API: tokens, student sign-up and the user's own profile."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt import views as jwt_views

from educa.accounts.models import User
from educa.accounts.services import register_student, update_profile
from educa.api.throttling import AuthRateThrottle


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
    """Create a student account (rate-limited per client IP)."""

    serializer_class = RegistrationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    @extend_schema(responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = register_student(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(generics.GenericAPIView):
    """The signed-in user's own profile."""

    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(request.user).data)

    def patch(self, request: Request) -> Response:
        serializer = self.get_serializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = update_profile(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(user).data)
