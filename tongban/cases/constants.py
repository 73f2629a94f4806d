"""Choices of the cases app: statuses, channels, timeline event kinds, material sources."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Where an application (办件) stands; only the services in ``cases.services`` move it."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, under review")
    SUPPLEMENTING = "supplementing", _("Waiting for supplementation")
    ACCEPTANCE_REFUSED = "acceptance_refused", _("Acceptance refused")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A decision has been made (or the case has ended otherwise): no withdrawal, no more changes.
FINAL_STATUSES = frozenset(
    {
        CaseStatus.ACCEPTANCE_REFUSED,
        CaseStatus.APPROVED,
        CaseStatus.REJECTED,
        CaseStatus.WITHDRAWN,
    }
)
# The department is still deciding: the applicant may withdraw.
OPEN_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENTING})


class CaseChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At a counter")


class ApplicantKind(models.TextChoices):
    """Who the application is for: a natural person or a legal person."""

    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise")


class DecisionKind(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AutomaticStepStatus(models.TextChoices):
    """An automatic step after a decision (issuing the certificate), retried until it succeeds."""

    NONE = "", _("None")
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed, being retried")


class CaseEventKind(models.TextChoices):
    DRAFT_CREATED = "draft_created", _("Draft created")
    SUBMITTED = "submitted", _("Application submitted")
    ACCEPTED = "accepted", _("Accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")
    ACCEPTANCE_REFUSED = "acceptance_refused", _("Acceptance refused")
    SUPPLEMENTATION_REQUESTED = "supplementation_requested", _("Supplementation requested")
    SUPPLEMENTED = "supplemented", _("Supplementation received")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOTICE_ISSUED = "notice_issued", _("Notice issued")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    CERTIFICATE_DELAYED = "certificate_delayed", _("Certificate issuing delayed")
    TASK_COMPLETED = "task_completed", _("Step completed")
    COMMENT = "comment", _("Internal comment")
    CLOCK_SUSPENDED = "clock_suspended", _("Time limit suspended")
    CLOCK_RESUMED = "clock_resumed", _("Time limit resumed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Time limit extended")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    DUE_DATE_RECOMPUTED = "due_date_recomputed", _("Due date recomputed")
    DUE_SOON_WARNED = "due_soon_warned", _("Handler warned: due soon")
    ESCALATED = "escalated", _("Escalated")
    URGED = "urged", _("Urged")
    REASSIGNED = "reassigned", _("Reassigned")
    BRANCH_COMPLETED = "branch_completed", _("Department's part completed")
    BRANCH_CANCELLED = "branch_cancelled", _("Department's part ended")
    RULES_PASSED = "rules_passed", _("Approved instantly: every rule passed")
    RULES_FAILED = "rules_failed", _("Sent to a person: a rule did not pass")
    COUNTER_INTAKE = "counter_intake", _("Received at a counter")
    DELIVERY_CHOSEN = "delivery_chosen", _("Delivery chosen")
    DELIVERY_CHANGED = "delivery_changed", _("Delivery updated")


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    CERTIFICATE = "certificate", _("E-certificate held")
    REGISTRY = "registry", _("Document held by a registry")
    # A document another department of the same bundle issues (the business licence for the
    # seal filing): the applicant provides nothing.
    BUNDLE = "bundle", _("Issued within the same bundle")


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the department")
    CORRECTED = "corrected", _("Corrected")
    CONFIRMED = "confirmed", _("Checked: the value is right")


MATERIAL_MAX_BYTES = 10 * 1024 * 1024
MATERIAL_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
DEFAULT_ACCEPTANCE_DAYS = 5  # Administrative Licensing Law Art. 32
# The subject type the workflow engine records for a case's process.
PROCESS_SUBJECT_TYPE = "cases.case"


class CaseStep(models.TextChoices):
    """What a user task of a case's process decides (its BPMN ``tongban:caseStep``)."""

    ACCEPTANCE = "acceptance", _("Acceptance")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")
    # One department's part of a parallel review (串联改并联): its refusal rejects the case
    # and, through a terminate end event in the process, ends the other branches.
    BRANCH = "branch", _("Department's part")


class NoticeKind(models.TextChoices):
    """The statutory notices of administrative licensing (行政许可法 Art. 32, 38)."""

    ACCEPTANCE = "acceptance", _("Notice of acceptance")
    NON_ACCEPTANCE = "non_acceptance", _("Notice of non-acceptance")
    GRANT = "grant", _("Decision to grant the licence")
    REFUSAL = "refusal", _("Decision to refuse the licence")
    SUPPLEMENTATION = "supplementation", _("Notice to supplement the application")


