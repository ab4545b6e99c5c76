"""E-mail to guests without a forum account, through the configured SMTP server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from companion.errors import CompanionError
from companion.settings import Settings


class MailUnavailable(CompanionError):
    """No SMTP server is configured, or it refused or could not be reached."""


def send_mail(settings: Settings, to_name: str, to_address: str, subject: str, body: str) -> str:
    """Send one plain-text e-mail and return its Message-ID; raises MailUnavailable when it cannot go out."""
    if not settings.smtp_host or not settings.smtp_from:
        raise MailUnavailable("COMPANION_SMTP_HOST and COMPANION_SMTP_FROM must be set to e-mail guests")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailUnavailable(
            f"the SMTP server {settings.smtp_host}:{settings.smtp_port} did not take the e-mail: {error}"
        ) from error
    return str(message["Message-ID"])
