"""Errors of the alerts app, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class AlertInvalid(InvalidInput):
    code = "alert_invalid"
    default_message = _("The alert cannot be saved as it is. Please correct it.")


class AlertReferenceUnknown(NotFound):
    code = "alert_reference_unknown"
    default_message = _("There is no sent alert to update or cancel under this reference.")
    status = 400


class FourEyesViolation(PermissionDenied):
    code = "alert_four_eyes"
    default_message = _(
        "An alert must be approved by someone other than the person who drafted it."
    )


class AlertRoleMissing(PermissionDenied):
    code = "alert_role_missing"
    default_message = _("You do not hold the emergency alert role this needs in this department.")


class AlertStateConflict(Conflict):
    code = "alert_state_conflict"
    default_message = _("The alert is no longer in a state that allows this. Reload the page.")
