"""Errors of the accounts app: stable codes, translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class IdentifierInvalid(InvalidInput):
    code = "identifier_invalid"
    default_message = _("Enter an 11-digit mainland mobile number or an e-mail address.")


class CodeInvalid(InvalidInput):
    """Wrong, expired, spent or never sent: one message, so nothing is revealed by it."""

    code = "code_invalid"
    default_message = _(
        "This code is not valid: it may be mistyped, expired or already used. "
        "Check it or ask for a new one."
    )


class AccountExists(Conflict):
    code = "account_exists"
    default_message = _("You already have an account with this identifier: please sign in.")


class RealNameNotVerified(InvalidInput):
    """The registry does not confirm the name and number (no hint which one is wrong)."""

    code = "real_name_not_verified"
    default_message = _(
        "The name and ID number do not match the population registry. Check both and try "
        "again, or visit a service hall."
    )


class ResidentDeceased(InvalidInput):
    code = "resident_deceased"
    default_message = _(
        "The population registry records this person as deceased. Please visit a service hall."
    )


class ResidentIdNumberTaken(Conflict):
    code = "resident_id_number_taken"
    default_message = _(
        "This ID number is already verified on another account. If that is not yours, "
        "please visit a service hall."
    )


class CodeRequired(InvalidInput):
    """An account opened at a counter without the code the person received on their phone."""

    code = "code_required"
    default_message = _(
        "Send a code to the applicant's mobile number and enter the code they received."
    )


class MobileInvalid(InvalidInput):
    code = "mobile_invalid"
    default_message = _("Enter an 11-digit mainland mobile number.")


class MobileTaken(Conflict):
    """A counter account needs a mobile number nobody else signs in with."""

    code = "mobile_taken"
    default_message = _(
        "Another account already uses this mobile number. Ask the applicant for a number of "
        "their own."
    )


class RealNameLevelTooLow(PermissionDenied):
    code = "real_name_level_too_low"
    default_message = _("Verify your real name first.")


class NotLegalRepresentative(PermissionDenied):
    code = "not_legal_representative"
    default_message = _("Only the enterprise's legal representative can do this.")


class GrantNotFound(NotFound):
    code = "grant_not_found"
    default_message = _("We could not find this authorisation.")


class GrantExpired(PermissionDenied):
    code = "grant_expired"
    default_message = _("Your authority to act for %(party)s has expired.")


class GrantRevoked(PermissionDenied):
    code = "grant_revoked"
    default_message = _("Your authority to act for %(party)s has been withdrawn.")


class GrantOutOfScope(PermissionDenied):
    code = "grant_out_of_scope"
    default_message = _("Your authority to act for %(party)s does not cover this service.")


class GrantInvalid(InvalidInput):
    code = "grant_invalid"
    default_message = _("This authorisation cannot be granted. Please correct it.")


class AccountDeletionVetoed(Conflict):
    code = "account_deletion_vetoed"
    default_message = _("Your account cannot be deleted yet.")
