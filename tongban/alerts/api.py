"""The alerts part of the REST API under /api/v1."""

from ninja import Router

router = Router(tags=["alerts"])
