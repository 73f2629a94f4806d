"""Errors of the notifications app; each renders in the one JSON shape and on pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import DomainError, InvalidInput, NotFound


class UnknownEvent(InvalidInput):
    code = "unknown_notification_event"
    default_message = _("No notification event is registered under this code.")


class TemplateInvalid(InvalidInput):
    code = "notification_template_invalid"
    default_message = _("The template cannot be used. Please correct it.")


class ContextInvalid(InvalidInput):
    """The sender's variables do not match what the event's templates use."""

    code = "notification_context_invalid"
    default_message = _("The message's values do not match its event.")


class CategoryEssential(InvalidInput):
    code = "notification_category_essential"
    default_message = _("Essential messages cannot be switched off.")


class PushSubscriptionInvalid(InvalidInput):
    code = "push_subscription_invalid"
    default_message = _("This device's push subscription is not valid.")


class PushDisabled(NotFound):
    code = "push_disabled"
    default_message = _("Push notifications are not offered on this platform.")


class MessageNotSent(DomainError):
    code = "message_not_sent"
    default_message = _("We could not send the message just now. Please try again later.")
    status = 503
