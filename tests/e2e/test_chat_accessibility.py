"""axe-core (axe-playwright-python) finds no serious or critical issue on the
chat, inbox, notifications and course pages; on a phone the composer stays
on screen while typing."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from educa.chat.services import post_message
from educa.realtime.notify import notify_user
from tests.e2e.test_chat_everyday import open_room, sign_in
from tests.factories import EnrollmentFactory, ModuleFactory

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/chat/room/{course}/",
        "/chat/",
        "/chat/new/",
        "/notifications/",
        "/course/{slug}/",
        "/students/course/{course}/",
    ],
)
def test_no_serious_or_critical_accessibility_issue(
    live_server_url, new_page, course, path
):
    student = EnrollmentFactory(course=course).student
    ModuleFactory(course=course)
    for n in range(3):
        post_message(
            room=course.chat_room, sender=course.owner, body=f"**Hello** `{n}`"
        )
    notify_user(student.pk, {"type": "x.y", "text": "Something new", "url": "/"})
    page = new_page()
    url = path.format(course=course.pk, slug=course.slug)
    sign_in(page, live_server_url, student, url)
    if "chat/room" in url:
        expect(page.locator("#chat-status")).to_have_text("Connected")
    # The live counts are in: the page is as a reader sees it.
    expect(page.locator("#messages-link")).to_have_attribute(
        "aria-label", re.compile(r"Messages: \d+ unread")
    )

    assert serious_violations(page) == []


def test_the_chat_log_is_announced_and_reachable_by_keyboard(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    page = new_page()
    open_room(page, live_server_url, student, course)

    log = page.get_by_role("log")

    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_attribute("tabindex", "0")
    log.focus()
    expect(log).to_be_focused()


def test_on_a_phone_the_composer_stays_on_screen_while_typing(
    live_server_url, browser, course
):
    student = EnrollmentFactory(course=course).student
    for n in range(60):
        post_message(room=course.chat_room, sender=course.owner, body=f"Line {n}")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        open_room(page, live_server_url, student, course)
        box = page.locator("#chat-message-input")

        box.focus()
        box.type("Typing on a phone, line one")
        box.press("Shift+Enter")
        box.type("and line two")

        for element in (box, page.locator("#chat-message-submit")):
            bounds = element.bounding_box()
            assert bounds is not None
            assert bounds["y"] >= 0
            assert bounds["y"] + bounds["height"] <= 844
            assert bounds["x"] >= 0
            assert bounds["x"] + bounds["width"] <= 390
        expect(page.locator("#chat .chat-body").last).to_have_text("Line 59")
    finally:
        context.close()
