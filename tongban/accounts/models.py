from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import validate_resident_id_number


class User(AbstractUser):
    """Everyone who signs in: citizens, enterprise agents and staff.

    The custom model exists from the first migration so that identity can grow (real-name
    levels, login by mobile number, passkeys) without the painful switch Django warns about.
    Personal identifiers are encrypted at rest; the blind indexes allow exact lookups.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    real_name = EncryptedTextField(_("real name"), blank=True)
    resident_id_number = EncryptedTextField(
        _("resident ID number"),
        blank=True,
        blind_index="resident_id_number_index",
        validators=[validate_resident_id_number],
    )
    resident_id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    mobile = EncryptedTextField(_("mobile number"), blank=True, blind_index="mobile_index")
    mobile_index = models.CharField(max_length=64, blank=True, editable=False)
    # Portal preferences follow the person from one browser to the next; the same choices are
    # also kept in cookies for visitors who are not signed in.
    elderly_mode = models.BooleanField(
        _("elderly mode"),
        default=False,
        help_text=_("Larger text, higher contrast, bigger buttons and no motion."),
    )
    region_code = models.CharField(
        _("region"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code of the region the person chose in the portal."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["resident_id_number_index"], name="accounts_user_rid_index"),
            models.Index(fields=["mobile_index"], name="accounts_user_mobile_index"),
        ]

    def __str__(self) -> str:
        return self.username
