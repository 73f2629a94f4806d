from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tongban.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
