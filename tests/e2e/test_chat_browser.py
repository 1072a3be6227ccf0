"""Two students chat live in a course room, each in their own browser context."""

from playwright.sync_api import Page, expect

from educa.courses.services import enroll
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, EnrollmentFactory


def sign_in_to_room(page: Page, base_url: str, user, course) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/chat/room/{course.pk}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#chat-status")).to_have_text("Connected")


def test_two_students_chat_live_and_markup_stays_text(
    live_server_url, new_page, course, enrolled_student
):
    classmate = EnrollmentFactory(course=course).student
    ada, bob = new_page(), new_page()
    dialogs = []
    for page in (ada, bob):
        page.on(
            "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
        )
    sign_in_to_room(ada, live_server_url, enrolled_student, course)
    sign_in_to_room(bob, live_server_url, classmate, course)

    ada.fill("#chat-message-input", "Hello from Ada")
    ada.press("#chat-message-input", "Enter")
    expect(bob.locator(".chat-body", has_text="Hello from Ada")).to_be_visible()
    bob.fill("#chat-message-input", "<img src=x onerror=alert(1)>")
    bob.press("#chat-message-input", "Enter")
    payload = ada.locator(".chat-body", has_text="<img src=x")
    expect(payload).to_be_visible()

    assert payload.text_content() == "<img src=x onerror=alert(1)>"
    assert ada.locator("#chat .chat-body img").count() == 0
    assert dialogs == []
    mine = ada.locator(".chat-message.mine .chat-body")
    expect(mine).to_have_text(["Hello from Ada"])
    screenshot(ada, "chat-room")


def test_bell_counts_a_new_enrollment_live(live_server_url, new_page, course, student):
    page = new_page()
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("#id_username", course.owner.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")

    enroll(student=student, course=course)

    expect(bell.locator(".badge")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
