from datetime import timedelta

from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from educa.accounts.websocket_auth import query_token, user_for_access_token
from tests.websockets import blacklist


def test_valid_access_token_stands_for_its_user(student):
    assert user_for_access_token(str(AccessToken.for_user(student))) == student


def test_expired_access_token_stands_for_nobody(student):
    token = AccessToken.for_user(student)
    token.set_exp(lifetime=-timedelta(seconds=1))

    assert user_for_access_token(str(token)) is None


def test_refresh_token_is_not_an_access_token(student):
    assert user_for_access_token(str(RefreshToken.for_user(student))) is None


def test_token_of_a_deactivated_user_stands_for_nobody(student):
    token = str(AccessToken.for_user(student))
    student.is_active = False
    student.save(update_fields=["is_active"])

    assert user_for_access_token(token) is None


def test_blacklisted_access_token_stands_for_nobody(student):
    token = AccessToken.for_user(student)
    blacklist(token, student)

    assert user_for_access_token(str(token)) is None


def test_token_is_read_from_the_query_string():
    assert query_token({"query_string": b"after=3&token=abc"}) == "abc"
    assert query_token({"query_string": b"after=3"}) is None
