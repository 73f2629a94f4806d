"""The demo city's registered single sign-on client, to try the OpenID Connect provider.

A public client (no secret, PKCE required) with a loopback redirect URI: any local OpenID
Connect client on this machine can sign the demo citizen in (RFC 8252 lets the port vary).
Idempotent: a second run finds the client the first registered.
"""

from __future__ import annotations

from allauth.idp.oidc.models import Client

from tongban.accounts.services import oidc_client_register

DEMO_CLIENT_ID = "haichuan-demo-department"
DEMO_CLIENT_REDIRECT_URI = "http://127.0.0.1:8765/callback"


def demo_sso_client_build() -> Client:
    found = Client.objects.filter(id=DEMO_CLIENT_ID).first()
    if found is not None:
        return found
    client, _secret = oidc_client_register(
        actor=None,
        name="海川市住房公积金中心（演示）",
        redirect_uris=[DEMO_CLIENT_REDIRECT_URI],
        confidential=False,
        scopes=["openid", "profile", "phone", "realname", "enterprise"],
        client_id=DEMO_CLIENT_ID,
    )
    return client
