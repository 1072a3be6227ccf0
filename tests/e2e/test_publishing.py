"""Publishing journeys in Chromium against uvicorn on PostgreSQL + Redis:
Markdown with a live preview, a draft published, a typo searched, a course
rated, a module deleted after a warning that names it."""

import re

from playwright.sync_api import Page, expect

from educa.courses.models import Course, Module, Review
from educa.courses.services import add_content, add_module, publish_course
from tests.e2e.conftest import screenshot
from tests.factories import (
    PASSWORD,
    CourseFactory,
    InstructorFactory,
    StudentFactory,
    SubjectFactory,
)


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _published(title: str, owner, subject, module_title: str) -> Course:
    course = CourseFactory(
        title=title,
        owner=owner,
        subject=subject,
        status=Course.Status.DRAFT,
        overview=f"All about {title.lower()}.",
    )
    module = add_module(course=course, by=owner, title=module_title)
    add_content(module=module, by=owner, kind="text", title="Start", content="Hi")
    return publish_course(course=course, by=owner)


def test_instructor_writes_markdown_with_a_preview_and_publishes_the_draft(
    live_server_url, new_page
):
    InstructorFactory(username="ada", display_name="Ada Lovelace")
    SubjectFactory(title="Programming", slug="programming")
    page = new_page()
    _sign_in(page, live_server_url, "ada")

    page.get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Subject").select_option(label="Programming")
    page.get_by_label("Title").fill("Python for Data")
    expect(page.get_by_label("Slug")).to_have_value("python-for-data")
    page.get_by_label("Overview").fill("Pandas, plots and notebooks.")
    page.get_by_role("button", name="Create course").click()
    expect(page.locator(".message.success")).to_contain_text("only you can see it")
    page.locator("#id_modules-0-title").fill("Getting started")
    page.get_by_role("button", name="Save modules").click()
    page.get_by_role("link", name="Contents →").click()
    page.get_by_role("link", name="+ Text").click()
    page.get_by_label("Title", exact=True).fill("Welcome")
    page.get_by_label("Content").fill(
        "**Bold** start.\n\n- one\n- two\n\n```python\nprint('hi')\n```"
    )
    preview = page.locator(".preview-body")
    expect(preview.locator("strong")).to_have_text("Bold")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("pre span[style]").first).to_be_visible()
    screenshot(page, "publishing-01-markdown-preview")
    page.get_by_role("button", name="Save text").click()
    expect(page.locator(".message.success")).to_contain_text("added")

    page.goto(f"{live_server_url}/course/python-for-data/")
    expect(page.locator(".banner.draft")).to_contain_text("only you can see it")
    page.get_by_role("link", name="Preview as student").click()
    expect(page.locator(".banner.preview")).to_contain_text("as a student sees it")
    expect(page.get_by_role("link", name="Edit modules")).to_have_count(0)
    screenshot(page, "publishing-02-preview-as-student")
    page.get_by_role("link", name="Back to the instructor's view").click()
    visitor = new_page()
    draft_status = visitor.goto(f"{live_server_url}/course/python-for-data/").status
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".message.success")).to_contain_text("is published")
    visitor.goto(f"{live_server_url}/")
    expect(visitor.locator(".course-grid h3")).to_have_text(["Python for Data"])
    visitor.get_by_role("link", name="Python for Data").click()
    visitor.get_by_role("link", name="Enroll now").wait_for()
    screenshot(visitor, "publishing-03-published-course")

    assert draft_status == 404
    course = Course.objects.get(slug="python-for-data")
    assert course.is_published
    assert course.modules.get().contents.get().item.content.startswith("**Bold**")


def test_student_finds_a_course_despite_a_typo_and_rates_it(live_server_url, new_page):
    alan = InstructorFactory(username="alan", display_name="Alan Turing")
    programming = SubjectFactory(title="Programming", slug="programming")
    _published("Python for Beginners", alan, programming, "Values and loops")
    _published("Music Theory", alan, SubjectFactory(title="Music"), "Scales")
    StudentFactory(username="grace", display_name="Grace Hopper")
    page = new_page()
    _sign_in(page, live_server_url, "grace")

    page.goto(f"{live_server_url}/")
    page.get_by_label("Sort by").select_option("title")
    expect(page).to_have_url(re.compile(r"sort=title"))
    page.get_by_role("searchbox", name="Search courses").fill("pyhton")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("h1")).to_have_text("1 result for “pyhton”")
    expect(page.locator(".course-grid h3")).to_have_text(["Python for Beginners"])
    expect(page.get_by_label("Sort by")).to_have_value("relevance")
    screenshot(page, "publishing-04-typo-search")
    page.get_by_role("link", name="Python for Beginners").click()
    page.get_by_role("button", name="Enroll now").click()
    expect(page.locator(".message.success")).to_contain_text("You are enrolled")
    page.get_by_role("link", name="Python for Beginners").click()
    page.get_by_label("4 stars").check()
    page.get_by_label("Your review (optional)").fill("Clear and friendly.")
    page.get_by_role("button", name="Post review").click()
    expect(page.locator(".message.success")).to_contain_text("review is saved")
    expect(page.locator(".review-list .review")).to_have_count(1)
    expect(page.locator(".meta .rating strong")).to_have_text("4.0")
    screenshot(page, "publishing-05-rated-course")
    page.get_by_label("5 stars").check()
    page.get_by_role("button", name="Update review").click()
    page.goto(f"{live_server_url}/?sort=rating")
    card = page.locator(".course-grid > li", has_text="Python for Beginners")

    expect(card.locator(".rating")).to_contain_text("5.0")
    expect(card.locator(".rating")).to_contain_text("(1 rating)")
    assert list(Review.objects.values_list("rating", "text")) == [
        (5, "Clear and friendly.")
    ]


def test_deleting_a_module_first_names_what_goes_with_it(live_server_url, new_page):
    course = CourseFactory(owner=InstructorFactory(username="ada"), slug="algebra")
    doomed = add_module(course=course, by=course.owner, title="Old chapter")
    for title in ("One", "Two"):
        add_content(
            module=doomed, by=course.owner, kind="text", title=title, content="."
        )
    add_module(course=course, by=course.owner, title="Keeper")
    page = new_page()
    _sign_in(page, live_server_url, "ada")
    page.goto(f"{live_server_url}/course/{course.pk}/module/")
    questions = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.locator(".module-form", has_text="Contents").first.get_by_label(
        "Delete"
    ).check()
    page.get_by_role("button", name="Save modules").click()
    kept = Module.objects.filter(pk=doomed.pk).exists()
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation(url=re.compile(r"/module/$")):
        page.get_by_role("button", name="Save modules").click()
    expect(page.locator(".message.success")).to_have_text("Modules saved.")

    assert kept
    assert "Old chapter (with its 2 contents)" in questions[0]
    assert len(questions) == 2
    assert [m.title for m in course.modules.all()] == ["Keeper"]
