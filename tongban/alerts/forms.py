"""The drafter's form: CAP fields, the areas by region, the expiry in China time."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.alerts.constants import CapCategory, CapStatus, Certainty, Severity, Urgency
from tongban.alerts.models import Alert
from tongban.alerts.services import AlertInput
from tongban.organization.models import Department, Region

CHINA = ZoneInfo("Asia/Shanghai")


class AlertForm(forms.Form):
    headline = forms.CharField(label=_("Headline"), max_length=160)
    event = forms.CharField(
        label=_("Event"), max_length=100, help_text=_("For example: 暴雨橙色预警.")
    )
    category = forms.ChoiceField(label=_("Category"), choices=CapCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Certainty.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, max_length=5000)
    instruction = forms.CharField(
        label=_("What people should do"), widget=forms.Textarea, required=False, max_length=5000
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas"), widget=forms.CheckboxSelectMultiple, required=False
    )
    expires = forms.DateTimeField(
        label=_("Expires (China Standard Time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CapStatus.choices, initial=CapStatus.ACTUAL
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = department.region.code
        regions = Region.objects.filter(code__startswith=prefix.rstrip("0")[:4]).order_by("code")
        self.fields["areas"].choices = [  # type: ignore[attr-defined]
            (region.code, region.name) for region in regions if len(region.code) == 6
        ]

    def clean_expires(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["expires"]
        # The form's time is China's, whatever the server's zone.
        return value.replace(tzinfo=CHINA) if value.tzinfo is None else value

    def to_input(self) -> AlertInput:
        data = self.cleaned_data
        return AlertInput(
            category=data["category"],
            event=data["event"],
            urgency=data["urgency"],
            severity=data["severity"],
            certainty=data["certainty"],
            headline=data["headline"],
            description=data["description"],
            instruction=data.get("instruction") or "",
            expires=data["expires"],
            area_codes=data.get("areas") or [],
            status=data["status"],
        )

    @classmethod
    def initial_from(cls, alert: Alert) -> dict[str, Any]:
        return {
            "headline": alert.headline,
            "event": alert.event,
            "category": alert.category,
            "severity": alert.severity,
            "urgency": alert.urgency,
            "certainty": alert.certainty,
            "description": alert.description,
            "instruction": alert.instruction,
            "areas": [region.code for region in alert.areas.all()],
            "expires": alert.expires.astimezone(CHINA).replace(tzinfo=None),
            "status": alert.status,
        }