# The purpose recorded with every staff read of an applicant's data.
CASE_HANDLING_PURPOSE = "case handling"
# Issuing the certificate after an approval: attempts (task retries and periodic ones) before
# the case is left "delayed" for a person to look at.
CERTIFICATE_ISSUE_MAX_ATTEMPTS = 20

# The credit commitment (信用承诺) text of version 1, as the data migration stores it; a
# later version is added as a new ``CommitmentText`` row, never by editing this one.
COMMITMENT_TEXT_V1 = (
    "本人（本单位）郑重承诺：所填写的申请信息和提交的材料真实、准确、完整、有效，"
    "复印件与原件一致，不存在隐瞒有关情况或者提供虚假材料的情形。"
    "如有不实，愿意承担相应的法律责任，并接受将失信信息记入信用档案、依法实施联合惩戒。"
)


# --- the deadline clock (issue: supplementation, deadlines, urging and supervision) -------


class ClockKind(models.TextChoices):
    """What a clock measures: the case's two statutory periods, or one task (branch)."""

    ACCEPTANCE = "acceptance", _("Acceptance period")
    DECISION = "decision", _("Decision period")
    TASK = "task", _("Step")


class ClockState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class PauseKind(models.TextChoices):
    """Why a clock stops: waiting for the applicant, or a formal suspension (expert review,
    hearing, inspection: 行政许可法 Art. 45 periods not counted)."""

    SUPPLEMENTATION = "supplementation", _("Waiting for supplementation")
    SUSPENSION = "suspension", _("Suspended")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class SupplementationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the applicant")
    ANSWERED = "answered", _("Supplemented")
    CANCELLED = "cancelled", _("Closed without supplementation")


class SupplementItemKind(models.TextChoices):
    FIELD = "field", _("Form field")
    MATERIAL = "material", _("Material")


# Escalation steps of a clock, in order; a clock remembers the last one taken, so the job
# never takes a step twice.
class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("None")
    HANDLER_WARNED = 1, _("Handler warned")
    SUPERVISOR = 2, _("Department supervisor")
    LEVEL_UP = 3, _("One level up")


# "Due soon": at most this many working days left (the due day itself counts as 0).
DUE_SOON_WORKING_DAYS = 1
# Overdue this many working days: escalated one level up.
ESCALATE_UP_AFTER_WORKING_DAYS = 2
# Administrative Licensing Law Art. 42: an extension of up to ten working days with the
# approval of the head of the administrative organ (the default of a service version).
DEFAULT_EXTENSION_DAYS = 10
# Drafts expire after this many days without a change, with a reminder a week before.
DRAFT_EXPIRY_DAYS = 30
DRAFT_REMINDER_DAYS_BEFORE = 7
SUPPLEMENT_ITEMS_MAX = 50


# --- instant approval, the counter, delivery (issue: applications 4/4) --------------------


class DeliveryStatus(models.TextChoices):
    """Where the result of an approved case is on its way to the applicant."""

    WAITING = "waiting", _("Waiting for the decision")
    IN_WALLET = "in_wallet", _("In the certificate wallet")
    READY_FOR_POSTING = "ready_for_posting", _("Waiting to be posted")
    POSTED = "posted", _("Posted")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned to sender")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    PICKED_UP = "picked_up", _("Picked up")


# The moves staff may make by hand; the wallet and "ready" states are set by the services.
DELIVERY_STAFF_MOVES: dict[str, frozenset[str]] = {
    DeliveryStatus.READY_FOR_POSTING: frozenset({DeliveryStatus.POSTED}),
    DeliveryStatus.POSTED: frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.RETURNED}),
    DeliveryStatus.RETURNED: frozenset({DeliveryStatus.POSTED}),
    DeliveryStatus.READY_FOR_PICKUP: frozenset({DeliveryStatus.PICKED_UP}),
}


class IdentityCheckMethod(models.TextChoices):
    """How a window clerk checked a walk-in applicant's identity."""

    ID_CARD_READER = "id_card_reader", _("Resident ID card read by the card reader")
    ID_CARD_VISUAL = "id_card_visual", _("Resident ID card compared by sight")


# Counter cases: the applicant came once (最多跑一次).
COUNTER_TRIPS = 1
# A held document replaces at least one printed page per copy the guide asks for.
PAGES_PER_HELD_COPY = 1
TRACKING_NUMBER_MAX_LENGTH = 40
ADDRESS_MAX_LENGTH = 300


# --- parallel review and life-event bundles (一件事一次办) ---------------------------------


class BundleStatus(models.TextChoices):
    """The combined status of a bundle's parent case, from its child cases."""

    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("All done")
    PARTLY_REFUSED = "partly_refused", _("Done, some refused")
    REFUSED = "refused", _("Refused")


# A bundle's children are submitted under keys derived from the parent's: "<key>/<service>".
BUNDLE_KEY_SEPARATOR = "/"
