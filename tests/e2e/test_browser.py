"""The browser harness drives Debian's Chromium against a real server."""

from tests.e2e.conftest import screenshot
from tests.factories import CourseFactory


def test_catalog_shows_a_course_in_chromium(live_server_url, new_page):
    CourseFactory(title="Seen in a browser")
    page = new_page()

    page.goto(f"{live_server_url}/")

    assert page.get_by_role("link", name="Seen in a browser").is_visible()
    # The stylesheet loaded from the project's own static files.
    assert (
        page.locator(".site-header").evaluate("e => getComputedStyle(e).display")
        == "flex"
    )
    assert screenshot(page, "catalog").stat().st_size > 0
