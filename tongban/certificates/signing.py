"""Signing algorithms behind one interface, so SM2 can be registered beside them.

An algorithm makes key pairs and signs and verifies compact JWS (RFC 7515) with joserfc.
Verification always names the one algorithm the key was made for, so a token cannot choose
its own: ``alg: none``, or HS256 keyed with the public key, never reach a verifier.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from tongban.core.registry import Registry


@dataclass(frozen=True)
class KeyPair:
    private_jwk: dict[str, Any]
    public_jwk: dict[str, Any]


class SigningAlgorithm(Protocol):
    @property
    def name(self) -> str:
        """The JOSE ``alg`` value."""
        ...

    def generate(self) -> KeyPair: ...

    def sign(
        self, *, header: dict[str, Any], payload: bytes, private_jwk: dict[str, Any]
    ) -> str: ...

    def verify(self, *, token: str, public_jwk: dict[str, Any]) -> bytes:
        """The payload, or ``SignatureMismatch``."""
        ...


class SignatureMismatch(Exception):
    pass


class _JoseAlgorithm:
    name = ""

    def _import(self, jwk: dict[str, Any]) -> Any:
        raise NotImplementedError

    def sign(self, *, header: dict[str, Any], payload: bytes, private_jwk: dict[str, Any]) -> str:
        return jws.serialize_compact(
            {**header, "alg": self.name}, payload, self._import(private_jwk), algorithms=[self.name]
        )

    def verify(self, *, token: str, public_jwk: dict[str, Any]) -> bytes:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = jws.deserialize_compact(
                    token, self._import(public_jwk), algorithms=[self.name]
                )
        except (JoseError, ValueError) as error:
            raise SignatureMismatch(str(error)) from error
        payload = result.payload
        return payload if isinstance(payload, bytes) else str(payload).encode()


class Ed25519Algorithm(_JoseAlgorithm):
    """EdDSA over Ed25519, by its fully specified name (RFC 9864)."""

    name = "Ed25519"

    def _import(self, jwk: dict[str, Any]) -> OKPKey:
        return OKPKey.import_key(jwk)

    def generate(self) -> KeyPair:
        key = OKPKey.generate_key("Ed25519", private=True)
        return KeyPair(dict(key.as_dict(private=True)), dict(key.as_dict(private=False)))


class Es256Algorithm(_JoseAlgorithm):
    """ECDSA over P-256 with SHA-256."""

    name = "ES256"

    def _import(self, jwk: dict[str, Any]) -> ECKey:
        return ECKey.import_key(jwk)

    def generate(self) -> KeyPair:
        key = ECKey.generate_key("P-256", private=True)
        return KeyPair(dict(key.as_dict(private=True)), dict(key.as_dict(private=False)))


signing_algorithms: Registry[SigningAlgorithm] = Registry("signing algorithm")
signing_algorithms.register(Ed25519Algorithm.name, Ed25519Algorithm())
signing_algorithms.register(Es256Algorithm.name, Es256Algorithm())


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
