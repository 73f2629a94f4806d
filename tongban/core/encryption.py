"""Field encryption for personal identifiers at rest, and blind indexes to find them.

A value is stored as ``enc1$<algorithm>$<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>``.
The key id names which key of ``FIELD_ENCRYPTION_KEYS`` encrypted it, so keys can rotate:
put a new key first, and every new write uses it while the old key still decrypts;
``manage.py encryption_rotate`` re-encrypts old rows, after which the old key can go.
The column's name is bound into each ciphertext as associated data, so a value copied into
another column does not decrypt.

Encrypted columns cannot be searched. For exact lookups (an account by ID number) a sibling
column keeps a blind index: an HMAC of the normalised value under ``FIELD_BLIND_INDEX_KEY``.

Algorithms are plug-ins (``ciphers``): AES-256-GCM now; SM4-GCM can be registered beside it
for deployments that must use the Chinese national algorithms.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.core.registry import Registry

TOKEN_PREFIX = "enc1"  # noqa: S105 (a format marker, not a secret)


class DecryptionFailed(Exception):
    """A stored value does not decrypt: wrong key, unknown key id, or tampered data."""


class Cipher(Protocol):
    algorithm: str
    key_length: int

    def encrypt(self, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes: ...

    def decrypt(self, key: bytes, ciphertext: bytes, associated_data: bytes) -> bytes: ...


class AesGcmCipher:
    algorithm = "A256GCM"
    key_length = 32
    _nonce_length = 12

    def encrypt(self, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        # A random 96-bit nonce per value; with far fewer than 2^32 writes per key, the chance
        # of a repeat is negligible (NIST SP 800-38D §8.3).
        nonce = os.urandom(self._nonce_length)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)

    def decrypt(self, key: bytes, ciphertext: bytes, associated_data: bytes) -> bytes:
        nonce, body = ciphertext[: self._nonce_length], ciphertext[self._nonce_length :]
        try:
            return AESGCM(key).decrypt(nonce, body, associated_data)
        except (InvalidTag, ValueError) as error:
            raise DecryptionFailed("the value was altered or the key is wrong") from error


ciphers: Registry[Cipher] = Registry("cipher")
ciphers.register(AesGcmCipher.algorithm, AesGcmCipher())


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes
    algorithm: str

    def __repr__(self) -> str:  # never print the secret
        return f"Key({self.key_id!r}, {self.algorithm})"


def _b64decode(text: str) -> bytes:
    """Decodes standard or URL-safe base64, padded or not; anything else is an error."""
    standard = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)


def key_parse(spec: str) -> Key:
    """Parses ``key_id:base64`` or ``key_id:algorithm:base64``."""
    parts = spec.split(":")
    if len(parts) == 2:
        key_id, algorithm, encoded = parts[0], AesGcmCipher.algorithm, parts[1]
    elif len(parts) == 3:
        key_id, algorithm, encoded = parts
    else:
        raise ImproperlyConfigured("an encryption key must look like key_id:base64-key")
    if not key_id or "$" in key_id:
        raise ImproperlyConfigured("an encryption key needs an id without '$'")
    cipher = ciphers.get(algorithm)
    if cipher is None:
        raise ImproperlyConfigured(f"encryption key {key_id!r}: unknown algorithm {algorithm!r}")
    try:
        secret = _b64decode(encoded)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"encryption key {key_id!r} is not valid base64") from error
    if len(secret) != cipher.key_length:
        raise ImproperlyConfigured(
            f"encryption key {key_id!r} must be {cipher.key_length} bytes, not {len(secret)}"
        )
    return Key(key_id=key_id, secret=secret, algorithm=algorithm)


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[Key, ...]
    blind_index_key: bytes

    @classmethod
    def from_specs(cls, specs: list[str], blind_index_key: str) -> KeyRing:
        if not specs:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
        keys = tuple(key_parse(spec) for spec in specs)
        if len({key.key_id for key in keys}) != len(keys):
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS has two keys with the same id")
        try:
            index_key = _b64decode(blind_index_key)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured("FIELD_BLIND_INDEX_KEY is not valid base64") from error
        if len(index_key) < 32:
            raise ImproperlyConfigured("FIELD_BLIND_INDEX_KEY must be at least 32 bytes")
        return cls(keys=keys, blind_index_key=index_key)

    @property
    def active(self) -> Key:
        return self.keys[0]

    def key(self, key_id: str) -> Key:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        raise DecryptionFailed(f"no key with id {key_id!r} is configured")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        key = self.active
        body = ciphers[key.algorithm].encrypt(key.secret, plaintext.encode(), context.encode())
        encoded = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{TOKEN_PREFIX}${key.algorithm}${key.key_id}${encoded}"

    def decrypt(self, token: str, *, context: str) -> str:
        algorithm, key_id, body = token_parse(token)
        key = self.key(key_id)
        if key.algorithm != algorithm:
            raise DecryptionFailed(f"key {key_id!r} is not a {algorithm} key")
        try:
            raw = _b64decode(body)
        except (binascii.Error, ValueError) as error:
            raise DecryptionFailed("the stored value is not valid base64") from error
        return ciphers[algorithm].decrypt(key.secret, raw, context.encode()).decode()

    def needs_rotation(self, token: str) -> bool:
        _algorithm, key_id, _body = token_parse(token)
        return key_id != self.active.key_id

    def blind_index(self, value: str, *, context: str) -> str:
        message = context.encode() + b"\x00" + value.encode()
        return hmac.new(self.blind_index_key, message, hashlib.sha256).hexdigest()


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX + "$")


def token_parse(token: str) -> tuple[str, str, str]:
    parts = token.split("$")
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
        raise DecryptionFailed("the stored value is not an encrypted token")
    return parts[1], parts[2], parts[3]


@cache
def _keyring(specs: tuple[str, ...], blind_index_key: str) -> KeyRing:
    return KeyRing.from_specs(list(specs), blind_index_key)


def keyring() -> KeyRing:
    """The key ring of the current settings (re-read when tests override the settings)."""
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.FIELD_BLIND_INDEX_KEY)


def key_generate(key_id: str) -> str:
    """A new ``key_id:base64`` AES-256 key specification."""
    secret = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    return f"{key_id}:{secret}"
