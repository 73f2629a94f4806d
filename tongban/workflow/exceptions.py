from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput


class InvalidProcessDefinition(InvalidInput):
    code = "invalid_process_definition"
    default_message = _("The process definition has problems. Correct them and try again.")


class TaskAlreadyCompleted(Conflict):
    code = "task_already_completed"
    default_message = _("This task has already been completed.")


class TaskClaimedBySomeoneElse(Conflict):
    code = "task_claimed_by_someone_else"
    default_message = _("Someone else has claimed this task.")


class OutcomeNotAllowed(InvalidInput):
    code = "outcome_not_allowed"
    default_message = _("This outcome is not allowed for this task.")


class ProcessFailed(Conflict):
    """The engine could not go on (e.g. a condition refers to data the process lacks)."""

    code = "process_failed"
    default_message = _("The process could not continue. The service's designers have been told.")
