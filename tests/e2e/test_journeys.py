"""Whole journeys in Chromium against uvicorn on PostgreSQL + Redis.

Each main page is saved as a screenshot under test-artifacts/.
"""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from playwright.sync_api import Page, expect

from educa.courses.models import Content, Course
from educa.courses.services import add_content, add_module
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, CourseFactory, InstructorFactory, SubjectFactory


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (320, 180), (58, 91, 217)).save(buffer, format="PNG")
    return buffer.getvalue()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _add(page: Page, kind: str, fill: dict[str, str]) -> None:
    page.get_by_role("link", name=f"+ {kind.capitalize()}").click()
    for label, value in fill.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=f"Save {kind}").click()
    expect(page.locator(".message.success")).to_contain_text("added")


def _content_titles(page: Page) -> list[str]:
    return page.locator(".content-list .content-title").all_inner_texts()


def test_instructor_builds_a_course_and_reorders_contents_by_drag_and_drop(
    live_server_url, new_page
):
    InstructorFactory(username="ada")
    SubjectFactory(title="Mathematics", slug="mathematics")
    page = new_page()
    _sign_in(page, live_server_url, "ada")

    page.get_by_role("link", name="Teaching").click()
    expect(page.locator(".empty-state")).to_contain_text("No courses yet")
    screenshot(page, "instructor-01-my-courses-empty")
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Subject").select_option(label="Mathematics")
    page.get_by_label("Title").fill("Geometry for Everyone")
    page.get_by_label("Slug").fill("geometry")
    page.get_by_label("Overview").fill("Shapes, angles and proofs.")
    screenshot(page, "instructor-02-course-form")
    page.get_by_role("button", name="Create course").click()
    page.locator("#id_modules-0-title").fill("Points and lines")
    page.get_by_role("button", name="+ Add a module").click()
    page.locator("#id_modules-1-title").fill("Triangles")
    page.get_by_role("button", name="Save modules").click()
    expect(page.locator(".message.success")).to_have_text("Modules saved.")
    screenshot(page, "instructor-03-modules")
    page.get_by_role("link", name="Contents →").first.click()
    _add(page, "text", {"Title": "Welcome", "Content": "Line one.\n\nLine two."})
    _add(
        page,
        "video",
        {"Title": "Intro video", "Video link": "https://youtu.be/dQw4w9WgXcQ"},
    )
    page.get_by_role("link", name="+ Image").click()
    page.get_by_label("Title", exact=True).fill("A blue rectangle")
    page.get_by_label("Image").set_input_files(
        {"name": "fake.png", "mimeType": "image/png", "buffer": b"not an image"}
    )
    page.get_by_role("button", name="Save image").click()
    expect(page.locator(".field.has-error .error")).to_contain_text(
        "Upload a valid image."
    )
    screenshot(page, "instructor-05-upload-error")
    page.get_by_label("Image").set_input_files(
        {"name": "blue.png", "mimeType": "image/png", "buffer": _png_bytes()}
    )
    page.get_by_role("button", name="Save image").click()
    page.get_by_role("link", name="+ File").click()
    page.get_by_label("Title", exact=True).fill("Exercises")
    page.get_by_label("File").set_input_files(
        {"name": "exercises.txt", "mimeType": "text/plain", "buffer": b"1. Draw."}
    )
    page.get_by_role("button", name="Save file").click()
    expect(page.locator(".content-row")).to_have_count(4)
    last = page.locator(".content-row").nth(3).locator(".handle")
    first = page.locator(".content-row").nth(0)
    last.drag_to(first, target_position={"x": 20, "y": 4})
    expect(page.locator(".reorder-status")).to_have_text("Order saved.")
    page.locator(".module-nav li", has_text="Triangles").hover()
    with page.expect_response(re.compile(r"/module/order/$")) as saved:
        page.get_by_role("button", name="Move Triangles up").click()
    assert saved.value.json() == {"saved": True}
    page.reload()
    screenshot(page, "instructor-04-module-contents")
    order_after_reload = _content_titles(page)
    modules_after_reload = page.locator(".module-nav a").all_inner_texts()
    page.goto(f"{live_server_url}/course/geometry/")
    screenshot(page, "instructor-06-course-detail-owner")

    assert order_after_reload == [
        "Exercises",
        "Welcome",
        "Intro video",
        "A blue rectangle",
    ]
    assert modules_after_reload == ["Triangles", "Points and lines"]
    course = Course.objects.get(slug="geometry")
    assert [m.title for m in course.modules.all()] == ["Triangles", "Points and lines"]
    assert [c.kind for c in Content.objects.filter(module__course=course)] == [
        "file",
        "text",
        "video",
        "image",
    ]


def test_new_student_finds_enrolls_and_learns_from_rendered_contents(
    live_server_url, new_page
):
    course = CourseFactory(
        title="Music Theory 101",
        slug="music-theory",
        overview="Scales, intervals and chords.",
        subject=SubjectFactory(title="Music", slug="music"),
    )
    CourseFactory(title="Something else entirely")
    module = add_module(course=course, by=course.owner, title="Notes and scales")
    add_module(course=course, by=course.owner, title="Intervals")
    by = course.owner
    add_content(module=module, by=by, kind="text", title="Read me", content="Do re mi.")
    add_content(
        module=module,
        by=by,
        kind="video",
        title="Listen",
        url="https://vimeo.com/76979871",
    )
    add_content(
        module=module,
        by=by,
        kind="image",
        title="The staff",
        file=SimpleUploadedFile("staff.png", _png_bytes(), "image/png"),
    )
    add_content(
        module=module,
        by=by,
        kind="file",
        title="Worksheet",
        file=SimpleUploadedFile("sheet.txt", b"C D E", "text/plain"),
    )
    page = new_page()

    page.goto(f"{live_server_url}/")
    screenshot(page, "student-01-catalog")
    page.get_by_role("searchbox", name="Search courses").fill("chords")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".course-grid > li")).to_have_count(1)
    page.get_by_role("link", name="Music Theory 101").click()
    screenshot(page, "student-02-course-detail-anonymous")
    page.get_by_role("link", name="Enroll now").click()
    expect(page).to_have_url(
        re.compile(r"/accounts/login/\?next=/course/music-theory/")
    )
    page.get_by_role("link", name="Create a student account").click()
    page.get_by_label("Username").fill("newstudent")
    page.get_by_label("Email").fill("new@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{live_server_url}/course/music-theory/")
    page.get_by_role("button", name="Enroll now").click()
    expect(page.locator(".message.success")).to_contain_text("You are enrolled")
    image = page.locator(".content-image img")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('.content-image img').complete")
    screenshot(page, "student-03-module")

    assert page.locator("h1").inner_text() == "Notes and scales"
    assert image.evaluate("img => img.naturalWidth") == 320
    assert page.locator(".content-video iframe").get_attribute("src") == (
        "https://player.vimeo.com/video/76979871"
    )
    assert page.get_by_role("link", name="Course chat").get_attribute("href") == (
        f"/chat/room/{course.pk}/"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "student-05-module-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Next: Intervals →").click()
    expect(page.locator(".empty")).to_contain_text("Nothing in this module yet")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My learning"
    ).click()
    screenshot(page, "student-04-my-learning")
    assert page.locator(".course-grid h3").all_inner_texts() == ["Music Theory 101"]
    page.goto(f"{live_server_url}/course/mine/")
    screenshot(page, "student-06-forbidden")
    assert page.locator("h1").inner_text() == "You can't open this page"
    assert course.students.get().username == "newstudent"
