from django.contrib import admin

from tongban.certificates.models import Certificate, CertificateType, Issuer, IssuerKey

_KEY_FIELDS = ("kid", "issuer", "algorithm", "public_jwk", "active", "retired_at")
_CERTIFICATE_FIELDS = (
    "number",
    "type",
    "issuer",
    "issuer_key",
    "holder_kind",
    "status",
    "status_reason",
    "valid_from",
    "valid_until",
    "source_reference",
)


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "issuing_department_type", "holder_kind", "validity_years"]


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["department", "credit_code"]
    readonly_fields = ["next_serial"]


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Keys are made and rotated by ``issuer_key_rotate``; the admin only shows them."""

    list_display = ["kid", "issuer", "algorithm", "active", "retired_at"]
    fields = _KEY_FIELDS
    readonly_fields = _KEY_FIELDS

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Status changes go through the API's revoke, suspend and reinstate (role-checked)."""

    list_display = ["number", "type", "issuer", "status", "valid_from", "valid_until"]
    list_filter = ["type", "status"]
    fields = _CERTIFICATE_FIELDS
    readonly_fields = _CERTIFICATE_FIELDS

    def has_add_permission(self, request: object) -> bool:
        return False
