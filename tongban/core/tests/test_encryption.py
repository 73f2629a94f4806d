from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tongban.core.encryption import DecryptionFailed, KeyRing, key_generate

BLIND_KEY = base64.b64encode(b"b" * 32).decode()


def ring(*specs: str) -> KeyRing:
    return KeyRing.from_specs(list(specs), BLIND_KEY)


OLD = key_generate("old")
NEW = key_generate("new")


def test_a_value_survives_the_round_trip():
    token = ring(OLD).encrypt("11010519491231002X", context="accounts.user.id")
    assert token.startswith("enc1$A256GCM$old$")
    assert "11010519491231002X" not in token
    assert ring(OLD).decrypt(token, context="accounts.user.id") == "11010519491231002X"


def test_the_same_value_encrypts_differently_each_time():
    assert ring(OLD).encrypt("x", context="c") != ring(OLD).encrypt("x", context="c")


def test_a_value_does_not_decrypt_in_another_column():
    token = ring(OLD).encrypt("x", context="accounts.user.mobile")
    with pytest.raises(DecryptionFailed):
        ring(OLD).decrypt(token, context="accounts.user.resident_id_number")


def test_a_tampered_value_is_refused():
    token = ring(OLD).encrypt("13812345678", context="c")
    head, body = token.rsplit("$", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(DecryptionFailed):
        ring(OLD).decrypt(f"{head}${flipped}", context="c")


@pytest.mark.parametrize("token", ["plain text", "enc1$A256GCM$old", "enc1$A256GCM$old$!!!"])
def test_it_refuses_malformed_tokens(token):
    with pytest.raises(DecryptionFailed):
        ring(OLD).decrypt(token, context="c")


def test_after_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key():
    token = ring(OLD).encrypt("secret", context="c")
    rotated = ring(NEW, OLD)
    assert rotated.decrypt(token, context="c") == "secret"
    assert rotated.needs_rotation(token)
    assert rotated.encrypt("secret", context="c").startswith("enc1$A256GCM$new$")
    with pytest.raises(DecryptionFailed, match="no key"):
        ring(NEW).decrypt(token, context="c")


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([], "empty"),
        (["nokey"], "key_id:base64"),
        (["k:" + base64.b64encode(b"short").decode()], "32 bytes"),
        (["k:SM9:" + base64.b64encode(b"k" * 32).decode()], "unknown algorithm"),
        (["k:@@@@"], "base64"),
        ([OLD, OLD], "same id"),
    ],
)
def test_it_refuses_bad_key_configuration(specs, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        KeyRing.from_specs(specs, BLIND_KEY)


def test_the_blind_index_is_stable_and_bound_to_its_column():
    first = ring(OLD).blind_index("X", context="a")
    assert first == ring(NEW).blind_index("X", context="a")  # independent of the rotating key
    assert first != ring(OLD).blind_index("X", context="b")
    assert len(first) == 64


def test_encryption_key_prints_a_usable_key(capsys):
    call_command("encryption_key", "k2027")
    spec = capsys.readouterr().out.strip()
    assert KeyRing.from_specs([spec], BLIND_KEY).active.key_id == "k2027"
