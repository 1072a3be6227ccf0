import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def as_user(db):
    """`as_user(user)`: a client sending that user's Bearer access token."""

    def client_for(user) -> APIClient:
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return client_for


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; PBKDF2's million rounds dominate otherwise.

    The uvicorn subprocess of the fuzz test keeps the production hashers, so
    that test signs in with tokens minted here rather than with passwords.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
