from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class AppUserAdmin(UserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "role",
        "regional_office",
        "branch",
        "agency",
    )
    list_filter = ("role", "is_active", "regional_office")
    list_select_related = ("regional_office", "branch", "agency")
    fieldsets = UserAdmin.fieldsets + (
        (
            _("Peran dan cakupan"),
            {"fields": ("role", "regional_office", "branch", "agency")},
        ),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (
            _("Peran dan cakupan"),
            {"fields": ("role", "regional_office", "branch", "agency")},
        ),
    )
