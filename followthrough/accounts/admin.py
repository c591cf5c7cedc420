from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Invitation,
    Membership,
    Profile,
    User,
    Workspace,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "name", "password1", "password2")}),)
    filter_horizontal = ["groups"]
    list_filter = ["is_active", "is_staff"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "is_active"]
    list_filter = ["role", "is_active", "workspace"]
    search_fields = ["user__email", "user__name"]


admin.site.register(Profile)
admin.site.register(Invitation)
admin.site.register(CoachingRelationship)
admin.site.register(Following)
