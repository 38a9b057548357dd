"""Reports in the admin: read-only (every change goes through reports/actions.py, which logs
it). The token hash and nonce are never shown."""

from django.contrib import admin

from newsdesk.core.admin_bases import ReadOnlyAdmin, ReadOnlyInline
from newsdesk.reports.models import Attachment, Report, ReportEvent


class EventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("created_at", "kind", "actor", "note")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "size", "declared_type", "sha256", "created_at")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("case_number", "created_at", "ground", "state", "source", "article")
    list_filter = ("state", "ground", "source")
    search_fields = ("case_number", "reporter_email", "article__title")
    date_hierarchy = "created_at"
    exclude = ("token_hash", "token_nonce")
    inlines = [AttachmentInline, EventInline]
    list_select_related = ("article",)


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "report", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("report", "actor")
