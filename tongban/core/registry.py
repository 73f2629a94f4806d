"""A keyed registry of plug-ins.

Lower apps declare what they can be extended with (a prefill source, a personal-data provider,
an encryption algorithm…) as a ``Registry``; upper apps register their implementations from
``AppConfig.ready()``. The lower app never imports the upper one (DESIGN.md §4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class DuplicateRegistration(Exception):
    pass


class NotRegistered(LookupError):
    pass


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        """Registers ``item`` under ``key``; registering a key twice is a programming error."""
        if key in self._items and self._items[key] is not item:
            raise DuplicateRegistration(f"{self.kind} {key!r} is already registered")
        self._items[key] = item
        return item

    def __getitem__(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise NotRegistered(f"no {self.kind} is registered as {key!r}") from None

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    @contextmanager
    def override(self, key: str, item: T) -> Iterator[T]:
        """Temporarily replaces (or adds) one entry: for tests and demo switches."""
        missing = object()
        previous = self._items.get(key, missing)
        self._items[key] = item
        try:
            yield item
        finally:
            if previous is missing:
                del self._items[key]
            else:
                self._items[key] = previous  # type: ignore[assignment]
