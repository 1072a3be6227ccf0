"""Learning outcomes in Chromium against uvicorn on PostgreSQL + Redis: a
student fails a quiz, retries, passes, finishes the course and downloads the
certificate; an instructor builds a quiz and reads the gradebook."""

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from educa.courses.models import Question, Quiz
from educa.courses.services import add_content, add_module
from educa.learning.models import Certificate, QuizAttempt
from educa.learning.services import start_attempt, submit_attempt
from tests.e2e.conftest import screenshot
from tests.factories import (
    PASSWORD,
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    StudentFactory,
)
from tests.learning.quizzes import right_answers, wrong_answers


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _answer(page: Page, capital: str, number: str) -> None:
    page.get_by_label(capital).check()
    page.get_by_label("Your answer (a number)").fill(number)


def test_student_fails_retries_passes_and_downloads_the_certificate(
    live_server_url, new_page
):
    course = CourseFactory(title="Geography Basics", slug="geography")
    owner = course.owner
    first = add_module(course=course, by=owner, title="Maps")
    second = add_module(course=course, by=owner, title="Capitals")
    add_content(module=first, by=owner, kind="text", title="Reading maps", content="N.")
    add_content(
        module=second,
        by=owner,
        kind="quiz",
        title="Capitals quiz",
        pass_percent=100,
        max_attempts=3,
        time_limit_seconds=600,
        questions=[
            {
                "kind": "single",
                "text": "The capital of France?",
                "choices": [
                    {"text": "Lyon", "correct": False},
                    {"text": "Paris", "correct": True},
                ],
            },
            {"kind": "numeric", "text": "Countries in the EU?", "answer": 27},
        ],
    )
    grace = StudentFactory(username="grace", display_name="Grace Hopper")
    EnrollmentFactory(course=course, student=grace)
    page = new_page()
    _sign_in(page, live_server_url, "grace")

    page.get_by_role("link", name="My learning").click()
    card = page.locator(".course", has_text="Geography Basics")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    card.get_by_role("link", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Maps")
    page.get_by_role("button", name="Mark complete").click()
    bar = page.locator(".sidebar").get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "50")
    screenshot(page, "learning-01-module-half-done")

    page.locator(".sidebar").get_by_role("link", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Capitals")
    page.get_by_role("link", name="Open the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^(9|10):\d\d$"))
    _answer(page, "Lyon", "27")
    screenshot(page, "learning-02-quiz")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("not passed")
    screenshot(page, "learning-03-failed")

    page.get_by_role("button", name="Try again").click()
    expect(page.locator(".page-head h1")).to_contain_text("attempt 2")
    page.reload()  # resumes the same attempt, with its time left
    expect(page.locator(".page-head h1")).to_contain_text("attempt 2")
    _answer(page, "Paris", "27")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("passed")
    expect(page.locator(".review")).to_contain_text("Paris")
    screenshot(page, "learning-04-passed")

    page.get_by_role("link", name="Back to the course").click()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator(".course-finished")).to_contain_text("Course finished!")
    screenshot(page, "learning-05-course-finished")
    page.get_by_role("link", name="View your certificate").click()
    code = Certificate.objects.get().code
    expect(page.locator(".certificate")).to_contain_text(code)
    screenshot(page, "learning-06-certificate")
    page.get_by_role("link", name="My learning").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    screenshot(page, "learning-07-profile")

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Grace Hopper" in text
    assert code in text
    assert "Geography Basics" in text
    attempts = QuizAttempt.objects.order_by("number")
    assert [(a.number, a.passed) for a in attempts] == [(1, False), (2, True)]


def test_instructor_builds_a_quiz_and_reads_the_gradebook(live_server_url, new_page):
    instructor = InstructorFactory(username="ada")
    course = CourseFactory(owner=instructor, title="Python", slug="python")
    module = add_module(course=course, by=instructor, title="Basics")
    page = new_page()
    _sign_in(page, live_server_url, "ada")

    page.goto(f"{live_server_url}/course/module/{module.pk}/")
    page.get_by_role("link", name="+ Quiz").click()
    page.get_by_label("Title", exact=True).fill("Basics check")
    page.get_by_label("Pass mark (%)").fill("50")
    page.get_by_label("Max attempts").fill("2")
    page.get_by_role("button", name="Save quiz").click()
    expect(page.locator("h1")).to_have_text("Quiz: Basics check")
    page.get_by_role("link", name="+ True / false").click()
    page.get_by_label("Text").fill("Python is dynamically typed.")
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("link", name="+ Single choice").click()
    page.get_by_label("Text").fill("Which keyword defines a function?")
    page.get_by_label("Choice 1", exact=True).fill("func")
    page.get_by_label("Choice 2", exact=True).fill("def")
    page.get_by_label("Choice 2 is right").check()
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("link", name="+ Short text").click()
    page.get_by_label("Text").fill("Who created Python?")
    page.get_by_label("Accepted answers").fill("Guido van Rossum\nGuido")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".question-list > li")).to_have_count(3)
    screenshot(page, "instructor-quiz-01-editor")

    quiz = Quiz.objects.get()
    assert [q.kind for q in quiz.questions.all()] == ["single", "single", "short"]
    assert list(
        Question.objects.get(text__startswith="Which").choices.values_list(
            "text", "correct"
        )
    ) == [("func", False), ("def", True)]
    students = [EnrollmentFactory(course=course).student for _ in range(4)]
    quiz = Quiz.objects.select_related("course").get()
    for index, student in enumerate(students[:3]):
        attempt, _ = start_attempt(student=student, quiz=quiz)
        answers = right_answers if index else wrong_answers
        submit_attempt(student=student, attempt=attempt, answers=answers(attempt))

    page.get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="Gradebook").click()
    expect(page.locator("table.gradebook tbody tr")).to_have_count(4)
    expect(page.locator(".chart svg")).to_have_count(2)
    expect(page.locator(".question-stats")).to_contain_text("67 %")
    screenshot(page, "instructor-quiz-02-gradebook")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = Path(download.value.path()).read_text().splitlines()

    assert rows[0].endswith("quiz: Basics check")
    assert len(rows) == 5
