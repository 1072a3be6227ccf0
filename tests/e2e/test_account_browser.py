"""Account journeys in Chromium: a forgotten password reset through the
SMTP server, and a new profile picture showing in the header and the chat."""

from PIL import Image
from playwright.sync_api import expect

from educa.accounts.models import User
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, EnrollmentFactory, StudentFactory
from tests.smtp import links_in

NEW_PASSWORD = "correct-horse-staple-9"


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_forgot_password_journey_through_the_emailed_link(
    smtp, live_server_url, new_page
):
    person = StudentFactory(email="grace@example.com", display_name="Grace")
    page = new_page()
    page.goto(f"{live_server_url}/accounts/login/")

    page.click("text=Forgot your password?")
    page.fill("#id_email", "grace@example.com")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your inbox")
    [message] = smtp.inbox.wait_for(1)
    link = next(link for link in links_in(message) if "/accounts/reset/" in link)
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your new password is set")
    page.click("text=Sign in")
    page.fill("#id_username", person.username)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator(".who")).to_contain_text("Grace")
    assert User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)
    screenshot(page, "password-reset-signed-in")


def picture(tmp_path):
    path = tmp_path / "me.png"
    Image.new("RGB", (320, 240), (20, 120, 200)).save(path)
    return path


def test_a_new_picture_shows_in_the_header_and_the_chat(
    live_server_url, new_page, course, tmp_path
):
    me = EnrollmentFactory(course=course).student
    classmate = EnrollmentFactory(course=course).student
    page, other = new_page(), new_page()
    sign_in(page, live_server_url, me.username, PASSWORD)
    page.goto(f"{live_server_url}/accounts/profile/")

    page.fill("#id_display_name", "Ada Pictured")
    page.fill("#id_bio", "I like engines.")
    page.set_input_files("#id_avatar_upload", str(picture(tmp_path)))
    page.click("#profile-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")
    me.refresh_from_db()
    url = me.avatar_url(64)
    assert url.endswith("-64.webp")
    expect(page.locator(".who img")).to_have_attribute("src", url)
    sign_in(other, live_server_url, classmate.username, PASSWORD)
    other.goto(f"{live_server_url}/chat/room/{course.pk}/")
    expect(other.locator("#chat-status")).to_have_text("Connected")
    page.goto(f"{live_server_url}/chat/room/{course.pk}/")
    expect(page.locator("#chat-status")).to_have_text("Connected")
    page.fill("#chat-message-input", "Look, a picture")
    page.press("#chat-message-input", "Enter")

    live = other.locator(".chat-message", has_text="Look, a picture")
    expect(live.locator("img.chat-avatar")).to_have_attribute("src", url)
    expect(live.locator(".chat-user")).to_have_text("Ada Pictured")
    assert live.locator("img.chat-avatar").evaluate("img => img.naturalWidth") == 64
    other.reload()
    stored = other.locator(".chat-message", has_text="Look, a picture")
    expect(stored.locator("img.chat-avatar")).to_have_attribute("src", url)
    screenshot(other, "chat-with-avatar")
