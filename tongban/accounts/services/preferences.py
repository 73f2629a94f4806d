"""The portal preferences a signed-in person keeps on the account."""

from __future__ import annotations

from django.db import transaction

from tongban.accounts.models import User


@transaction.atomic
def user_preferences_update(
    *, user: User, elderly_mode: bool | None = None, region_code: str | None = None
) -> User:
    """Stores the portal preferences a signed-in person chose; ``None`` leaves one unchanged."""
    changed: list[str] = []
    if elderly_mode is not None and user.elderly_mode != elderly_mode:
        user.elderly_mode = elderly_mode
        changed.append("elderly_mode")
    if region_code is not None and user.region_code != region_code:
        user.region_code = region_code
        changed.append("region_code")
    if changed:
        user.save(update_fields=changed)
    return user
