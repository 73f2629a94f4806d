"""The staff side's pages: the inbox, a case as its task needs it, decisions and comments;
PDF materials as page images; the statutory notices and their public verification page.

Every page scopes through ``tongban.cases.inbox`` (the task must be one of the user's
departments and roles); anything else answers 404. Decisions go through the same service as
``POST /api/v1/tasks/{id}/complete``.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.models import User
from tongban.accounts.selectors import is_staff_member
from tongban.cases import inbox, selectors, services
from tongban.cases.constants import CaseStep, NoticeKind
from tongban.cases.exceptions import CaseNotFound
from tongban.core.exceptions import DomainError
from tongban.core.masking import mask_name
from tongban.core.ratelimit import RateLimit, client_address, ratelimit_hit
from tongban.organization.models import Department
from tongban.workflow.constants import TaskOutcome
from tongban.workflow.selectors import process_diagram_svg

P = ParamSpec("P")

# PDF pages are drawn at 110 dpi: legible on a laptop, small enough for a phone.
PAGE_SCALE = 110 / 72
PAGE_MAX = 200
NOTICE_VERIFY_RATE = RateLimit(scope="cases.notice_verify", limit=20, window=60)


def _staff_only(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signed in as staff; anyone else finds nothing here (404), the anonymous sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(user=request.user):
            raise Http404()
        try:
            response = view(request, *args, **kwargs)
        except CaseNotFound:
            raise Http404() from None
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
        return response

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


STEP_OUTCOMES = {
    CaseStep.ACCEPTANCE: (
        (TaskOutcome.APPROVED, _("Accept (受理)")),
        (TaskOutcome.REJECTED, _("Refuse acceptance (不予受理)")),
    ),
    CaseStep.REVIEW: (
        (TaskOutcome.APPROVED, _("Pass on for approval")),
        (TaskOutcome.REJECTED, _("Propose refusal")),
    ),
    CaseStep.DECISION: (
        (TaskOutcome.APPROVED, _("Approve (准予许可)")),
        (TaskOutcome.REJECTED, _("Reject (不予许可)")),
    ),
    CaseStep.BRANCH: (
        (TaskOutcome.APPROVED, _("Agree: our part is done")),
        (TaskOutcome.REJECTED, _("Refuse: the application is rejected")),
    ),
}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for a refusal: the applicant reads them in the notice."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the licence is refused: the law and article applied."),
    )

    def __init__(self, *args: object, step: CaseStep, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["outcome"].choices = STEP_OUTCOMES[step]  # type: ignore[attr-defined]
        if step not in (CaseStep.DECISION, CaseStep.BRANCH):
            del self.fields["legal_basis"]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Internal comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen only by staff handling the case, never by the applicant."),
    )


def _add_domain_errors(form: forms.Form, error: DomainError) -> None:
    placed = False
    for key, problems in error.errors.items():
        name = key if key in form.fields else None
        for problem in problems:
            form.add_error(name, str(problem.message))
            placed = True
    if not placed:
        form.add_error(None, error.translated_message())


@_staff_only
@require_GET
def staff_inbox(request: HttpRequest) -> HttpResponse:
    rows = inbox.staff_inbox(user=_user(request))
    return render(request, "cases/staff/inbox.html", {"rows": rows})


def _task_page(
    request: HttpRequest,
    task_id: uuid.UUID,
    *,
    decision_form: DecisionForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    view = inbox.staff_case_view(user=user, task_id=task_id)
    services.case_personal_data_read_record(
        case=view.case, reader=user, fields=view.personal_keys, task_id=view.task.pk
    )
    open_task = view.task.status in ("open", "claimed")
    context = {
        "view": view,
        "case": view.case,
        "task": view.task,
        "open_task": open_task,
        "decision_form": decision_form or DecisionForm(step=view.step),
        "comment_form": comment_form or CommentForm(),
        "clocks": selectors.case_clocks(case=view.case),
        "materials": [
            {
                "row": row,
                "pages": range(1, min(row.page_count or 1, PAGE_MAX) + 1)
                if row.content_type == "application/pdf"
                else range(0),
            }
            for row in view.materials
        ],
    }
    return render(request, "cases/staff/task.html", context, status=status)


@_staff_only
@require_GET
def staff_task(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    return _task_page(request, task_id)


@_staff_only
@require_POST
def staff_decide(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    view = inbox.staff_case_view(user=user, task_id=task_id)
    form = DecisionForm(request.POST, step=view.step)
    if form.is_valid():
        try:
            services.case_task_complete(
                task_id=task_id,
                actor=user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                legal_basis=form.cleaned_data.get("legal_basis", ""),
            )
        except DomainError as error:
            _add_domain_errors(form, error)
        else:
            messages.success(request, gettext("Your decision has been recorded."))
            return HttpResponseRedirect(reverse("cases:staff_inbox"))
    return _task_page(request, task_id, decision_form=form, status=400)


@_staff_only
@require_POST
def staff_comment(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    task, case = inbox.staff_task_get(user=user, task_id=task_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.case_comment_add(
                case=case,
                actor=user,
                department=Department.objects.get(pk=task.department_id),
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            _add_domain_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("cases:staff_task", args=[task_id]) + "#comments")
    return _task_page(request, task_id, comment_form=form, status=400)


@_staff_only
@require_GET
def staff_diagram(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    task, _case = inbox.staff_task_get(user=_user(request), task_id=task_id)
    response = HttpResponse(
        process_diagram_svg(instance=task.instance), content_type="image/svg+xml"
    )
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@_staff_only
@require_GET
def staff_material_page(
    request: HttpRequest, task_id: uuid.UUID, row_id: uuid.UUID, page: int
) -> HttpResponse:
    """One page of a PDF material as a PNG, or an image material itself."""
    import pypdfium2

    row = inbox.staff_material_get(user=_user(request), task_id=task_id, row_id=row_id)
    if not row.file:
        raise Http404()
    if row.content_type in ("image/jpeg", "image/png"):
        if page != 1:
            raise Http404()
        with row.file.open("rb") as image:
            return HttpResponse(image.read(), content_type=row.content_type)
    if row.content_type != "application/pdf":
        raise Http404()
    with row.file.open("rb") as handle:
        data = handle.read()
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise Http404() from None
    try:
        if not 1 <= page <= min(len(document), PAGE_MAX):
            raise Http404()
        bitmap = document[page - 1].render(scale=PAGE_SCALE)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG", optimize=True)
    finally:
        document.close()
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def _pdf_response(notice: object) -> HttpResponse:
    from tongban.cases.models import CaseNotice

    assert isinstance(notice, CaseNotice)
    with notice.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.case.number}.pdf"'
    return response


@_staff_only
@require_GET
def staff_notice(request: HttpRequest, task_id: uuid.UUID, notice_id: uuid.UUID) -> HttpResponse:
    notice = inbox.staff_notice_get(user=_user(request), task_id=task_id, notice_id=notice_id)
    return _pdf_response(notice)


@require_GET
def notice_pdf(request: HttpRequest, case_id: uuid.UUID, notice_id: uuid.UUID) -> HttpResponse:
    """The applicant's copy of a notice (the applicant, their agents, the filer)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        case = selectors.case_get_for_applicant(user=request.user, case_id=case_id)
    except CaseNotFound:
        raise Http404() from None
    notice = case.notices.filter(pk=notice_id).first()
    if notice is None:
        raise Http404()
    response = _pdf_response(notice)
    add_never_cache_headers(response)
    return response


@require_GET
def notice_verify(request: HttpRequest) -> HttpResponse:
    """Public: the QR printed on a notice opens this page; it confirms the notice was issued
    and shows its number, department, date and a fingerprint of the PDF."""
    token = request.GET.get("t", "")
    context: dict[str, object] = {"submitted": bool(token)}
    if token:
        ratelimit_hit(rule=NOTICE_VERIFY_RATE, key=client_address(request))
        notice_id = services.notice_token_read(token)
        notice = inbox.notice_for_verification(notice_id=notice_id) if notice_id else None
        if notice is None:
            context["invalid"] = True
        else:
            context.update(
                notice=notice,
                applicant=mask_name(notice.case.applicant_name),
                kind_label=NoticeKind(notice.kind).label,
            )
    response = render(request, "cases/notice_verify.html", context)
    add_never_cache_headers(response)
    return response
