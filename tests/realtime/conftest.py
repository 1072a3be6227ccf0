from tests.websockets import _socket_test_isolation  # noqa: F401
