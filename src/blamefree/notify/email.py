"""E-mail through SMTP (smtplib): one connection per run, one message per delivery.

Headers are set through the ``email`` library's default policy, which folds and encodes them
(RFC 2047 for non-ASCII) and refuses CR and LF; the subject is made one line first
(``digest.one_line``) and addresses are parsed as ``Address`` objects, so no stored name or
address can add a header. The policy also *decodes* RFC 2047 encoded words in a value it is
given, and one can decode to CR/LF (``=?utf-8?q?=0D=0ABcc:...?=``): so ``=?`` in stored text is
broken with an invisible word joiner, and the header is read back and compared before sending.
A message that cannot be built is a ValidationFailed naming why: the delivery is recorded as
failed, not the run crashed.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import errors as email_errors
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType

from blamefree.errors import ConfigError, ExternalServiceError, ValidationFailed
from blamefree.notify.digest import Delivery, one_line, render_text, subject
from blamefree.redact import redact, secret_forms, shorten


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


def address(text: str, *, what: str) -> Address:
    """One e-mail address (``name@example.com``) as an Address; ValidationFailed otherwise."""
    try:
        return Address(addr_spec=text.strip())
    except (ValueError, IndexError, email_errors.HeaderParseError) as error:
        raise ValidationFailed(
            f"{what} {one_line(text)!r} is not an e-mail address ({one_line(str(error))})"
        ) from error


WORD_JOINER = "\u2060"


def header_text(text: str) -> str:
    """Stored text for an unstructured header: one line, no encoded-word opener ``=?``."""
    return one_line(text).replace("=?", f"={WORD_JOINER}?")


def build_message(config: SmtpConfig, delivery: Delivery) -> EmailMessage:
    """The e-mail for one delivery: plain text, UTF-8."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = address(delivery.address, what=f"the address of {one_line(delivery.recipient)}")
    wanted = header_text(subject(delivery))
    message["Subject"] = wanted
    if str(message["Subject"]) != wanted:
        raise ValidationFailed(f"the subject {wanted!r} cannot be written as one e-mail header")
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
                f"{to}: {code} {self._said(msg)}" for to, (code, msg) in error.recipients.items()
            )
            raise ExternalServiceError(f"{where} refused the recipient ({codes})") from error
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise ExternalServiceError(
                f"{where} rejected the login of BLAMEFREE_SMTP_USERNAME "
                f"({error.smtp_code} {self._said(error.smtp_error)})"
            ) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise ExternalServiceError(
                f"{where} refused the message ({error.smtp_code} {self._said(error.smtp_error)})"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise ExternalServiceError(
                f"{where} failed: {self._said(str(error) or type(error).__name__)}"
            ) from error
        if refused:
            raise ExternalServiceError(f"{where} refused {', '.join(sorted(refused))}")

    def _said(self, value: bytes | str) -> str:
        """The server's words without the login (as sent, or echoed in Base64) or other secrets."""
        config = self.config
        login = f"\0{config.username or ''}\0{config.password or ''}"
        secrets = secret_forms(config.password, login if config.password else None)
        return shorten(redact(_text(value), secrets=secrets), 300)

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
    probe = EmailMessage()
    try:
        probe["From"] = sender
        parsed = probe["From"].addresses
    except (ValueError, IndexError, email_errors.HeaderParseError) as error:
        raise ConfigError(f"BLAMEFREE_SMTP_FROM is not an address: {error}") from error
    if len(parsed) != 1 or not parsed[0].domain:
        raise ConfigError(
            f"BLAMEFREE_SMTP_FROM must be one address, e.g. Blamefree <pm@example.com>, "
            f"not {sender!r}"
        )
    return SmtpConfig(host, port, sender, username, password, starttls)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
