from django.contrib import admin

from newsdesk.articles.models import Article, Image, Revision, Section, Tag
from newsdesk.core.admin_bases import ReadOnlyInline


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class RevisionInline(ReadOnlyInline):
    model = Revision
    fields = ["number", "title", "created_by", "created_at", "note"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-mostly: content and state change through actions (import, editorial screens)."""

    list_display = ["title", "language", "kind", "section", "author", "status", "published_at"]
    list_filter = ["status", "language", "kind", "section"]
    search_fields = ["title", "slug"]
    list_select_related = ["section", "author"]
    readonly_fields = [f.name for f in Article._meta.fields] + ["tags"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "width", "height", "generated", "ai_generated", "created_at"]
    list_filter = ["generated", "ai_generated"]
    readonly_fields = ["file", "width", "height", "generated", "renditions"]
