"""Administrators edit message texts and SMS template codes, and watch every delivery."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import DomainError
from tongban.notifications import services
from tongban.notifications.events import event_types
from tongban.notifications.models import (
    Delivery,
    MessageTemplate,
    Notification,
    SmsTemplateBinding,
)
from tongban.notifications.templating import render


def _event_choices() -> list[tuple[str, str]]:
    return sorted((event.code, f"{event.code} · {event.description}") for event in event_types)


def _raise_for_form(error: DomainError) -> None:
    # The sender's "context" has no form field: its problems go above the form.
    messages_by_field: dict[str, list[str]] = {}
    for field, items in error.errors.items():
        key = NON_FIELD_ERRORS if field == "context" else field
        messages_by_field.setdefault(key, []).extend(str(item.message) for item in items)
    raise ValidationError(messages_by_field or error.translated_message())


class MessageTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    event_code = forms.ChoiceField(label=_("event"), choices=_event_choices)

    class Meta:
        model = MessageTemplate
        fields = ["event_code", "channel", "language", "subject", "body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"event_code", "subject", "body"} <= data.keys():
            try:
                services.message_template_validate(
                    event_code=data["event_code"], subject=data["subject"], body=data["body"]
                )
            except DomainError as error:
                _raise_for_form(error)
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = MessageTemplateForm
    list_display = ["event_code", "channel", "language", "subject", "updated_at"]
    list_filter = ["channel", "language", "event_code"]
    search_fields = ["event_code", "subject"]
    readonly_fields = ["variables", "preview"]

    @admin.display(description=_("variables this event provides"))
    def variables(self, template: MessageTemplate) -> str:
        event = event_types.get(template.event_code)
        return ", ".join("{{ " + name + " }}" for name in event.variables) if event else "-"

    @admin.display(description=_("preview with example values"))
    def preview(self, template: MessageTemplate) -> str:
        event = event_types.get(template.event_code)
        if event is None or not template.pk:
            return str(_("Save the template to see a preview."))
        return format_html(
            "<strong>{}</strong>{}",
            render(template.subject, event.sample),
            linebreaks(render(template.body, event.sample), autoescape=True),
        )

    def save_model(
        self, request: HttpRequest, obj: MessageTemplate, form: Any, change: bool
    ) -> None:
        services.message_template_save(template=obj, actor=request.user)


class SmsTemplateBindingForm(forms.ModelForm):  # type: ignore[type-arg]
    event_code = forms.ChoiceField(label=_("event"), choices=_event_choices)

    class Meta:
        model = SmsTemplateBinding
        fields = ["event_code", "template_code", "parameters"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parameters = data.get("parameters")
        if parameters is not None and (
            not isinstance(parameters, list) or not all(isinstance(p, str) for p in parameters)
        ):
            raise ValidationError(
                {"parameters": _('Give a list of variable names, e.g. ["code"].')}
            )
        if "event_code" in data and parameters is not None:
            try:
                services.sms_template_binding_validate(
                    event_code=data["event_code"], parameters=parameters
                )
            except DomainError as error:
                _raise_for_form(error)
        return data


@admin.register(SmsTemplateBinding)
class SmsTemplateBindingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SmsTemplateBindingForm
    list_display = ["event_code", "template_code", "updated_at"]
    search_fields = ["event_code", "template_code"]

    def save_model(
        self, request: HttpRequest, obj: SmsTemplateBinding, form: Any, change: bool
    ) -> None:
        services.sms_template_binding_save(binding=obj, actor=request.user)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Failures are visible here (filter by status and error), and can be sent again."""

    list_display = [
        "created_at",
        "event",
        "channel",
        "status",
        "attempts",
        "error_code",
        "updated_at",
    ]
    list_filter = ["status", "channel", "error_code"]
    list_select_related = ["notification"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "notification",
        "user",
        "channel",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "provider_id",
        "error_code",
        "error",
        "fallback_of",
    )
    actions = ["send_again"]
    show_full_result_count = False

    @admin.display(description=_("event"))
    def event(self, delivery: Delivery) -> str:
        return delivery.notification.event_code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed deliveries again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        sent = 0
        for delivery in queryset:
            try:
                services.delivery_retry(delivery=delivery, actor=request.user)
                sent += 1
            except DomainError as error:
                self.message_user(request, error.translated_message(), messages.WARNING)
        self.message_user(request, _("%(count)s deliveries will be sent again.") % {"count": sent})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "event_code", "category", "broadcast", "recipient_count"]
    list_filter = ["category", "broadcast", "event_code"]
    fields = readonly_fields = (
        "event_code",
        "category",
        "content",
        "link",
        "broadcast",
        "recipient_count",
        "sent_by",
        "fanned_out_at",
        "created_at",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
