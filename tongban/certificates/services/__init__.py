"""Every change to certificates, one transaction each; split by concept (see each module)."""

from tongban.certificates.pdf import FontFile, fonts_add, fonts_locate, qr_svg_data_uri
from tongban.certificates.pdf import _qr_png as qr_png
from tongban.certificates.selectors import Holder
from tongban.certificates.services.issuing import (
    ISSUED_EVENT,
    certificate_identifier,
    certificate_identifier_valid,
    certificate_issue,
)
from tongban.certificates.services.keys import issuer_key_rotate, issuer_register
from tongban.certificates.services.presentations import presentation_create
from tongban.certificates.services.publication import (
    encoded_list,
    jwks,
    publication_cache_clear,
    status_list_credential,
)
from tongban.certificates.services.status import (
    STATUS_CHANGED_EVENT,
    certificate_reinstate,
    certificate_revoke,
    certificate_status_changed,
    certificate_suspend,
)
from tongban.certificates.services.types import certificate_types_ensure
from tongban.certificates.services.verification import Verification, certificate_verify

__all__ = [
    "ISSUED_EVENT",
    "STATUS_CHANGED_EVENT",
    "FontFile",
    "Holder",
    "Verification",
    "certificate_identifier",
    "certificate_identifier_valid",
    "certificate_issue",
    "certificate_reinstate",
    "certificate_revoke",
    "certificate_status_changed",
    "certificate_suspend",
    "certificate_types_ensure",
    "certificate_verify",
    "encoded_list",
    "fonts_add",
    "fonts_locate",
    "issuer_key_rotate",
    "issuer_register",
    "jwks",
    "presentation_create",
    "publication_cache_clear",
    "qr_png",
    "qr_svg_data_uri",
    "status_list_credential",
]
