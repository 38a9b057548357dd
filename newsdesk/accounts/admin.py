from django.contrib import admin, messages

from newsdesk.accounts.actions import purge_author_pages, set_role
from newsdesk.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "display_name"]
    fields = [
        "email",
        "display_name",
        "slug",
        "bio",
        "role",
        "is_active",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["date_joined", "last_login", "role"]
    actions = ["make_contributor", "make_editor", "make_admin"]

    def _set(self, request, queryset, role):
        for user in queryset:
            set_role(user=user, role=role)
        messages.success(request, f"{queryset.count()} user(s) are now {role}.")

    @admin.action(description="Make contributor")
    def make_contributor(self, request, queryset):
        self._set(request, queryset, User.Role.CONTRIBUTOR)

    @admin.action(description="Make editor")
    def make_editor(self, request, queryset):
        self._set(request, queryset, User.Role.EDITOR)

    @admin.action(description="Make admin")
    def make_admin(self, request, queryset):
        self._set(request, queryset, User.Role.ADMIN)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"display_name", "bio", "slug"} & set(form.changed_data):
            purge_author_pages(obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False
