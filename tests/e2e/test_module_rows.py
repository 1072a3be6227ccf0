"""The module formset's "+ Add a module" button in Chromium: rows added in
the page without a round trip are numbered by the formset and all saved."""

import re

from playwright.sync_api import expect

from educa.courses.services import add_module
from tests.factories import PASSWORD, CourseFactory

NEW_TITLES = ["Loops", "Functions", "Classes"]


def test_three_rows_added_in_the_page_are_saved_as_three_modules(
    live_server_url, new_page
):
    course = CourseFactory(title="Python")
    add_module(course=course, by=course.owner, title="Welcome")
    page = new_page()
    page.goto(f"{live_server_url}/accounts/login/?next=/course/{course.pk}/module/")
    page.get_by_label("Username").fill(course.owner.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    rows = page.locator(".module-forms > li")
    expect(rows).to_have_count(2)  # "Welcome" and the formset's one blank row

    add = page.get_by_role("button", name="+ Add a module")
    for _ in NEW_TITLES:
        add.click()
    expect(rows).to_have_count(5)
    expect(page.locator("input[name$='-TOTAL_FORMS']")).to_have_value("5")
    expect(rows.nth(4).get_by_label("Title")).to_be_focused()
    for index, title in enumerate(NEW_TITLES, start=2):
        row = rows.nth(index)
        row.get_by_label("Title").fill(title)
        row.get_by_label("Description").fill(f"All about {title.lower()}.")
    with page.expect_navigation(url=re.compile(r"/module/$")):
        page.get_by_role("button", name="Save modules").click()

    expect(page.locator(".message.success")).to_have_text("Modules saved.")
    stored = [(m.title, m.description) for m in course.modules.order_by("order")]
    assert stored == [("Welcome", "")] + [
        (title, f"All about {title.lower()}.") for title in NEW_TITLES
    ]
    expect(rows).to_have_count(5)  # four modules and a fresh blank row
