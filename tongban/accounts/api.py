"""``GET /api/v1/me``: who is signed in, how strongly, and for whom they may act."""

from __future__ import annotations

import uuid

from allauth.idp.oidc.contrib.ninja.security import TokenAuth
from allauth.idp.oidc.models import Token
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from tongban.accounts import selectors
from tongban.accounts.models import User
from tongban.accounts.oidc.selectors import token_authentication_strength
from tongban.core.masking import mask_email, mask_name, mask_phone, mask_resident_id_number

router = Router(tags=["accounts"])


class PartyOut(Schema):
    kind: str
    id: uuid.UUID
    name: str
    grant_id: uuid.UUID | None


class MeOut(Schema):
    id: uuid.UUID
    real_name: str
    resident_id_number: str
    mobile: str
    email: str
    real_name_level: int
    authentication_strength: str | None
    elderly_mode: bool
    region_code: str
    parties: list[PartyOut]
    acting_as: PartyOut


def _party(party: selectors.ActingParty) -> PartyOut:
    return PartyOut(kind=party.kind.value, id=party.id, name=party.name, grant_id=party.grant_id)


# A department system signs in with an access token from Tongban's OpenID Connect provider
# that carries the ``profile`` scope; the person's own browser uses its session.
bearer_profile = TokenAuth(scope="profile")


@router.get(
    "/me", response=MeOut, auth=[django_auth, bearer_profile], summary="The signed-in person"
)
def me(request: HttpRequest) -> MeOut:
    """Identifiers come masked, as on every screen; the full values are in "My data".

    With a bearer token the strength is how the session that authorised it signed in.
    """
    user = request.user
    assert isinstance(user, User)
    token = getattr(request, "auth", None)
    strength = (
        token_authentication_strength(token=token)
        if isinstance(token, Token)
        else selectors.authentication_strength(request)
    )
    acting = selectors.acting_party_get(request)
    assert acting is not None
    return MeOut(
        id=user.pk,
        real_name=mask_name(user.real_name) if user.real_name else "",
        resident_id_number=(
            mask_resident_id_number(user.resident_id_number) if user.resident_id_number else ""
        ),
        mobile=mask_phone(user.mobile) if user.mobile else "",
        email=mask_email(user.email) if user.email else "",
        real_name_level=user.real_name_level,
        authentication_strength=strength.name.lower() if strength else None,
        elderly_mode=user.elderly_mode,
        region_code=user.region_code,
        parties=[_party(party) for party in selectors.parties_for_user(user=user)],
        acting_as=_party(acting),
    )
