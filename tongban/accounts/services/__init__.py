"""Every change to accounts, one transaction per operation, split by concept:

* ``signup`` — one proven identifier and a password;
* ``codes`` — one-time codes to a mobile number or e-mail address;
* ``real_name`` — L2 against the population registry, L3 at a counter;
* ``in_person`` — an account opened at a counter for a walk-in citizen who never registered;
* ``agents`` — enterprises, agents, family members, and whom a session acts for;
* ``data_rights`` — export and deletion of what the platform holds about a person;
* ``preferences`` — the portal preferences a person keeps on the account;
* ``tongban.accounts.oidc.services`` — single sign-on: clients, consent, claims released.

Upper apps import from ``tongban.accounts.services`` only.
"""

from __future__ import annotations

from tongban.accounts.oidc.services import (
    oidc_client_register,
    oidc_consent_grant,
    oidc_consent_revoke,
)
from tongban.accounts.services.agents import (
    acting_party_switch,
    enterprise_agent_grant,
    enterprise_register,
    family_member_grant,
    grant_revoke,
)
from tongban.accounts.services.codes import verification_code_check, verification_code_send
from tongban.accounts.services.data_rights import account_delete, personal_data_export
from tongban.accounts.services.in_person import (
    AccountInPerson,
    account_code_send_in_person,
    account_create_in_person,
)
from tongban.accounts.services.preferences import user_preferences_update
from tongban.accounts.services.real_name import real_name_verify, real_name_verify_in_person
from tongban.accounts.services.signup import (
    signup_code_send,
    signup_complete,
    signup_password_check,
)

__all__ = [
    "AccountInPerson",
    "account_code_send_in_person",
    "account_create_in_person",
    "account_delete",
    "acting_party_switch",
    "enterprise_agent_grant",
    "enterprise_register",
    "family_member_grant",
    "grant_revoke",
    "oidc_client_register",
    "oidc_consent_grant",
    "oidc_consent_revoke",
    "personal_data_export",
    "real_name_verify",
    "real_name_verify_in_person",
    "signup_code_send",
    "signup_complete",
    "signup_password_check",
    "user_preferences_update",
    "verification_code_check",
    "verification_code_send",
]
