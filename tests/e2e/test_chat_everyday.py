"""Chat as a class lives in it, in real browsers (one Playwright context per
person, two tabs for one person): unread counts that clear everywhere,
notifications that link, starting a conversation, scrolling back, messages
that are never silently lost, files, edits, deletions and moderation."""

import re

from playwright.sync_api import Page, expect

from educa.chat.editing import delete_message, edit_message
from educa.chat.models import Message
from educa.chat.services import mark_read, post_message
from educa.courses.services import enroll
from educa.realtime.models import Notification
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, EnrollmentFactory, StudentFactory, png_upload
from tests.servers import free_port, uvicorn_server


def sign_in(page: Page, base_url: str, user, next_path: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("#")[0]) + r"(#.*)?$"))


def open_room(page: Page, base_url: str, user, course) -> None:
    sign_in(page, base_url, user, f"/chat/room/{course.pk}/")
    expect(page.locator("#chat-status")).to_have_text("Connected")


def send(page: Page, text: str) -> None:
    page.fill("#chat-message-input", text)
    page.press("#chat-message-input", "Enter")


def say(course, user, *bodies: str) -> list[Message]:
    return [
        post_message(room=course.chat_room, sender=user, body=body)[0]
        for body in bodies
    ]


def test_unread_clears_live_on_a_second_tab(live_server_url, new_page, course):
    student = EnrollmentFactory(course=course).student
    say(course, course.owner, "one", "two", "three")
    inbox = new_page()
    sign_in(inbox, live_server_url, student, "/chat/")
    messages = inbox.locator("#messages-link")
    row = inbox.locator(f'#room-list [data-room="{course.chat_room.pk}"]')
    expect(messages).to_have_attribute("aria-label", "Messages: 3 unread")
    expect(row.locator(".room-unread")).to_have_text("3")

    room = inbox.context.new_page()  # a second tab of the same person
    room.goto(f"{live_server_url}/chat/room/{course.pk}/")
    expect(room.locator("#chat-unread-divider")).to_be_visible()

    expect(messages).to_have_attribute("aria-label", "Messages: 0 unread")
    expect(messages.locator(".badge")).to_be_hidden()
    expect(row.locator(".room-unread")).to_be_hidden()
    say(course, course.owner, "four")
    expect(messages).to_have_attribute("aria-label", "Messages: 0 unread")
    expect(room.locator(".chat-body", has_text="four")).to_be_visible()
    screenshot(inbox, "chat-inbox-read")


