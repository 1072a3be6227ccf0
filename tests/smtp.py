"""A real SMTP server for the e-mail tests: aiosmtpd on a free loopback
port, keeping every message it receives, parsed."""

import asyncio
import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import free_port

LINK = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Inbox:
    """What the server received; `stall` seconds are waited before the
    server answers each message (after it is recorded)."""

    messages: list[EmailMessage] = field(default_factory=list)
    stall: float = 0.0
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        if self.stall:
            await asyncio.sleep(self.stall)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The first `count` messages, once they are all in."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} e-mail(s) arrived, not {count}"
                    )
                self.arrived.wait(left)
            return list(self.messages[:count])

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox

    @property
    def url(self) -> str:
        """The EMAIL_URL that sends here."""
        return f"smtp://{self.host}:{self.port}"


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, inbox)
    finally:
        controller.stop()


def text_of(message) -> str:
    """The plain-text part, of a received message or of one in Django's
    locmem outbox."""
    if hasattr(message, "body"):
        return message.body
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message) -> list[str]:
    return LINK.findall(text_of(message))
