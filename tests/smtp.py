"""A real SMTP server for the tests of e-mails (aiosmtpd, in a thread), and
the settings that make Django deliver to it.

    @pytest.fixture
    def smtp(settings):
        with smtp_server(settings) as server:
            yield server
"""

import contextlib
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Mailbox:
    """What the server received, as parsed messages; refuses the messages
    to the addresses in `refuse` (a failure of the mail server)."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse & set(envelope.rcpt_tos):
            return "554 Transaction failed"
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def clear(self) -> None:
        self.messages.clear()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield mailbox
    finally:
        controller.stop()
