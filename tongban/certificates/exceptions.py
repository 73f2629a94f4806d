"""Errors of the certificates app, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, DomainError, InvalidInput, NotFound


class CertificateTypeUnknown(NotFound):
    code = "certificate_type_unknown"
    default_message = _("There is no certificate type with this code.")


class IssuerKeyMissing(Conflict):
    code = "issuer_key_missing"
    default_message = _("This department has no signing key yet.")


class CertificateDataInvalid(InvalidInput):
    code = "certificate_data_invalid"
    default_message = _("The certificate's data does not match its type.")


class StatusChangeNotAllowed(Conflict):
    code = "status_change_not_allowed"
    default_message = _("The certificate's status does not allow this change.")


class VerificationFailed(DomainError):
    """A token or credential was rejected; each subclass's ``code`` says why."""

    code = "verification_failed"
    default_message = _("This could not be verified.")
    status = 400


class TokenMalformed(VerificationFailed):
    code = "token_malformed"
    default_message = _(
        "This is not a complete certificate or QR code: it may be cut off or altered."
    )


class AlgorithmNotAllowed(VerificationFailed):
    code = "algorithm_not_allowed"
    default_message = _("The signature uses an algorithm that certificates never use.")


class KeyUnknown(VerificationFailed):
    code = "key_unknown"
    default_message = _("The signing key is not one of the published issuer keys.")


class SignatureInvalid(VerificationFailed):
    code = "signature_invalid"
    default_message = _("The signature does not match: the content was altered.")


class IssuerMismatch(VerificationFailed):
    code = "issuer_mismatch"
    default_message = _("The issuer named in it does not own the key that signed it.")


class CertificateUnknown(VerificationFailed):
    code = "certificate_unknown"
    default_message = _("No certificate with this identifier was issued.")


class PresentationExpired(VerificationFailed):
    code = "presentation_expired"
    default_message = _("This QR code was shown for a limited time, which has passed.")
