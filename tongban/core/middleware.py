"""Request-wide plumbing: the request id, and domain errors rendered as pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.core.exceptions import DomainError
from tongban.core.logging import request_id_var

# A client or proxy may pass its own id; anything else is replaced, so nobody can inject
# text into the logs through this header.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """Renders a ``DomainError`` that escaped a page view as a page with its message.

    API endpoints render their own JSON (``tongban.config.api``); this covers the pages, so a
    service's error reaches a person as a translated sentence, never as a stack trace.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        response = render(
            request,
            "core/domain_error.html",
            {"error": exception, "message": exception.translated_message()},
            status=exception.status,
        )
        for header, value in exception.headers().items():
            response[header] = value
        return response
