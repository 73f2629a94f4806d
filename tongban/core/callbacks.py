"""Hooks: how a lower app tells upper apps that something happened, without importing them.

A lower app declares a typed ``Hook`` next to the code that fires it; upper apps connect to it
from ``AppConfig.ready()``. Unlike Django signals, the hook's signature is checked by mypy, the
receivers run in a defined order, and a failing receiver fails the operation that fired it (so
it rolls back with the transaction), unless the hook is fired with ``fire_on_commit``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, ParamSpec

from django.db import transaction

P = ParamSpec("P")

logger = logging.getLogger(__name__)

_hooks: dict[str, Hook] = {}  # type: ignore[type-arg]


class Hook(Generic[P]):
    def __init__(self, name: str, *, description: str) -> None:
        if name in _hooks:
            raise ValueError(f"hook {name!r} is declared twice")
        self.name = name
        self.description = description
        self._receivers: list[Callable[P, None]] = []
        _hooks[name] = self

    def connect(self, receiver: Callable[P, None]) -> Callable[P, None]:
        """Adds a receiver (usable as a decorator); connecting the same one twice is a no-op."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[P, None]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> list[Callable[P, None]]:
        return list(self._receivers)

    def fire(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Calls every receiver now, inside the caller's transaction."""
        for receiver in self.receivers:
            receiver(*args, **kwargs)

    def fire_on_commit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Calls every receiver once the caller's transaction has committed.

        A receiver that fails here cannot undo the commit, so its error is logged and the
        other receivers still run.
        """

        def run() -> None:
            for receiver in self.receivers:
                try:
                    receiver(*args, **kwargs)
                except Exception:
                    logger.exception("hook receiver failed", extra={"hook": self.name})

        transaction.on_commit(run)


def hooks() -> dict[str, Hook]:  # type: ignore[type-arg]
    """Every declared hook by name: for documentation and tests."""
    return dict(_hooks)