def test_a_new_message_counts_live_where_it_is_not_read(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    page = new_page()
    sign_in(page, live_server_url, student, "/chat/")
    row = page.locator(f'#room-list [data-room="{course.chat_room.pk}"]')
    expect(page.locator("#messages-link")).to_have_attribute(
        "aria-label", "Messages: 0 unread"
    )

    say(course, course.owner, "Homework is up")

    expect(page.locator("#messages-link .badge")).to_have_text("1")
    expect(row.locator(".room-unread")).to_have_text("1")
    expect(row.locator(".room-preview")).to_have_text(
        f"{course.owner.name}: Homework is up"
    )


def test_a_notification_reads_as_a_sentence_and_its_link_marks_it_read(
    live_server_url, new_page, course
):
    grace = StudentFactory(display_name="Grace Hopper")
    page = new_page()
    sign_in(page, live_server_url, course.owner, "/notifications/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")

    enroll(student=grace, course=course)

    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    link = page.get_by_role("link", name=f"Grace Hopper enrolled in {course.title}")
    link.click()
    page.wait_for_url(f"{live_server_url}/course/{course.slug}/")
    expect(page.locator("#notification-bell")).to_have_attribute(
        "aria-label", "Notifications: 0 unread"
    )
    assert Notification.objects.get().read_at is not None


def test_starting_a_direct_message_from_a_name_in_the_room_and_the_picker(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    classmate = EnrollmentFactory(course=course).student
    say(course, course.owner, "Questions welcome")
    instructor = new_page()
    sign_in(instructor, live_server_url, course.owner, "/chat/")
    page = new_page()
    open_room(page, live_server_url, student, course)

    page.get_by_role("button", name=course.owner.name).first.click()
    expect(page.locator("#chat-status")).to_have_text("Connected")
    expect(page.locator("#chat-title")).to_have_text(course.owner.name)
    send(page, "Can I ask you something?")

    row = instructor.locator("#room-list .room-row", has_text=student.name)
    expect(row.locator(".room-preview")).to_have_text(
        f"{student.name}: Can I ask you something?"
    )
    expect(instructor.locator("#messages-link .badge")).to_have_text("1")
    page.goto(f"{live_server_url}/chat/new/")
    page.fill("#people-search", classmate.display_name)
    page.press("#people-search", "Enter")
    page.get_by_role("button", name=f"Message {classmate.name}").click()
    expect(page.locator("#chat-title")).to_have_text(classmate.name)


def test_making_a_group_room(live_server_url, new_page, course):
    student = EnrollmentFactory(course=course).student
    classmate = EnrollmentFactory(course=course).student
    page = new_page()
    sign_in(page, live_server_url, student, "/chat/new/")

    page.get_by_label(classmate.name).check()
    page.fill("#group-title", "Study group")
    page.get_by_role("button", name="Create group room").click()

    expect(page.locator("#chat-title")).to_have_text("Study group")
    expect(page.locator("#chat-status")).to_have_text("Connected")


def test_scrolling_up_loads_older_messages_to_the_beginning(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    stored = say(course, course.owner, *[f"Message {n}" for n in range(120)])
    mark_read(room=course.chat_room, user=student, message_id=stored[-1].pk)
    page = new_page()
    open_room(page, live_server_url, student, course)
    bodies = page.locator("#chat .chat-body")
    expect(bodies).to_have_count(50)
    expect(page.locator("#chat-earlier")).to_be_visible()
    expect(page.locator("#chat-beginning")).to_be_hidden()
    expect(page.locator("#chat-jump")).to_be_hidden()  # nothing unread

    for _ in range(3):
        page.locator("#chat-log").evaluate("log => { log.scrollTop = 0; }")
        page.wait_for_timeout(300)
    expect(page.locator("#chat-beginning")).to_be_visible()

    expect(page.locator("#chat-earlier")).to_be_hidden()
    expect(bodies).to_have_count(120)
    assert bodies.all_text_contents() == [f"Message {n}" for n in range(120)]


def test_the_room_opens_at_the_first_unread_far_back(live_server_url, new_page, course):
    student = EnrollmentFactory(course=course).student
    read = say(course, course.owner, *[f"Old {n}" for n in range(30)])
    mark_read(room=course.chat_room, user=student, message_id=read[-1].pk)
    say(course, course.owner, *[f"New {n}" for n in range(80)])
    page = new_page()
    open_room(page, live_server_url, student, course)

    divider = page.locator("#chat-unread-divider")
    expect(divider).to_be_in_viewport()
    expect(page.locator("#chat-jump")).to_be_hidden()
    assert page.locator("#chat-unread-divider + li .chat-body").text_content() == (
        "New 0"
    )
    page.locator("#chat-log").evaluate("log => { log.scrollTop = log.scrollHeight; }")
    expect(page.locator("#chat-jump")).to_be_visible()
    page.locator("#chat-jump").click()
    expect(divider).to_be_in_viewport()


def test_a_burst_and_an_outage_lose_nothing_and_store_everything_once(
    live_server_env, new_page, course
):
    student = EnrollmentFactory(course=course).student
    port = free_port()
    page = new_page()
    with uvicorn_server(live_server_env, port=port) as base_url:
        open_room(page, base_url, student, course)
        for n in range(25):  # faster than CHAT_MESSAGES_PER_SECOND (10)
            send(page, f"Burst {n}")
        expect(page.locator("#chat .chat-message.pending").first).to_be_visible()
        expect(page.locator("#chat .chat-message.pending")).to_have_count(0)
        expect(page.locator("#chat-status")).to_have_text("Connected")
    expect(page.locator("#chat-status")).to_have_text("Reconnecting…")
    send(page, "During the outage")
    pending = page.locator("#chat .chat-message.pending", has_text="During the outage")
    expect(pending.locator(".chat-state")).to_have_text("Waiting for the connection…")
    with uvicorn_server(live_server_env, port=port):
        expect(pending).to_have_count(0, timeout=30_000)
        expect(page.locator("#chat .chat-message.failed")).to_have_count(0)

    bodies = list(Message.objects.order_by("id").values_list("body", flat=True))
    assert bodies == [f"Burst {n}" for n in range(25)] + ["During the outage"]
    shown = page.locator("#chat .chat-message.mine .chat-body").all_text_contents()
    assert shown == bodies


def test_a_refused_message_shows_failed_with_retry_and_stores_nothing(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    page = new_page()
    open_room(page, live_server_url, student, course)

    page.locator("#chat-message-input").evaluate(
        "box => box.removeAttribute('maxlength')"
    )
    send(page, "x" * 4001)

    failed = page.locator("#chat .chat-message.failed")
    expect(failed.locator(".chat-state")).to_contain_text(
        "Not sent: The message is longer"
    )
    expect(failed.get_by_role("button", name="Retry")).to_be_visible()
    failed.get_by_role("button", name="Retry").click()
    expect(failed.locator(".chat-state")).to_contain_text("Not sent")
    failed.get_by_role("button", name="Discard").click()
    expect(failed).to_have_count(0)
    assert not Message.objects.exists()


def test_files_upload_with_progress_and_show_as_preview_and_card(
    live_server_url, new_page, course, tmp_path
):
    student = EnrollmentFactory(course=course).student
    picture = tmp_path / "diagram.png"
    picture.write_bytes(png_upload().read())
    notes = tmp_path / "notes.txt"
    notes.write_text("x" * 2048)
    reader = new_page()
    open_room(reader, live_server_url, course.owner, course)
    page = new_page()
    open_room(page, live_server_url, student, course)

    page.set_input_files("#chat-file", [str(picture), str(notes)])
    expect(page.locator("#chat-uploads .chat-upload")).to_have_count(2)
    expect(page.locator("#chat-uploads progress").first).to_be_attached()
    expect(page.locator("#chat-uploads", has_text="Ready")).to_be_visible()
    expect(page.locator("#chat-uploads .meta", has_text="Ready")).to_have_count(2)
    send(page, "Here are my notes")

    message = reader.locator(".chat-message", has_text="Here are my notes")
    image = message.locator(".chat-image img")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("alt", "diagram.png")
    # Visible is not loaded: wait for the picture's bytes before measuring it.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 8
    card = message.locator(".chat-file-card")
    expect(card).to_have_text(re.compile(r"notes\.txt\s*2\.0 KB"))
    screenshot(reader, "chat-files")


def test_edits_and_deletions_are_seen_live(live_server_url, new_page, course):
    student = EnrollmentFactory(course=course).student
    reader = new_page()
    open_room(reader, live_server_url, course.owner, course)
    page = new_page()
    open_room(page, live_server_url, student, course)
    send(page, "Teh answer is 42")
    mine = page.locator(".chat-message.mine", has_text="Teh answer")
    expect(mine).to_have_attribute("id", re.compile(r"message-\d+"))

    mine.hover()
    mine.get_by_role("button", name=re.compile("^Edit")).click()
    mine.locator(".chat-edit textarea").fill("The **answer** is 42")
    mine.locator(".chat-edit textarea").press("Enter")

    theirs = reader.locator(".chat-message", has_text="answer is 42")
    expect(theirs.locator(".chat-body strong")).to_have_text("answer")
    expect(theirs.locator(".chat-edited")).to_be_visible()
    mine = page.locator(".chat-message.mine", has_text="answer is 42")
    mine.hover()
    mine.get_by_role("button", name=re.compile("^Delete")).click()
    mine.get_by_role("button", name="Delete", exact=True).click()
    gone = reader.locator(".chat-message.deleted")
    expect(gone.locator(".chat-body")).to_have_text("This message was deleted.")
    assert "answer" not in reader.locator("#chat").inner_text()
    assert Message.objects.get().body == ""


def test_edits_and_deletions_made_during_an_outage_show_after_the_reconnect(
    live_server_env, new_page, course
):
    student = EnrollmentFactory(course=course).student
    typo, spam, kept = say(course, student, "Teh plan", "spam", "kept")
    port = free_port()
    page = new_page()
    with uvicorn_server(live_server_env, port=port) as base_url:
        open_room(page, base_url, course.owner, course)
    expect(page.locator("#chat-status")).to_have_text("Reconnecting…")
    edit_message(message=typo, by=student, body="The *plan*")
    delete_message(message=spam, by=course.owner)

    with uvicorn_server(live_server_env, port=port):
        expect(page.locator(f"#message-{typo.pk} .chat-body em")).to_have_text(
            "plan", timeout=30_000
        )
        expect(page.locator(f"#message-{spam.pk} .chat-body")).to_have_text(
            "This message was removed by a moderator."
        )
        expect(page.locator(f"#message-{kept.pk} .chat-body")).to_have_text("kept")
        expect(page.locator(f"#message-{typo.pk} .chat-edited")).to_be_visible()


def test_the_instructor_moderates_and_a_student_cannot(
    live_server_url, new_page, course
):
    student = EnrollmentFactory(course=course).student
    classmate = EnrollmentFactory(course=course).student
    say(course, course.owner, "Welcome, class")
    instructor = new_page()
    open_room(instructor, live_server_url, course.owner, course)
    page = new_page()
    open_room(page, live_server_url, student, course)
    other = new_page()
    open_room(other, live_server_url, classmate, course)
    send(page, "Buy cheap pills")

    welcome = other.locator(".chat-message", has_text="Welcome, class")
    welcome.hover()
    expect(welcome.get_by_role("button", name=re.compile("^Delete"))).to_have_count(0)
    refusal = other.evaluate(
        """async (id) => {
            const socket = new WebSocket(`ws://${location.host}/ws/chat/room/${id}/`);
            const frame = await new Promise((resolve) => {
              socket.addEventListener("message", (event) => {
                const data = JSON.parse(event.data);
                if (data.type === "error") resolve(data);
              });
              socket.addEventListener("open", () => socket.send(JSON.stringify(
                {type: "delete", message_id: Number(document.querySelector(
                  ".chat-message:not(.mine)").dataset.id)})));
            });
            socket.close();
            return frame.code;
        }""",
        course.pk,
    )
    assert refusal == "not_allowed"
    spam = instructor.locator(".chat-message", has_text="Buy cheap pills")
    spam.hover()
    spam.get_by_role("button", name=re.compile("^Delete")).click()
    spam.get_by_role("button", name="Delete", exact=True).click()

    for viewer in (page, other):
        expect(viewer.locator(".chat-message.deleted .chat-body")).to_have_text(
            "This message was removed by a moderator."
        )
    assert Message.objects.get(body="Welcome, class").deleted is None
    assert Message.objects.filter(deleted__isnull=False).count() == 1
