"""Bare Django views: what any Django page costs on this machine, as the unit of the table."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from benchmarks.models import BenchRow


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def read_row(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BenchRow.objects.get(key="row-1").value)


@csrf_exempt
def insert_row(request: HttpRequest) -> HttpResponse:
    row = BenchRow.objects.create(key=uuid.uuid4().hex, value="inserted")
    return HttpResponse(row.key)
