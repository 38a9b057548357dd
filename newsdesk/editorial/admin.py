from django.contrib import admin
from django.db import transaction
from django.db.models import Max

from newsdesk.core import page_cache
from newsdesk.core.admin_bases import ReadOnlyAdmin
from newsdesk.editorial.models import AuditEntry, CheckReport, GuidelinesVersion
from newsdesk.editorial.permissions import PERMISSIONS


@admin.register(GuidelinesVersion)
class GuidelinesVersionAdmin(admin.ModelAdmin):
    """Admins publish a new version; earlier ones stay as they were accepted."""

    list_display = ["number", "note", "created_by", "created_at"]
    fields = ["body_de", "body_en", "note"]

    def get_changeform_initial_data(self, request):
        latest = GuidelinesVersion.objects.order_by("-number").first()
        return {"body_de": latest.body_de, "body_en": latest.body_en} if latest else {}

    def has_change_permission(self, request, obj=None):
        return obj is None and PERMISSIONS.can(request.user, "edit_guidelines")

    def has_add_permission(self, request):
        return PERMISSIONS.can(request.user, "edit_guidelines")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.number = (GuidelinesVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: page_cache.purge({"guidelines"}))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "article", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["note", "article__title"]


@admin.register(CheckReport)
class CheckReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "article", "blocking"]
    list_filter = ["blocking"]
