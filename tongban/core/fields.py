"""Model fields that keep personal identifiers encrypted at rest (see ``encryption``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from tongban.core.encryption import is_token, keyring


def normalize_upper(value: str) -> str:
    """Normaliser for identifiers that compare without case or spaces (ID numbers: 'x' = 'X')."""
    return "".join(value.split()).upper()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores text encrypted; reads it back decrypted. Only ``isnull`` lookups make sense.

    With ``blind_index="<sibling field>"`` the sibling receives the blind index of the
    normalised value on every save, for exact lookups through ``blind_index_of``.
    """

    def __init__(
        self,
        *args: Any,
        blind_index: str | None = None,
        normalize: Callable[[str], str] = normalize_upper,
        **kwargs: Any,
    ) -> None:
        self.blind_index = blind_index
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return keyring().decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if is_token(value):
            raise ValueError("refusing to encrypt a value that is already encrypted")
        return keyring().encrypt(value, context=self.context)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if self.blind_index:
            setattr(
                model_instance,
                self.blind_index,
                blind_index_of(type(model_instance), self.name, value) if value else "",
            )
        return value

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.context} is encrypted: look it up through its blind index instead"
            )
        return super().get_lookup(lookup_name)


def blind_index_of(model: type[models.Model], field_name: str, value: str) -> str:
    """The blind index under which ``model.field_name == value`` is stored."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, EncryptedTextField):
        raise TypeError(f"{model.__name__}.{field_name} is not an encrypted field")
    return keyring().blind_index(field.normalize(value), context=field.context)


def encrypted_fields() -> list[EncryptedTextField]:
    """Every encrypted field of every installed model: what key rotation has to walk."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]
