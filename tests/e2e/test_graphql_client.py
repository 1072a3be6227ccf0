"""A real GraphQL client (gql) against live uvicorn workers on PostgreSQL and
Redis: its HTTP transport for queries and mutations, its websockets
transport (graphql-transport-ws) for subscriptions."""

import asyncio
import json

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport, HTTPXTransport
from gql.transport.websockets import WebsocketsTransport
from websockets.asyncio.client import connect

from educa.chat.models import Message, Room
from educa.courses.models import Enrollment
from educa.learning.models import QuizAttempt
from tests.factories import (
    PASSWORD,
    CourseFactory,
    ModuleFactory,
    StudentFactory,
    add_content,
)
from tests.learning.quizzes import quiz_in
from tests.servers import uvicorn_server

LOGIN = (
    "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
    "{ access refresh } }"
)
CATALOG = """
query($offset: Int!) {
  courses(offset: $offset, limit: 2) { totalCount results { id title } }
}
"""
CONTENTS = """
query($id: ID!) {
  courseContents(courseId: $id) {
    title
    contents { __typename title ... on TextContent { text } }
  }
}
"""
START_QUIZ = """
mutation($id: ID!) {
  startQuizAttempt(quizId: $id) { id questions { id kind choices { id text } } }
}
"""
SUBMIT_QUIZ = """
mutation($id: ID!, $answers: [AnswerInput!]!) {
  submitQuizAttempt(attemptId: $id, answers: $answers) {
    score maxScore passed answersReleased
  }
}
"""
CHAT = """
subscription($room: ID!, $after: ID) {
  chatMessages(roomId: $room, after: $after) { id message user }
}
"""


def http_client(
    base_url: str, access: str | None = None, transport=HTTPXTransport
) -> Client:
    headers = {"Authorization": f"Bearer {access}"} if access else {}
    return Client(
        transport=transport(url=f"{base_url}/graphql/", headers=headers, timeout=30)
    )


