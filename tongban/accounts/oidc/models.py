"""Remembered consent and pairwise subjects; the clients and tokens are allauth's."""

from __future__ import annotations

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.models import BaseModel


class OidcSubject(BaseModel):
    """The ``sub`` one client knows a person by: random, so two clients cannot link them."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("pairwise subject")
        constraints = [
            models.UniqueConstraint(fields=["client", "user"], name="accounts_oidcsubject_once"),
        ]

    def __str__(self) -> str:
        return self.subject


class OidcConsent(BaseModel):
    """A person let a client receive the claims of a scope set; remembered until revoked.

    It also keeps how the person's session signed in when they last authorised the client:
    the id_tokens issued for that authorisation (and refreshed from it) state it as
    ``acr``/``amr``.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_consents"
    )
    scopes = models.CharField(_("scopes"), max_length=255)
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    authentication_strength = models.PositiveSmallIntegerField(_("authentication strength"))
    authenticated_at = models.DateTimeField(_("authenticated at"))

    class Meta:
        verbose_name = _("single sign-on consent")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user", "scopes"],
                condition=models.Q(revoked_at=None),
                name="accounts_oidcconsent_one_active",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_oidcconsent_user")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.scopes}"

    def scope_list(self) -> list[str]:
        return self.scopes.split()
