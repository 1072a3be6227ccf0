"""Signing in (the seed's graphql-jwt names), signing up and who I am."""

import strawberry
import strawberry_django
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.exceptions import ValidationError as SerializerError
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)

from educa.accounts.models import User
from educa.accounts.services import sign_up_student
from educa.graphql.context import Info
from educa.graphql.errors import bad_input, unauthenticated
from educa.graphql.permissions import signed_in

# As the REST sign-up's serializer: hashing longer ones is pointless work.
PASSWORD_MAX_LENGTH = 128


@strawberry.type(name="Me")
class MeType:
    id: strawberry.ID
    username: str
    email: str
    display_name: str
    name: str
    is_instructor: bool

    @classmethod
    def of(cls, user: User) -> "MeType":
        return cls(
            id=strawberry.ID(str(user.pk)),
            username=user.username,
            email=user.email,
            display_name=user.display_name,
            name=user.name,
            is_instructor=user.is_instructor,
        )


@strawberry.type
class Tokens:
    access: str
    refresh: str


def _tokens(serializer_class, data: dict, request: HttpRequest | None) -> Tokens:
    serializer = serializer_class(data=data, context={"request": request})
    try:
        serializer.is_valid(raise_exception=True)
    except (AuthenticationFailed, InvalidToken, TokenError) as error:
        raise unauthenticated(str(getattr(error, "detail", error))) from None
    except SerializerError as error:
        raise bad_input("Invalid credentials.", error.detail) from None
    return Tokens(**serializer.validated_data)


@strawberry.type
class Query:
    @strawberry_django.field(description="The signed-in user.")
    def me(self, info: Info) -> MeType:
        return MeType.of(signed_in(info))


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="An access and a refresh token, as POST /api/token/ gives "
        "(the same limits on password guesses)."
    )
    def token_auth(self, info: Info, username: str, password: str) -> Tokens:
        return _tokens(
            TokenObtainPairSerializer,
            {"username": username, "password": password},
            info.context.http_request,
        )

    @strawberry_django.mutation(
        description="A new access token and a rotated refresh token; the old "
        "refresh token is blacklisted."
    )
    def refresh_token(self, info: Info, refresh: str) -> Tokens:
        return _tokens(TokenRefreshSerializer, {"refresh": refresh}, None)

    @strawberry_django.mutation(
        description="Student sign-up: the new account, or null when it must "
        "first confirm its address (REQUIRE_EMAIL_VERIFICATION), the same null "
        "whether or not the address already had an account, as REST's 202."
    )
    def register(
        self,
        info: Info,
        username: str,
        email: str,
        password: str,
        display_name: str = "",
    ) -> MeType | None:
        if any("\x00" in value for value in (username, email, display_name)):
            raise bad_input("Text cannot hold NUL characters.")
        if len(password) > PASSWORD_MAX_LENGTH:
            raise bad_input(
                f"The password is longer than {PASSWORD_MAX_LENGTH} characters.",
                {"password": ["Too long."]},
            )
        candidate = User(username=username, email=email)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise bad_input(
                " ".join(error.messages), {"password": error.messages}
            ) from None
        request = info.context.http_request
        user = sign_up_student(
            username=username,
            email=email,
            password=password,
            display_name=display_name,
            base_url=request.build_absolute_uri("/").rstrip("/") if request else "",
        )
        if user is None or not user.email_verified:
            return None
        return MeType.of(user)
