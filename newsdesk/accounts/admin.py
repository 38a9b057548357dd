from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from newsdesk.accounts.actions import purge_author_pages, set_role
from newsdesk.accounts.models import User
from newsdesk.accounts.permissions import PERMISSIONS
from newsdesk.editorial.queries import upheld_copyright_takedowns, with_upheld_copyright_takedowns


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "display_name",
        "role",
        "is_active",
        "date_joined",
        "copyright_takedowns",
    ]
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
        "copyright_takedowns",
    ]
    readonly_fields = ["date_joined", "last_login", "role", "copyright_takedowns"]
    actions = ["make_contributor", "make_editor", "make_admin"]

    def get_queryset(self, request):
        # One subquery for the whole list instead of a count per row.
        return with_upheld_copyright_takedowns(super().get_queryset(request))

    @admin.display(
        description=_("Upheld copyright takedowns"), ordering="upheld_copyright_takedowns"
    )
    def copyright_takedowns(self, obj) -> int:
        """Articles down for copyright (editorial.queries); at REPEAT_INFRINGER_LIMIT the user
        may not submit."""
        annotated = getattr(obj, "upheld_copyright_takedowns", None)
        return annotated if annotated is not None else upheld_copyright_takedowns(obj)

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
        return PERMISSIONS.can(request.user, "change_roles")

    def has_delete_permission(self, request, obj=None):
        return False
