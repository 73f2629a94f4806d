"""Errors of the service catalog, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput, NotFound


class ServiceItemNotFound(NotFound):
    code = "service_item_not_found"
    default_message = _("There is no published service with this code.")


class BundleNotFound(NotFound):
    code = "bundle_not_found"
    default_message = _("There is no life-event bundle with this code.")


class FieldRowInvalid(InvalidInput):
    code = "field_row_invalid"
    default_message = _("This form field cannot be added as it is. Please correct it.")


class VersionNotEditable(Conflict):
    code = "version_not_editable"
    default_message = _("A published version cannot be changed. Clone it into a new draft.")


class VersionIncomplete(InvalidInput):
    code = "version_incomplete"
    default_message = _("This version cannot be published yet. Every problem is listed.")


class FormDataInvalid(InvalidInput):
    code = "form_data_invalid"
    default_message = _("Some answers are missing or not valid. Please correct them.")


class SearchQueryInvalid(InvalidInput):
    code = "search_query_invalid"
    default_message = _("The search words are not valid.")


class ExportInvalid(InvalidInput):
    code = "export_invalid"
    default_message = _("This file is not a valid service version export.")
