"""allauth's OpenID Connect provider, told about Tongban's people (settings.IDP_OIDC_ADAPTER)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from allauth.idp.oidc.models import Client
from django.contrib.auth.base_user import AbstractBaseUser

from tongban.accounts.constants import AuthenticationStrength, PartyKind
from tongban.accounts.models import User
from tongban.accounts.oidc import selectors, services
from tongban.accounts.oidc.scopes import ACR_VALUES, AMR_VALUES, SCOPES
from tongban.accounts.selectors import enterprises_represented_by, parties_for_user


class OIDCAdapter(DefaultOIDCAdapter):
    scope_display = {name: str(scope.label) for name, scope in SCOPES.items()}

    def get_user_sub(self, client: Client, user: AbstractBaseUser) -> str:
        assert isinstance(user, User)
        return services.oidc_subject_ensure(client=client, user=user)

    def get_user_by_sub(self, client: Client, sub: str) -> AbstractBaseUser | None:
        # Without a standing consent nothing is issued: a code or refresh token made before
        # the person revoked it finds nobody.
        return selectors.user_by_subject(client=client, subject=sub)

    def get_claims(
        self,
        purpose: Literal["id_token", "userinfo"],
        user: AbstractBaseUser,
        client: Client,
        scopes: Iterable[str],
        email: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        assert isinstance(user, User)
        granted = sorted(set(scopes))
        claims: dict[str, Any] = {"sub": self.get_user_sub(client, user)}
        if purpose == "id_token":
            consent = selectors.consent_active_get(client=client, user=user, scopes=granted)
            if consent is not None:
                strength = AuthenticationStrength(consent.authentication_strength)
                claims["acr"] = ACR_VALUES[strength]
                claims["amr"] = AMR_VALUES[strength]
                claims["auth_time"] = int(consent.authenticated_at.timestamp())
        if "profile" in granted and user.real_name:
            claims["name"] = str(user.real_name)
        if "phone" in granted and user.mobile:
            claims["phone_number"] = "+86" + str(user.mobile)
            claims["phone_number_verified"] = bool(user.mobile_verified)
        if "realname" in granted:
            claims["real_name_level"] = int(user.real_name_level)
        if "enterprise" in granted:
            enterprises = {
                str(enterprise.pk): {
                    "id": str(enterprise.pk),
                    "name": enterprise.name,
                    "role": "legal_representative",
                }
                for enterprise in enterprises_represented_by(user=user)
            }
            for party in parties_for_user(user=user):
                if party.kind == PartyKind.ENTERPRISE and str(party.id) not in enterprises:
                    enterprises[str(party.id)] = {
                        "id": str(party.id),
                        "name": party.name,
                        "role": "agent",
                    }
            claims["enterprises"] = list(enterprises.values())
        services.oidc_claims_release(user=user, client=client, scopes=granted, via=purpose)
        return claims
