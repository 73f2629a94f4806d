"""The REST API under /api/v1, and the one JSON shape of its errors (DESIGN.md §6)."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tongban.accounts.api import router as accounts_router
from tongban.alerts.api import router as alerts_router
from tongban.appointments.api import router as appointments_router
from tongban.cases.api import router as cases_router
from tongban.catalog.api import router as catalog_router
from tongban.certificates.api import router as certificates_router
from tongban.core.api import router as core_router
from tongban.core.exceptions import (
    DomainError,
    ErrorPayload,
    FieldError,
    InvalidInput,
    NotFound,
)
from tongban.core.logging import current_request_id
from tongban.notifications.api import router as notifications_router
from tongban.workflow.api import router as workflow_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Tongban",
    version="1",
    description="The one-stop government services platform's API.",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", notifications_router)
api.add_router("/", workflow_router)
api.add_router("/", certificates_router)
api.add_router("/", catalog_router)
api.add_router("/", cases_router)
api.add_router("/", alerts_router)
api.add_router("/", appointments_router)


def _respond(request: HttpRequest, payload: ErrorPayload, status: int) -> HttpResponse:
    return api.create_response(request, payload, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = _respond(request, error.payload(), error.status)
    for header, value in error.headers().items():
        response[header] = value
    return response


def _field_name(location: tuple[object, ...]) -> str:
    # ninja reports ("query", "query", "working_days") or ("body", "payload", "name"); the
    # client knows its fields by the last part.
    names = [str(part) for part in location if part not in {"query", "body", "path", "header"}]
    return ".".join(names[1:] if len(names) > 1 and names[0] in {"payload", "data"} else names)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[FieldError]] = {}
    for item in error.errors:
        field = _field_name(tuple(item.get("loc", ()))) or "__all__"
        errors.setdefault(field, []).append(
            FieldError(str(item.get("type", "invalid")), _("This value is not valid."))
        )
    return _respond(request, InvalidInput(errors=errors).payload(), 400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _respond(request, NotFound().payload(), 404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    payload: ErrorPayload = {
        "code": "not_authenticated",
        "message": _("Please sign in first."),
        "errors": {},
    }
    return _respond(request, payload, 401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    payload: ErrorPayload = {"code": "http_error", "message": str(error), "errors": {}}
    return _respond(request, payload, error.status_code)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("unhandled error in the API")
    payload: ErrorPayload = {
        "code": "server_error",
        "message": _(
            "Something went wrong on our side. Please try again later; if it keeps happening, "
            "quote the reference %(reference)s."
        )
        % {"reference": current_request_id()},
        "errors": {},
    }
    return _respond(request, payload, 500)


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Unknown paths under /api/ answer in the API's shape, not with an HTML page."""
    return _respond(request, NotFound().payload(), 404)
