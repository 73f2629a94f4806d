"""The errors of applications, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput, NotFound


class CaseNotFound(NotFound):
    code = "case_not_found"
    default_message = _("This application does not exist or is not yours.")


class CaseInvalid(InvalidInput):
    code = "case_invalid"
    default_message = _("Some answers need attention.")


class CaseIncomplete(InvalidInput):
    code = "case_incomplete"
    default_message = _("The application is not complete yet: see what is missing.")


class CaseNotEditable(Conflict):
    code = "case_not_editable"
    default_message = _("This application has been submitted and can no longer be changed.")


class CaseTransitionInvalid(Conflict):
    code = "case_transition_invalid"
    default_message = _("This is not possible in the application's current state.")


class CaseAlreadySubmitted(Conflict):
    code = "case_already_submitted"
    default_message = _("This application has already been submitted.")


class CaseAlreadyDecided(Conflict):
    code = "case_already_decided"
    default_message = _(
        "A decision has been made on this application: it can no longer be withdrawn."
    )


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


class IdempotencyKeyMissing(InvalidInput):
    code = "idempotency_key_missing"
    default_message = _("Send an Idempotency-Key header with every submission.")


class ServiceNotAvailable(NotFound):
    code = "service_not_available"
    default_message = _("This service cannot be applied for online.")


class MaterialInvalid(InvalidInput):
    code = "material_invalid"
    default_message = _("This file cannot be used as a material.")


class MaterialNotFound(NotFound):
    code = "material_not_found"
    default_message = _("This material does not exist.")


class CorrectionNotFound(NotFound):
    code = "correction_not_found"
    default_message = _("This correction request does not exist.")


class DecisionAlreadyMade(Conflict):
    code = "decision_already_made"
    default_message = _("A decision has already been made on this application.")


class ReasonsMissing(InvalidInput):
    code = "reasons_missing"
    default_message = _("A refusal needs its reasons (and a refused licence its legal basis).")


# --- supplementation, the clock, urging and supervision ----------------------------------


class SupplementationInvalid(InvalidInput):
    code = "supplementation_invalid"
    default_message = _("The request to supplement needs attention.")


class SupplementationNotOpen(Conflict):
    code = "supplementation_not_open"
    default_message = _("This application is not waiting for supplementation.")


class SupplementationPending(Conflict):
    code = "supplementation_pending"
    default_message = _(
        "The application is waiting for the applicant to supplement it; decide once it is back."
    )


class ItemNotRequested(InvalidInput):
    code = "item_not_requested"
    default_message = _("Only the items the department asked for can be changed.")


class ClockPaused(Conflict):
    code = "clock_paused"
    default_message = _("The time limit is already stopped.")


class ClockNotPaused(Conflict):
    code = "clock_not_paused"
    default_message = _("The time limit is not suspended.")


class ExtensionInvalid(InvalidInput):
    code = "extension_invalid"
    default_message = _("The extension needs attention.")


class ExtensionBeyondLimit(InvalidInput):
    code = "extension_beyond_limit"
    default_message = _("The extension goes beyond the legal limit.")


class ExtensionAlreadyUsed(Conflict):
    code = "extension_already_used"
    default_message = _("The time limit of this application has already been extended once.")


class ExtensionOwnRequest(Conflict):
    code = "extension_own_request"
    default_message = _("An extension is approved by a supervisor other than the one who asked.")


class ExtensionAlreadyDecided(Conflict):
    code = "extension_already_decided"
    default_message = _("This extension has already been decided.")


class UrgeNotDue(Conflict):
    code = "urge_not_due"
    default_message = _(
        "You can urge the department once the application is due within a working day or overdue."
    )


class UrgeAlreadySent(Conflict):
    code = "urge_already_sent"
    default_message = _(
        "You have already urged this application today; try again next working day."
    )


class BundleIncomplete(InvalidInput):
    code = "bundle_incomplete"
    default_message = _(
        "The combined application is not complete yet: see what is missing. Nothing was "
        "submitted to any department."
    )


class RegionNotOffered(InvalidInput):
    code = "region_not_offered"
    default_message = _(
        "The district you chose does not offer this service. Choose one of the districts listed."
    )


class BranchCancelled(Conflict):
    code = "branch_cancelled"
    default_message = _(
        "This department's part has ended because another department refused the application; "
        "it can no longer be completed."
    )


class BundleNotAvailable(NotFound):
    code = "bundle_not_available"
    default_message = _("This life-event bundle cannot be applied for online.")


# --- the counter, delivery, remote verification (issue: applications 4/4) ----------------


class IdentityCheckRequired(InvalidInput):
    code = "identity_check_required"
    default_message = _(
        "Check the applicant's identity at the counter first: read or compare their resident "
        "ID card and confirm it. Nothing was started."
    )


class CounterApplicantUnknown(InvalidInput):
    code = "counter_applicant_unknown"
    default_message = _(
        "No account with a verified real name holds this ID number. Open one for the "
        "applicant below with the name on the card and their mobile number, or let them "
        "register and verify their real name themselves."
    )


class DeliveryAddressRequired(InvalidInput):
    code = "delivery_address_required"
    default_message = _("Give the recipient, the postal address and the postal code for the post.")


class DeliveryNotOffered(InvalidInput):
    code = "delivery_not_offered"
    default_message = _("This service does not deliver its result that way.")


class DeliveryMoveInvalid(Conflict):
    code = "delivery_move_invalid"
    default_message = _("The delivery cannot move to that state from where it is now.")


class LivenessPluginUnknown(InvalidInput):
    code = "liveness_plugin_unknown"
    default_message = _(
        "The face comparison result comes from an unknown verifier. Nothing was recorded."
    )
