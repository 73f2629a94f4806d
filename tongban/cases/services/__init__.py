"""Every change to applications, one transaction per operation, split by concept:

* ``timeline`` — the status moves and the timeline entries every other service writes;
* ``drafts`` — creating, autosaving and resuming a draft, prefill and corrections;
* ``materials`` — uploads checked from their content, and documents already held;
* ``submission`` — the credit commitment, exactly-once submit, case numbers, the process;
* ``clocks`` — the deadline clock of the case and of each task: the acceptance and decision
  periods, deemed acceptance, pauses, suspension, the extension, escalation, recomputation;
* ``supplementation`` — returning a case for supplementation (补正) and resubmitting it;
* ``supervision`` — urging (催办) and the supervisors' actions;
* ``expiry`` — drafts that expire;
* ``tracking`` — withdrawal;
* ``receipts`` — the receipt PDF with a QR that opens the case.

Upper apps and the staff side import from ``tongban.cases.services`` only.
"""

from __future__ import annotations

from tongban.cases.services.clocks import (
    case_acceptance_record,
    case_clock_running,
    case_clocks_recompute,
    case_extension_decide,
    case_extension_request,
    case_suspend,
    case_suspension_end,
    cases_deemed_accepted_apply,
    clock_days_left,
    clock_state,
    clocks_escalate,
    decision_due_from,
    extension_limit,
    staff_department_ids,
)
from tongban.cases.services.counter import (
    IdentityCheck,
    NewAccount,
    case_counter_intake_start,
    case_get_for_counter,
    counter_account_code_send,
    counter_account_text_missed,
    counter_departments,
    counter_idempotency_key,
    counter_items,
)
from tongban.cases.services.decisions import (
    case_comment_add,
    case_personal_data_read_record,
    case_step_of,
    case_task_complete,
    case_task_completing,
)
from tongban.cases.services.delivery import (
    case_delivery_choose,
    case_delivery_ready,
    case_delivery_update,
    deliveries_for_staff,
    delivery_get_for_staff,
)
from tongban.cases.services.demo import demo_earlier_application_seed
from tongban.cases.services.drafts import (
    AssuranceTooLow,
    answers_clean,
    case_draft_create,
    case_draft_update,
    correction_request_answer,
    correction_request_file,
    materials_needed,
    prefill_resolve,
)
from tongban.cases.services.expiry import drafts_expire
from tongban.cases.services.issuing import (
    case_certificate_issue,
    case_certificates_retry_due,
    certificate_data_builders,
)
from tongban.cases.services.materials import (
    case_material_remove,
    case_material_upload,
    held_documents_for,
    material_file_check,
    materials_auto_satisfy,
    paper_pages,
)
from tongban.cases.services.notices import (
    case_notice_issue,
    notice_token,
    notice_token_read,
    notice_verification_url,
)
from tongban.cases.services.pension import (
    case_liveness_verify,
    pension_check_silent_start,
    pension_checks_start_due,
    pension_method,
    pension_next_due,
    remote_verification_offered,
)
from tongban.cases.services.receipts import case_receipt_pdf
from tongban.cases.services.rules import case_rules_apply, rules_outcome_plain
from tongban.cases.services.seals import department_seal_ensure
from tongban.cases.services.submission import (
    SUBMITTED_EVENT,
    case_number_next,
    case_problems,
    case_submit,
    case_url,
    commitment_current,
)
from tongban.cases.services.supervision import (
    case_clocks_late,
    case_urge,
    clock_task_reassign,
    clock_urge_by_supervisor,
)
from tongban.cases.services.supplementation import (
    case_supplement_material_upload,
    case_supplement_submit,
    case_supplementation_request,
    supplementation_open,
)
from tongban.cases.services.timeline import TRANSITIONS, case_event_record, case_transition
from tongban.cases.services.tracking import case_withdraw

__all__ = [
    "SUBMITTED_EVENT",
    "TRANSITIONS",
    "AssuranceTooLow",
    "IdentityCheck",
    "NewAccount",
    "answers_clean",
    "case_acceptance_record",
    "case_certificate_issue",
    "case_certificates_retry_due",
    "case_clock_running",
    "case_clocks_late",
    "case_clocks_recompute",
    "case_comment_add",
    "case_counter_intake_start",
    "case_delivery_choose",
    "case_delivery_ready",
    "case_delivery_update",
    "case_draft_create",
    "case_draft_update",
    "case_event_record",
    "case_extension_decide",
    "case_extension_request",
    "case_get_for_counter",
    "case_liveness_verify",
    "case_material_remove",
    "case_material_upload",
    "case_notice_issue",
    "case_number_next",
    "case_personal_data_read_record",
    "case_problems",
    "case_receipt_pdf",
    "case_rules_apply",
    "case_step_of",
    "case_submit",
    "case_supplement_material_upload",
    "case_supplement_submit",
    "case_supplementation_request",
    "case_suspend",
    "case_suspension_end",
    "case_task_complete",
    "case_task_completing",
    "case_transition",
    "case_urge",
    "case_url",
    "case_withdraw",
    "cases_deemed_accepted_apply",
    "certificate_data_builders",
    "clock_days_left",
    "clock_state",
    "clock_task_reassign",
    "clock_urge_by_supervisor",
    "clocks_escalate",
    "commitment_current",
    "correction_request_answer",
    "correction_request_file",
    "counter_account_code_send",
    "counter_account_text_missed",
    "counter_departments",
    "counter_idempotency_key",
    "counter_items",
    "decision_due_from",
    "deliveries_for_staff",
    "delivery_get_for_staff",
    "demo_earlier_application_seed",
    "department_seal_ensure",
    "drafts_expire",
    "extension_limit",
    "held_documents_for",
    "material_file_check",
    "materials_auto_satisfy",
    "materials_needed",
    "notice_token",
    "notice_token_read",
    "notice_verification_url",
    "paper_pages",
    "pension_check_silent_start",
    "pension_checks_start_due",
    "pension_method",
    "pension_next_due",
    "prefill_resolve",
    "remote_verification_offered",
    "rules_outcome_plain",
    "staff_department_ids",
    "supplementation_open",
]
