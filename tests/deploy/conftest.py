"""The browser fixtures of tests/e2e, for journeys through nginx."""

from tests.e2e.conftest import browser, new_page

__all__ = ["browser", "new_page"]
