"""Deletion vetoes: reasons an account cannot be deleted yet.

A person may delete their account, but not while the law requires something to be kept or
finished: an application still being decided, a certificate that must remain verifiable, a
petition awaiting a reply. Apps that know such reasons register a ``DeletionVeto``; the
accounts app asks them all before deleting and shows the person every reason at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise

from tongban.core.registry import Registry


@dataclass(frozen=True)
class DeletionObstacle:
    code: str
    message: str | Promise


class DeletionVeto(Protocol):
    key: str

    def obstacles(self, *, person_id: uuid.UUID) -> list[DeletionObstacle]: ...


deletion_vetoes: Registry[DeletionVeto] = Registry("deletion veto")


def deletion_obstacles_collect(*, person_id: uuid.UUID) -> list[DeletionObstacle]:
    return [
        obstacle for veto in deletion_vetoes for obstacle in veto.obstacles(person_id=person_id)
    ]
