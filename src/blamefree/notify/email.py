"""E-mail through SMTP (smtplib): one connection per run, one message per delivery."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType

from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.notify.digest import Delivery, render_text, subject


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send mail."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0


def build_message(config: SmtpConfig, delivery: Delivery) -> EmailMessage:
    """The e-mail for one delivery: plain text, UTF-8."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = delivery.address
    message["Subject"] = subject(delivery)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="blamefree.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_text(delivery))
    return message


class Mailer:
    """``with Mailer(config) as mailer: mailer.send(delivery)``; connects on first send.

    A failure raises ExternalServiceError naming the server, and drops the connection so that the
    next send starts afresh: one bad recipient does not stop the others.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, delivery: Delivery) -> None:
        """Send one delivery's e-mail."""
        message = build_message(self.config, delivery)
        where = f"SMTP server {self.config.host}:{self.config.port}"
        try:
            smtp = self._connect()
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = "; ".join(
                f"{to}: {code} {_text(msg)}" for to, (code, msg) in error.recipients.items()
            )
            raise ExternalServiceError(f"{where} refused the recipient ({codes})") from error
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise ExternalServiceError(
                f"{where} rejected the login of BLAMEFREE_SMTP_USERNAME "
                f"({error.smtp_code} {_text(error.smtp_error)})"
            ) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise ExternalServiceError(
                f"{where} refused the message ({error.smtp_code} {_text(error.smtp_error)})"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise ExternalServiceError(
                f"{where} failed: {error or type(error).__name__}"
            ) from error
        if refused:
            raise ExternalServiceError(f"{where} refused {', '.join(sorted(refused))}")

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        config = self.config
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            smtp.ehlo()
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.username:
                smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def smtp_config(
    *,
    host: str | None,
    port: int,
    sender: str | None,
    username: str | None = None,
    password: str | None = None,
    starttls: bool = False,
) -> SmtpConfig | None:
    """An SmtpConfig from settings, None when no host is set; ConfigError without a sender."""
    if not host:
        return None
    if not sender:
        raise ConfigError("BLAMEFREE_SMTP_HOST is set but BLAMEFREE_SMTP_FROM is not")
    return SmtpConfig(host, port, sender, username, password, starttls)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
