"""E-mail over SMTP with the standard library: the message, the connection and its errors.

A message is plain text in UTF-8 with a stable ``Message-ID`` (the same on every retry, so a
receiving system can recognise a repeat) and ``Auto-Submitted: auto-generated`` (RFC 3834), so
that auto-responders stay silent. Errors are summarised without personal data or secrets: the
exception's class and the SMTP reply code, never the server's text (which may repeat the
recipient's address).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from types import TracebackType

from pydantic import SecretStr

from legitka.config import Settings

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: SecretStr | None
    starttls: bool
    ssl: bool
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The SMTP server of ``settings``, or ``None`` when no ``smtp_host`` is set."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
        )


class DeliveryError(Exception):
    """A message was not handed over. ``permanent`` failures are not tried again."""

    def __init__(self, summary: str, *, permanent: bool = False) -> None:
        super().__init__(summary)
        self.summary = summary[:300]
        self.permanent = permanent


def summarize(exc: BaseException) -> str:
    """``SMTPRecipientsRefused 550``, ``ConnectionRefusedError``: no text from the server."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _text in exc.recipients.values()})
        return f"{name} {','.join(codes)}".strip()
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    return name


def _permanent(exc: BaseException) -> bool:
    """Whether the server refused this very message for good (5xx for the recipient or data)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def sender_address(mail_from: str) -> str:
    return parseaddr(mail_from)[1]


def message_id(notification_id: int, event_key: str, mail_from: str) -> str:
    """The same ``Message-ID`` for every attempt to send one notification."""
    domain = sender_address(mail_from).rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(event_key.encode()).hexdigest()[:16]
    return f"<legitka.{notification_id}.{digest}@{domain}>"


def build_message(
    *,
    mail_from: str,
    recipient: str,
    subject: str,
    body: str,
    locale: str,
    written_at: dt.datetime,
    message_id: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(written_at)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    message["Content-Language"] = locale  # after set_content, which clears Content-* headers
    return message


class Connection:
    """One SMTP session for a batch of messages: ``with Connection(config) as smtp: smtp.send(m)``.

    Opening raises :class:`DeliveryError` when the server cannot be reached, refuses STARTTLS or
    the login; :meth:`send` raises it for the one message.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        config = self.config
        context = ssl.create_default_context()
        try:
            if config.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            self._smtp = smtp
            if config.starttls and not config.ssl:
                smtp.starttls(context=context)
            if config.username:
                password = config.password.get_secret_value() if config.password else ""
                smtp.login(config.username, password)
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise DeliveryError(summarize(exc)) from None
        return self

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            raise DeliveryError("SMTPServerDisconnected")
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(summarize(exc), permanent=_permanent(exc)) from None

    def _close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()
