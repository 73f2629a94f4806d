"""Real-name levels, authentication strengths, agents' grants, and the limits on codes."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.ratelimit import RateLimit


class RealNameLevel(models.IntegerChoices):
    """How sure the platform is who the account belongs to (实名认证等级)."""

    # An account with a proven mobile number or e-mail address, nothing more.
    L1 = 1, _("L1: account only")
    # Name and ID number matched against the population registry.
    L2 = 2, _("L2: real name verified online")
    # L2, then the person showed their ID card to a clerk at a counter.
    L3 = 3, _("L3: real name verified in person")


class AuthenticationStrength(models.IntegerChoices):
    """How the current session signed in, weakest first."""

    PASSWORD = 1, _("Password")
    # A password plus a one-time code (SMS, e-mail or an authenticator app).
    TWO_FACTOR = 2, _("Password and one-time code")
    # WebAuthn with user verification: the device checked a PIN or a fingerprint, and the
    # credential cannot be phished onto another site.
    PASSKEY = 3, _("Passkey")


class PartyKind(models.TextChoices):
    """Whom a signed-in person acts for."""

    SELF = "self", _("Myself")
    PERSON = "person", _("A person who authorised me")
    ENTERPRISE = "enterprise", _("An enterprise")


class GrantKind(models.TextChoices):
    ENTERPRISE_AGENT = "enterprise_agent", _("Enterprise agent (经办人)")
    FAMILY_MEMBER = "family_member", _("Family member acting for me (亲属代办)")


class IdentifierKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile number")
    EMAIL = "email", _("E-mail address")


class CodePurpose(models.TextChoices):
    SIGNUP = "signup", _("Sign-up")
    STEP_UP = "step_up", _("Confirming it is you")
    # Read out at a counter by the walk-in citizen: the mobile is theirs before an account
    # is opened on it (``account_create_in_person``).
    COUNTER_ACCOUNT = "counter_account", _("Opening an account at a counter")


# The purpose every population-registry read for real-name verification is logged with.
PURPOSE_IDENTITY_VERIFICATION = "identity verification"

VERIFICATION_CODE_EVENT = "accounts.verification_code"
# The text to a citizen whose account a window clerk opened at the counter.
COUNTER_ACCOUNT_EVENT = "accounts.counter_account_opened"
CODE_LENGTH = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
# Wrong guesses before a code is spent: six digits, five tries, one in 200,000.
CODE_MAX_ATTEMPTS = 5
# A grant of authority ends at the latest after this long; renewing it is a new decision.
GRANT_MAX_DURATION = dt.timedelta(days=3 * 365)

# Rate limits: growing delays, never a lockout (tongban.core.ratelimit).
SIGNUP_PER_ADDRESS = RateLimit("accounts.signup.address", limit=5, window=3600, base_delay=30)
CODE_SEND_PER_IDENTIFIER = RateLimit("accounts.code.identifier", limit=3, window=900, base_delay=60)
CODE_CHECK_PER_IDENTIFIER = RateLimit(
    "accounts.code.check", limit=5, window=900, base_delay=5, max_delay=600
)
LOGIN_PER_ADDRESS = RateLimit("accounts.login.address", limit=20, window=600, base_delay=2)
LOGIN_PER_IDENTIFIER = RateLimit("accounts.login.identifier", limit=5, window=900, base_delay=2)
SECOND_FACTOR_PER_USER = RateLimit("accounts.mfa.user", limit=5, window=900, base_delay=2)
REAL_NAME_PER_USER = RateLimit("accounts.real_name.user", limit=5, window=3600, base_delay=30)

# Session keys.
SESSION_ACTING_FOR = "tongban.acting_for"
SESSION_LAST_ACTIVITY = "tongban.last_activity"
SESSION_IS_STAFF = "tongban.is_staff_member"
SESSION_AUTHENTICATION = "tongban.authentication"
