"""Channels, categories, delivery states, and the limits of retrying."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push notification")


# Channels a person can switch on or off; the inbox is the record and always receives.
SWITCHABLE_CHANNELS = (Channel.PUSH, Channel.EMAIL, Channel.SMS)
# Channels whose text comes from a template edited in the admin; SMS is sent by an approved
# template code at the operator instead (Chinese gateways refuse free text).
TEMPLATED_CHANNELS = (Channel.INBOX, Channel.EMAIL, Channel.PUSH)
# When a delivery on one channel fails for good, the next one is tried: a phone that missed
# the push gets the SMS.
FALLBACK_ORDER = (Channel.PUSH, Channel.SMS)


class Category(models.TextChoices):
    CASE_PROGRESS = "case_progress", _("Progress of my applications")
    DEADLINE = "deadline", _("Deadlines")
    DECISION = "decision", _("Decisions")
    EMERGENCY_ALERT = "emergency_alert", _("Emergency alerts")
    ACCOUNT_SECURITY = "account_security", _("Sign-in and account security")
    APPOINTMENT = "appointment", _("Appointments")
    ANNOUNCEMENT = "announcement", _("News and announcements")
    OPERATIONS = "operations", _("Platform operations (staff)")


# Messages a person cannot switch off: missing them costs rights or safety (a deadline that
# passes, a decision with an appeal period, an alert) or locks them out (sign-in codes), and
# operations reports exist so that failures are never silent.
ESSENTIAL_CATEGORIES = frozenset(
    {
        Category.DEADLINE,
        Category.DECISION,
        Category.EMERGENCY_ALERT,
        Category.ACCOUNT_SECURITY,
        Category.OPERATIONS,
    }
)
# Without a choice of their own, people get pushes and e-mail; SMS costs the government money
# per message, so outside the essential categories it is opt-in.
CHANNEL_DEFAULTS = {Channel.PUSH: True, Channel.EMAIL: True, Channel.SMS: False}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


FINAL_STATUSES = frozenset({DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED})


class DeliveryError(models.TextChoices):
    """Why a delivery failed or was not sent: stable codes that administrators filter on."""

    SWITCHED_OFF = "switched_off", _("The recipient switched this category off")
    NO_ADDRESS = "no_address", _("The recipient has no address for this channel")
    NO_SUBSCRIPTION = "no_subscription", _("The recipient has no device subscribed to pushes")
    SUBSCRIPTION_GONE = "subscription_gone", _("The device's push subscription has expired")
    NO_TEMPLATE = "no_template", _("No template is configured for this channel")
    INVALID_ADDRESS = "invalid_address", _("The address is not valid")
    REJECTED = "rejected", _("The provider refused the message")
    TIMEOUT = "timeout", _("The provider did not answer in time")
    UNAVAILABLE = "unavailable", _("The provider could not be reached")
    INTERRUPTED = "interrupted", _("Sending was interrupted; the outcome is unknown")
    DISABLED = "disabled", _("The channel is switched off on this platform")


# Retries: 30 s, 1 min, 2 min, 4 min… never more than an hour apart, five attempts in all.
MAX_ATTEMPTS = 5
RETRY_BASE_DELAY = dt.timedelta(seconds=30)
RETRY_MAX_DELAY = dt.timedelta(hours=1)
# A delivery still "being sent" after this long belongs to a worker that died mid-send. It is
# marked failed rather than sent again: a person must never get the same message twice.
SENDING_STALE_AFTER = dt.timedelta(minutes=15)
# Broadcasts fan out in batches: one transaction and one task per batch of recipients.
FAN_OUT_BATCH_SIZE = 500
SEND_BATCH_SIZE = 100
# Inbox pages.
INBOX_PAGE_SIZE = 20
INBOX_PAGE_SIZE_MAX = 100
# The unread badge counts up to here and then shows "99+": the count stays cheap for anyone.
UNREAD_COUNT_CAP = 99


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt, after ``attempts`` failed ones (bounded, exponential)."""
    delay: dt.timedelta = RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, RETRY_MAX_DELAY)