def ws_client(base_url: str, access: str) -> Client:
    return Client(
        transport=WebsocketsTransport(
            url=base_url.replace("http://", "ws://") + "/ws/graphql/",
            headers={"Origin": base_url},
            init_payload={"token": access},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
    )


def sign_in(base_url: str, user) -> str:
    with http_client(base_url) as session:
        result = session.execute(
            GraphQLRequest(LOGIN, variable_values={"u": user.username, "p": PASSWORD})
        )
    return result["tokenAuth"]["access"]


def test_student_signs_in_pages_the_catalog_enrolls_reads_contents_takes_a_quiz(
    live_server_url,
):
    courses = [CourseFactory(title=f"Course {n}") for n in range(3)]
    wanted = courses[0]
    basics = ModuleFactory(course=wanted, title="Basics")
    add_content(basics, "text")
    quiz = quiz_in(
        ModuleFactory(course=wanted, title="Check"),
        questions=[
            {
                "kind": "single",
                "text": "Two and two?",
                "points": 2,
                "choices": [
                    {"text": "four", "correct": True},
                    {"text": "five", "correct": False},
                ],
            }
        ],
    ).item
    student = StudentFactory()

    access = sign_in(live_server_url, student)
    with http_client(live_server_url, access) as session:
        pages = [
            session.execute(GraphQLRequest(CATALOG, variable_values={"offset": offset}))
            for offset in (0, 2)
        ]
        with pytest.raises(TransportQueryError) as refused:
            session.execute(
                GraphQLRequest(CONTENTS, variable_values={"id": str(wanted.pk)})
            )
        enrolled = session.execute(
            GraphQLRequest(
                "mutation($id: ID!) { enroll(courseId: $id) { enrolled } }",
                variable_values={"id": str(wanted.pk)},
            )
        )
        contents = session.execute(
            GraphQLRequest(CONTENTS, variable_values={"id": str(wanted.pk)})
        )
        mine = session.execute(GraphQLRequest("{ myCourses { totalCount } }"))
        attempt = session.execute(
            GraphQLRequest(START_QUIZ, variable_values={"id": str(quiz.pk)})
        )["startQuizAttempt"]
        question = attempt["questions"][0]
        four = next(c["id"] for c in question["choices"] if c["text"] == "four")
        result = session.execute(
            GraphQLRequest(
                SUBMIT_QUIZ,
                variable_values={
                    "id": attempt["id"],
                    "answers": [{"question": question["id"], "choices": [four]}],
                },
            )
        )

    titles = [c["title"] for page in pages for c in page["courses"]["results"]]
    assert sorted(titles) == ["Course 0", "Course 1", "Course 2"]
    assert pages[0]["courses"]["totalCount"] == 3
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert enrolled == {"enroll": {"enrolled": True}}
    assert contents["courseContents"] == [
        {
            "title": "Basics",
            "contents": [
                {
                    "__typename": "TextContent",
                    "title": contents["courseContents"][0]["contents"][0]["title"],
                    "text": "Some <b>text</b>.",
                }
            ],
        },
        {
            "title": "Check",
            "contents": [{"__typename": "QuizContent", "title": quiz.title}],
        },
    ]
    assert mine == {"myCourses": {"totalCount": 1}}
    assert result == {
        "submitQuizAttempt": {
            "score": 2.0,
            "maxScore": 2,
            "passed": True,
            "answersReleased": True,
        }
    }
    assert QuizAttempt.objects.get(student=student).passed is True
    assert Enrollment.objects.filter(student=student, course=wanted).exists()


def test_bad_token_is_refused_by_the_client_transport(live_server_url, course):
    with (
        pytest.raises(TransportQueryError) as refused,
        http_client(live_server_url, "forged") as session,
    ):
        session.execute(GraphQLRequest("{ courses { totalCount } }"))

    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _receive_across_workers(
    subscriber_url: str, sender_url: str, room_id: int, course_id: int, accesses
) -> list[dict]:
    owner_access, student_access = accesses
    received = []
    chat_url = (
        sender_url.replace("http://", "ws://")
        + f"/ws/chat/room/{course_id}/?token={student_access}"
    )
    async with (
        ws_client(subscriber_url, owner_access) as session,
        connect(chat_url, origin=sender_url, open_timeout=10) as sender,
    ):
        await sender.send(json.dumps({"message": "before you came"}))
        subscription = session.subscribe(
            GraphQLRequest(CHAT, variable_values={"room": str(room_id), "after": "0"})
        )
        async for result in subscription:
            received.append(result["chatMessages"])
            if len(received) == 1:
                # Replayed, so the subscription listens: the next is live.
                await sender.send(json.dumps({"message": "live from worker two"}))
            if len(received) == 2:
                break
    return received


def test_subscription_on_one_worker_receives_a_message_sent_on_the_other(
    live_server_url, live_server_env, course, enrolled_student
):
    room = Room.objects.get(course=course)
    with uvicorn_server(live_server_env) as second_url:
        accesses = (
            sign_in(live_server_url, course.owner),
            sign_in(second_url, enrolled_student),
        )
        received = asyncio.run(
            asyncio.wait_for(
                _receive_across_workers(
                    live_server_url, second_url, room.pk, course.pk, accesses
                ),
                timeout=30,
            )
        )

    stored = list(Message.objects.order_by("id").values_list("pk", "body"))
    assert [(int(m["id"]), m["message"]) for m in received] == stored
    assert [m["message"] for m in received] == [
        "before you came",
        "live from worker two",
    ]
    assert {m["user"] for m in received} == {enrolled_student.username}


async def _forbidden_after_unenrolling(
    base_url: str, access: str, room_id: int, course_id: int
):
    async with (
        ws_client(base_url, access) as session,
        http_client(base_url, access, HTTPXAsyncTransport) as http,
    ):
        subscription = session.subscribe(
            GraphQLRequest(CHAT, variable_values={"room": str(room_id), "after": "0"})
        )
        async for _ in subscription:
            # The backlog's one message: the subscription listens.
            await http.execute(
                GraphQLRequest(
                    "mutation($id: ID!) { unenroll(courseId: $id) { enrolled } }",
                    variable_values={"id": str(course_id)},
                )
            )


def test_unenrolling_ends_the_subscription_with_forbidden(
    live_server_url, course, enrolled_student
):
    room = Room.objects.get(course=course)
    Message.objects.create(room=room, sender=course.owner, body="welcome")
    access = sign_in(live_server_url, enrolled_student)

    with pytest.raises(TransportQueryError) as ended:
        asyncio.run(
            asyncio.wait_for(
                _forbidden_after_unenrolling(
                    live_server_url, access, room.pk, course.pk
                ),
                timeout=30,
            )
        )

    assert ended.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert not Enrollment.objects.filter(student=enrolled_student).exists()
