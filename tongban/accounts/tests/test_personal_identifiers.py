"""The account's personal identifiers are encrypted at rest and found by blind index."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tongban.accounts.models import User
from tongban.core.encryption import key_generate, keyring
from tongban.core.fields import blind_index_of


def _raw(user: User, column: str) -> str:
    with connection.cursor() as cursor:
        query = f"SELECT {column} FROM accounts_user WHERE id = %s"  # noqa: S608 (a fixed column)
        cursor.execute(query, [user.pk.hex if connection.vendor == "sqlite" else user.pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_field_stores_ciphertext_and_finds_by_blind_index():
    user = User.objects.create(username="u1", resident_id_number="11010519491231002x")
    assert _raw(user, "resident_id_number").startswith("enc1$")
    user.refresh_from_db()
    assert user.resident_id_number == "11010519491231002x"
    index = blind_index_of(User, "resident_id_number", "11010519491231002X")
    assert User.objects.get(resident_id_number_index=index) == user


@pytest.mark.django_db
def test_the_field_refuses_lookups_that_would_compare_ciphertext():
    with pytest.raises(TypeError, match="blind index"):
        User.objects.filter(resident_id_number="11010519491231002X").exists()


@pytest.mark.django_db
def test_encryption_rotate_rewrites_values_under_the_new_key():
    old_key = keyring().active
    old_spec = f"{old_key.key_id}:{base64.b64encode(old_key.secret).decode()}"
    user = User.objects.create(username="u2", mobile="13812345678", real_name="王小明")
    new_spec = key_generate("rotated")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_spec, old_spec]):
        user.refresh_from_db()
        assert user.mobile == "13812345678"
        call_command("encryption_rotate", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert "$rotated$" in _raw(user, "mobile")
        assert "$rotated$" in _raw(user, "real_name")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_spec]):
        user.refresh_from_db()
        assert user.mobile == "13812345678"
        assert User.objects.get(mobile_index=blind_index_of(User, "mobile", "138 1234 5678"))
