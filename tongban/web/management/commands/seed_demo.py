"""Creates the demo city 海川市 (make run calls it on every start; it is idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.services import demo_earlier_application_seed, pension_checks_start_due
from tongban.web.management.demo_bundles import demo_bundle_processes_refresh
from tongban.web.management.demo_city import DEMO_PASSWORD, demo_city_build
from tongban.web.management.demo_identity import (
    demo_citizen_build,
    demo_retirees_build,
    demo_staff_totp_store,
)
from tongban.web.management.demo_sso import demo_sso_client_build


class Command(BaseCommand):
    help = "Create the fictional demo city Haichuan (only in demo mode); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo creates fictional demo data and demo accounts, so it runs only in "
                "demo mode: use the development settings or set TONGBAN_DEMO_MODE=true. "
                "Never in production."
            )
        with transaction.atomic():
            city = demo_city_build()
            # A demo seeded before the bundles ran in parallel gets their processes now.
            demo_bundle_processes_refresh()
            demo_staff_totp_store(
                secrets=[(account.username, account.totp_secret) for account in city.accounts]
            )
            citizen = demo_citizen_build(password=DEMO_PASSWORD)
            if citizen is not None:
                demo_earlier_application_seed(user=User.objects.get(username=citizen.username))
            sso_client = demo_sso_client_build()
            retirees = demo_retirees_build(password=DEMO_PASSWORD)
        # What the daily job would do tonight, so the demo shows the checks at once; each
        # retiree in their own transaction, and nothing twice on the next start.
        pension_checks_start_due()
        self.stdout.write(
            f"Demo city 海川市 (Haichuan) ready: {city.residents_created} residents and "
            f"{city.enterprises_created} enterprises added to the demo registries."
        )
        self.stdout.write(
            f"Demo staff accounts (demo mode only). Password for all: {DEMO_PASSWORD}"
        )
        self.stdout.write(f"{'username':<24} {'TOTP secret':<34} role @ department")
        for account in city.accounts:
            self.stdout.write(
                f"{account.username:<24} {account.totp_secret:<34} "
                f"{account.role} @ {account.department}"
            )
        if citizen is not None:
            self.stdout.write(
                f"Demo citizen (L2): mobile {citizen.mobile}, the password above; the sign-in "
                f"code arrives in the demo SMS outbox (/notifications/demo/sms/). Legal "
                f"representative of {citizen.enterprise}."
            )
        for retiree in retirees:
            route = (
                "confirmed silently from the registries"
                if retiree.recently_active
                else "no recent activity: face comparison or home visit"
            )
            self.stdout.write(
                f"Demo retiree (L2, pension check): mobile {retiree.mobile}, the password "
                f"above; {route}."
            )
        self.stdout.write(
            f"Demo single sign-on client: client_id {sso_client.id} (public, PKCE S256), "
            f"redirect URI {sso_client.get_redirect_uris()[0]}, discovery at "
            f"/.well-known/openid-configuration."
        )
