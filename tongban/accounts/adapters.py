"""How allauth fits Tongban: accounts by mobile number or e-mail, codes through the
notifications app, growing delays instead of lockouts, secrets encrypted with our keys."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import Login
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import (
    CODE_LIFETIME,
    CODE_SEND_PER_IDENTIFIER,
    LOGIN_PER_ADDRESS,
    LOGIN_PER_IDENTIFIER,
    SESSION_ACTING_FOR,
    SESSION_IS_STAFF,
    VERIFICATION_CODE_EVENT,
    IdentifierKind,
)
from tongban.accounts.identifiers import Identifier
from tongban.accounts.middleware import session_activity_start
from tongban.accounts.models import User
from tongban.accounts.selectors import authentication_strength, user_by_identifier
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.encryption import keyring
from tongban.core.ratelimit import client_address, ratelimit_hit, ratelimit_reset
from tongban.notifications.services import (
    address_message_send,
    mobile_is_valid,
    mobile_normalize,
)


class MainlandMobileField(forms.CharField):
    default_error_messages = {"invalid": _("Enter an 11-digit mainland mobile number.")}

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text and not mobile_is_valid(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return mobile_normalize(text) if text else text


def _code_minutes() -> str:
    return str(int(CODE_LIFETIME.total_seconds() // 60))


class AccountAdapter(DefaultAccountAdapter):
    # Sign-up is tongban.accounts.views.signup; allauth's own sign-up form stays closed.
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    # --- phone numbers live encrypted on the user ---------------------------------------

    def phone_form_field(self, **kwargs: Any) -> Any:
        return MainlandMobileField(label=_("Mobile number"), **kwargs)

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        # Only a proven number counts: codes never go to a number nobody confirmed, and
        # allauth does not stop a sign-in to verify one (numbers are proven at sign-up).
        assert isinstance(user, User)
        return (user.mobile, True) if user.mobile and user.mobile_verified else None

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        assert isinstance(user, User)
        user.mobile = mobile_normalize(phone)
        user.mobile_verified = verified
        user.save(update_fields=["mobile", "mobile_index", "mobile_verified"])

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        assert isinstance(user, User)
        user.mobile_verified = True
        user.save(update_fields=["mobile_verified"])

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        if not mobile_is_valid(phone):
            return None
        user = user_by_identifier(
            identifier=Identifier(IdentifierKind.MOBILE, mobile_normalize(phone))
        )
        return user if user is not None and user.mobile_verified else None

    # --- codes go out through the notifications app --------------------------------------

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        ratelimit_hit(rule=CODE_SEND_PER_IDENTIFIER, key=f"login:{mobile_normalize(phone)}")
        address_message_send(
            event=VERIFICATION_CODE_EVENT,
            context={"code": code, "minutes": _code_minutes()},
            mobile=phone,
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix == "account/email/login_code":
            ratelimit_hit(rule=CODE_SEND_PER_IDENTIFIER, key=f"login:{email.lower()}")
            address_message_send(
                event=VERIFICATION_CODE_EVENT,
                context={"code": context["code"], "minutes": _code_minutes()},
                email=email,
            )
            return
        super().send_mail(template_prefix, email, context)

    # --- a password is never enough alone --------------------------------------------------

    def is_login_by_code_required(self, login: Login) -> bool:
        """A code follows the password, unless the account has TOTP or a passkey (then allauth
        asks for that instead) or the person signed in with a passkey alone."""
        if login.user is not None and is_mfa_enabled(
            login.user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ):
            return False
        return bool(super().is_login_by_code_required(login))

    # --- growing delays, and nothing that tells whether an account exists ----------------

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        ratelimit_hit(rule=LOGIN_PER_ADDRESS, key=client_address(request))
        identifier = str(credentials.get("email") or credentials.get("phone") or "").lower()
        if identifier:
            ratelimit_hit(rule=LOGIN_PER_IDENTIFIER, key=identifier)
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        identifier = str(credentials.get("email") or credentials.get("phone") or "").lower()
        if user is not None and identifier:
            ratelimit_reset(rule=LOGIN_PER_IDENTIFIER, key=identifier)
        return user  # type: ignore[no-any-return]

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        request.session.pop(SESSION_ACTING_FOR, None)
        request.session.pop(SESSION_IS_STAFF, None)
        session_activity_start(request)
        strength = authentication_strength(request)
        audit_event_record(
            kind=AuditEventKind.SIGNED_IN,
            actor_id=user.pk,
            subject_id=user.pk,
            object_type="accounts.user",
            object_id=str(user.pk),
            summary={"strength": strength.name.lower() if strength else ""},
            ip_address=client_address(request),
        )

    def logout(self, request: HttpRequest) -> None:
        user_id = getattr(request.user, "pk", None)
        super().logout(request)
        if user_id is not None:
            audit_event_record(
                kind=AuditEventKind.SIGNED_OUT,
                actor_id=user_id,
                subject_id=user_id,
                object_type="accounts.user",
                object_id=str(user_id),
            )


class MfaAdapter(DefaultMFAAdapter):
    # TOTP secrets and recovery-code seeds are encrypted with the platform's field keys.
    def encrypt(self, text: str) -> str:
        return keyring().encrypt(text, context="mfa.authenticator")

    def decrypt(self, encrypted_text: str) -> str:
        return keyring().decrypt(encrypted_text, context="mfa.authenticator")

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        entity = super().get_public_key_credential_rp_entity()
        if settings.WEBAUTHN_RP_ID:
            entity["id"] = settings.WEBAUTHN_RP_ID
        entity["name"] = settings.WEBAUTHN_RP_NAME
        return dict(entity)
