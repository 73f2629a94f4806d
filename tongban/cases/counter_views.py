"""The window clerk's counter pages (一窗受理) and the delivery pages.

Counter: start a case after the identity check, fill in the answers and upload the scanned
materials on one page, submit, print the receipt. Every counter page scopes through
``case_get_for_counter`` (a case received by one of the clerk's departments); anything else
answers 404. Delivery: the applicant chooses it on their case; staff of the handling
department record the post and the pickup.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts.constants import CODE_LIFETIME
from tongban.cases import selectors, services
from tongban.cases.constants import (
    DELIVERY_STAFF_MOVES,
    FINAL_STATUSES,
    CaseStatus,
    DeliveryStatus,
    IdentityCheckMethod,
    MaterialSource,
)
from tongban.cases.exceptions import CaseNotFound, CounterApplicantUnknown, IdentityCheckRequired
from tongban.cases.models import Case
from tongban.cases.staff_views import _staff_only, _user
from tongban.catalog.constants import Delivery
from tongban.catalog.selectors import form_fields
from tongban.core.exceptions import DomainError
from tongban.core.masking import mask_name, mask_phone, mask_resident_id_number
from tongban.core.ratelimit import client_address
from tongban.organization.models import ServiceHall


class CounterStartForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    id_number = forms.CharField(
        label=_("Resident ID number on the card"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    identity_method = forms.ChoiceField(
        label=_("How the card was checked"),
        choices=IdentityCheckMethod.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    identity_confirmed = forms.BooleanField(
        label=_("I checked the card and the person in front of me is the person on it"),
        required=False,
    )
    raise_to_l3 = forms.BooleanField(
        label=_("Also record the in-person check on the account (real-name level L3)"),
        required=False,
    )

    # Shown only once the check found no account for the number (``ACCOUNT_FIELDS``).
    create_account = forms.BooleanField(
        label=_("Open an account for the applicant (real-name level L3, checked in person)"),
        required=False,
    )
    real_name = forms.CharField(
        label=_("Name on the card"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("Applicant's mobile number"),
        help_text=_("A text tells the applicant how to set a password and follow the case."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    # Shown once a code went to the mobile number: the applicant reads it out from the phone.
    code = forms.CharField(
        label=_("Code the applicant received"),
        help_text=_("Ask the applicant to read out the code from the text on their phone."),
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    ACCOUNT_FIELDS = ("create_account", "real_name", "mobile")
    SEND_CODE = "send_code"

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service"].choices = choices  # type: ignore[attr-defined]

    def check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in (*self.ACCOUNT_FIELDS, "code")]

    def account_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ACCOUNT_FIELDS]


def _errors_into(form: forms.Form, error: DomainError) -> None:
    placed = False
    for key, problems in error.errors.items():
        name = key if key in form.fields else None
        for problem in problems:
            form.add_error(name, str(problem.message))
            placed = True
    if not placed:
        form.add_error(None, error.translated_message())


@_staff_only
@require_http_methods(["GET", "POST"])
def counter_start(request: HttpRequest) -> HttpResponse:
    clerk = _user(request)
    items = services.counter_items(clerk=clerk)
    if not items:
        raise CaseNotFound()
    choices = [(item.code, item.name) for item in items]
    form = CounterStartForm(request.POST or None, choices=choices)
    # The option to open an account appears only after the check found none for the number;
    # the code field once a code was sent (the page then remembers it in a hidden input).
    offer_account = False
    code_sent = request.POST.get("code_sent") == "1"
    sent_to = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == CounterStartForm.SEND_CODE:
            offer_account = True
            try:
                services.counter_account_code_send(clerk=clerk, mobile=data["mobile"])
            except DomainError as error:
                _errors_into(form, error)
            else:
                code_sent, sent_to = True, mask_phone(data["mobile"])
            return _counter_start_page(request, form, True, code_sent, sent_to)
        identity = services.IdentityCheck(
            method=data["identity_method"] or "",
            id_number=data["id_number"] or "",
            confirmed=bool(data["identity_confirmed"]),
        )
        new_account = (
            services.NewAccount(
                real_name=data["real_name"], mobile=data["mobile"], code=data["code"]
            )
            if data["create_account"]
            else None
        )
        try:
            case = services.case_counter_intake_start(
                item_code=data["service"],
                clerk=clerk,
                identity=identity,
                raise_to_l3=bool(data["raise_to_l3"]),
                new_account=new_account,
                ip_address=client_address(request),
            )
        except DomainError as error:
            offer_account = isinstance(error, CounterApplicantUnknown) or (
                new_account is not None and not _about_the_card(error)
            )
            _errors_into(form, error)
        else:
            return HttpResponseRedirect(reverse("cases:counter_case", args=[case.pk]))
    return _counter_start_page(request, form, offer_account, code_sent, sent_to)


def _counter_start_page(
    request: HttpRequest,
    form: CounterStartForm,
    offer_account: bool,
    code_sent: bool,
    sent_to: str,
) -> HttpResponse:
    code_sent = offer_account and code_sent
    return render(
        request,
        "cases/counter/start.html",
        {
            "form": form,
            "offer_account": offer_account,
            "code_sent": code_sent,
            # A missing or wrong code shows the code field with its error, even before a send.
            "show_code": code_sent or (offer_account and "code" in form.errors),
            "sent_to": sent_to,
            "send_code": CounterStartForm.SEND_CODE,
            "code_minutes": int(CODE_LIFETIME.total_seconds() // 60),
        },
        status=400 if form.errors else 200,
    )


def _about_the_card(error: DomainError) -> bool:
    """An error with the check itself (no check, a malformed number): fixed before any
    account question arises."""
    return isinstance(error, IdentityCheckRequired) or "id_number" in error.errors


def _fields_of(case: Case) -> list[dict[str, Any]]:
    steps = case.service_version.form_ui.get("steps", [])
    return [spec for step in steps for spec in step["fields"]]


def _editable_keys(case: Case) -> list[str]:
    """The questions the clerk fills in: all but the registry's values nobody may change."""
    return [
        spec["key"]
        for spec in _fields_of(case)
        if (case.prefill.get(spec["key"]) or {}).get("editable", True)
    ]


