"""E-mail through Django's e-mail backends (SMTP in production, files in the embedded default)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

from tongban.notifications.constants import Channel, DeliveryError
from tongban.notifications.plugins import ChannelFailure, ChannelSender, Outgoing
from tongban.notifications.selectors import message_text_get
from tongban.notifications.templating import render


def absolute_link(path: str) -> str:
    if not path or "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


class EmailSender(ChannelSender):
    channel = Channel.EMAIL

    def send(self, outgoing: Outgoing) -> str:
        if not outgoing.email:
            raise ChannelFailure(DeliveryError.NO_ADDRESS, skipped=True)
        text = message_text_get(
            event=outgoing.event, channel=self.channel, language=outgoing.language
        )
        if text is None:
            raise ChannelFailure(DeliveryError.NO_TEMPLATE, skipped=True)
        context = {**outgoing.context}
        subject = " ".join(render(text.subject, context).split())
        body = render(text.body, context)
        if outgoing.link:
            body += "\n\n" + absolute_link(outgoing.link)
        message_id = make_msgid(idstring=outgoing.delivery_id.hex, domain="tongban")
        message = EmailMessage(
            subject=subject, body=body, to=[outgoing.email], headers={"Message-ID": message_id}
        )
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            raise ChannelFailure(DeliveryError.INVALID_ADDRESS, _smtp_detail(error)) from error
        except smtplib.SMTPResponseException as error:
            permanent = 500 <= error.smtp_code < 600
            raise ChannelFailure(
                DeliveryError.REJECTED, f"SMTP {error.smtp_code}", retryable=not permanent
            ) from error
        except TimeoutError as error:
            raise ChannelFailure(DeliveryError.TIMEOUT, retryable=True) from error
        except (OSError, smtplib.SMTPException) as error:
            if _timed_out(error):
                raise ChannelFailure(DeliveryError.TIMEOUT, retryable=True) from error
            raise ChannelFailure(
                DeliveryError.UNAVAILABLE, type(error).__name__, retryable=True
            ) from error
        return message_id


def _timed_out(error: BaseException) -> bool:
    # smtplib reports a server that never answers as "disconnected", caused by the timeout.
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _smtp_detail(error: smtplib.SMTPRecipientsRefused) -> str:
    # The refusal is keyed by address: keep only the server's codes.
    codes = sorted({str(code) for code, _message in error.recipients.values()})
    return "SMTP " + ",".join(codes)
