from __future__ import annotations

from django.db import models


class BenchRow(models.Model):
    """The one table of the baselines: a row read by key and rows inserted."""

    key = models.CharField(max_length=32, unique=True)
    value = models.CharField(max_length=100)
    # Declared because type checking runs with the test settings, which do not install this app.
    objects: models.Manager[BenchRow] = models.Manager()

    def __str__(self) -> str:
        return self.key