def _fixed_values(case: Case) -> list[tuple[str, str]]:
    """The registry's unchangeable values, masked: the clerk confirms them, never copies them."""
    maskers = {"resident_id_number": mask_resident_id_number, "mobile": mask_phone}
    # Anything else the registry fixes (a name, an address) is masked as a name would be.
    shown = []
    for spec in _fields_of(case):
        entry = case.prefill.get(spec["key"])
        if entry is None or entry.get("editable", True):
            continue
        value = str(entry.get("value", ""))
        source_field = str(spec.get("prefill_source", "")).rpartition(":")[2]
        masker = maskers.get(source_field, mask_name)
        shown.append((str(spec["label"]), masker(value)))
    return shown


def _counter_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    *,
    form: forms.Form | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    clerk = _user(request)
    case = services.case_get_for_counter(clerk=clerk, case_id=case_id)
    if case.status != CaseStatus.DRAFT:
        return HttpResponseRedirect(reverse("cases:counter_receipt", args=[case.pk]))
    version = case.service_version
    if form is None:
        form = form_fields(version=version, keys=_editable_keys(case), initial=case.answers)
    rows = selectors.case_materials(case=case)
    needed = [
        {"material": material, "rows": [row for row in rows if row.material_id == material.pk]}
        for material in services.materials_needed(case)
    ]
    intake = case.counter_intake
    context = {
        "case": case,
        "form": form,
        "needed": needed,
        "upload": MaterialSource.UPLOAD,
        "error": error,
        "applicant_name": mask_name(case.applicant_name),
        "identity_number": mask_resident_id_number(str(intake.identity_number)),
        "intake": intake,
        "commitment": services.commitment_current(),
        "fixed": _fixed_values(case),
        "text_missed": services.counter_account_text_missed(case=case),
    }
    return render(
        request, "cases/counter/case.html", context, status=400 if error or form.errors else 200
    )


@_staff_only
@require_http_methods(["GET", "POST"])
def counter_case(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The answers of a counter case (on GET the page; on POST saves them)."""
    if request.method == "GET":
        return _counter_page(request, case_id)
    clerk = _user(request)
    case = services.case_get_for_counter(clerk=clerk, case_id=case_id)
    version = case.service_version
    form = form_fields(
        version=version, keys=_editable_keys(case), data=request.POST, initial=case.answers
    )
    if not form.is_valid():
        return _counter_page(request, case_id, form=form)
    merged = {k: v for k, v in case.answers.items() if k not in form.fields} | form.answers()
    try:
        services.case_draft_update(case_id=case.pk, actor_id=clerk.pk, answers=merged, replace=True)
    except DomainError as error:
        _errors_into(form, error)
        return _counter_page(request, case_id, form=form)
    return HttpResponseRedirect(reverse("cases:counter_case", args=[case.pk]) + "#materials")


@_staff_only
@require_POST
def counter_upload(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """One scanned material of a counter case."""
    clerk = _user(request)
    case = services.case_get_for_counter(clerk=clerk, case_id=case_id)
    upload = request.FILES.get("file")
    try:
        services.case_material_upload(
            case_id=case.pk,
            actor_id=clerk.pk,
            material_id=request.POST.get("material", ""),
            name=(upload.name or "") if upload else "",
            data=upload.read() if upload else b"",
        )
    except DomainError as error:
        return _counter_page(request, case_id, error=error)
    return HttpResponseRedirect(reverse("cases:counter_case", args=[case.pk]) + "#materials")


@_staff_only
@require_POST
def counter_submit(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Submits the counter case once the applicant signed the credit commitment."""
    clerk = _user(request)
    case = services.case_get_for_counter(clerk=clerk, case_id=case_id)
    version_text = request.POST.get("commitment_version", "")
    try:
        services.case_submit(
            case_id=case.pk,
            actor_id=clerk.pk,
            idempotency_key=services.counter_idempotency_key(case.pk),
            commitment_version=int(version_text) if version_text.isdigit() else None,
            confirmed=request.POST.get("confirmed") == "on",
        )
    except DomainError as error:
        return _counter_page(request, case_id, error=error)
    return HttpResponseRedirect(reverse("cases:counter_receipt", args=[case.pk]))


@_staff_only
@require_GET
def counter_receipt(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = services.case_get_for_counter(clerk=_user(request), case_id=case_id)
    if case.status == CaseStatus.DRAFT:
        return HttpResponseRedirect(reverse("cases:counter_case", args=[case.pk]))
    return render(
        request,
        "cases/counter/receipt.html",
        {"case": case, "applicant_name": mask_name(case.applicant_name)},
    )


@_staff_only
@require_GET
def counter_receipt_pdf(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = services.case_get_for_counter(clerk=_user(request), case_id=case_id)
    if case.status == CaseStatus.DRAFT:
        raise CaseNotFound()
    response = HttpResponse(services.case_receipt_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    return response


# --- delivery -----------------------------------------------------------------------------


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label=_("How you receive the result"), widget=forms.RadioSelect)
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    address = forms.CharField(
        label=_("Postal address"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    hall = forms.ChoiceField(label=_("Hall to pick it up at"), required=False)

    def __init__(self, *args: object, methods: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Delivery.choices if value in methods
        ]
        halls = [(hall.code, hall.name) for hall in ServiceHall.objects.order_by("code")[:100]]
        self.fields["hall"].choices = [("", "—"), *halls]  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def delivery_choose(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The applicant's choice of delivery for their open case."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = selectors.case_get_for_applicant(user=request.user, case_id=case_id)
    if case.status in FINAL_STATUSES:
        raise CaseNotFound()
    delivery = getattr(case, "delivery", None)
    methods = list(case.service_version.delivery_options or [])
    initial = {"method": delivery.method} if delivery is not None else {}
    form = DeliveryForm(request.POST or None, methods=methods, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_delivery_choose(
                case_id=case.pk,
                actor_id=request.user.pk,
                method=data["method"],
                recipient_name=data["recipient_name"],
                address=data["address"],
                postal_code=data["postal_code"],
                hall_code=data["hall"],
            )
        except DomainError as error:
            _errors_into(form, error)
        else:
            return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    return render(
        request,
        "cases/delivery.html",
        {"case": case, "form": form, "delivery": delivery},
        status=400 if form.errors else 200,
    )


def _delivery_rows(user: object) -> list[dict[str, object]]:
    return [
        {
            "delivery": delivery,
            "moves": [
                (value, DeliveryStatus(value).label)
                for value in sorted(DELIVERY_STAFF_MOVES.get(delivery.status, ()))
            ],
        }
        for delivery in services.deliveries_for_staff(user=user)  # type: ignore[arg-type]
    ]


@_staff_only
@require_GET
def staff_deliveries(request: HttpRequest) -> HttpResponse:
    """What the user's departments still have to post or hand over; the post's address is
    shown to them in full (they write the label), and the read is logged."""
    return render(request, "cases/staff/deliveries.html", {"rows": _delivery_rows(_user(request))})


@_staff_only
@require_POST
def staff_delivery_update(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    staff = _user(request)
    try:
        services.case_delivery_update(
            delivery_id=delivery_id,
            staff=staff,
            status=request.POST.get("status", ""),
            tracking_number=request.POST.get("tracking_number", ""),
        )
    except CaseNotFound:
        raise
    except DomainError as error:
        return render(
            request,
            "cases/staff/deliveries.html",
            {"rows": _delivery_rows(staff), "error": error},
            status=400,
        )
    return HttpResponseRedirect(reverse("cases:staff_deliveries"))


# --- remote verification by face (pension qualification check) ---------------------------


@require_http_methods(["GET", "POST"])
def liveness(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The retiree confirms the check by comparing their face with their ID card photo."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = selectors.case_get_for_applicant(user=request.user, case_id=case_id)
    if case.applicant_person_id != request.user.pk or not services.remote_verification_offered(
        case
    ):
        raise CaseNotFound()
    error: DomainError | None = None
    if request.method == "POST":
        photo = request.FILES.get("photo")
        try:
            services.case_liveness_verify(
                case_id=case.pk,
                actor_id=request.user.pk,
                plugin=request.POST.get("verifier", ""),
                image=photo.read() if photo else b"",
            )
        except DomainError as problem:
            error = problem
        else:
            return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    return render(
        request,
        "cases/liveness.html",
        {"case": case, "error": error},
        status=400 if error else 200,
    )
