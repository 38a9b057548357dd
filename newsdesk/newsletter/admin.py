from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from newsdesk.core import page_cache
from newsdesk.core.admin_bases import ReadOnlyAdmin as BaseReadOnlyAdmin
from newsdesk.core.admin_bases import ReadOnlyInline
from newsdesk.newsletter.models import Issue, IssueArticle, Newsletter, Subscriber, Subscription
from newsdesk.newsletter.permissions import PERMISSIONS

# Paths under /newsletters/ that are not archives: a newsletter with such a slug would have none.
RESERVED_SLUGS = {"subscribe", "confirm", "me", "u", "compose"}


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "name",
            "slug",
            "description",
            "language",
            "section",
            "from_email",
            "from_name",
            "cadence",
            "digest_needs_approval",
            "is_active",
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is taken by the newsletter pages."))
        return slug


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """Admins manage newsletters; editors may look (they compose issues for them)."""

    form = NewsletterForm
    list_display = ["name", "language", "section", "cadence", "is_active", "from_email"]
    list_filter = ["is_active", "language", "cadence"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_module_permission(self, request):
        return PERMISSIONS.can(request.user, "compose")

    def has_view_permission(self, request, obj=None):
        return PERMISSIONS.can(request.user, "compose")

    def has_add_permission(self, request):
        return PERMISSIONS.can(request.user, "manage_newsletters")

    def has_change_permission(self, request, obj=None):
        return PERMISSIONS.can(request.user, "manage_newsletters")

    def has_delete_permission(self, request, obj=None):
        return PERMISSIONS.can(request.user, "manage_newsletters")

    # The signup box on every page lists the newsletters: a change empties the page cache.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(page_cache.clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(page_cache.clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(page_cache.clear)


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    """Viewable by those the newsletter permission table allows."""

    permission = "compose"

    def has_module_permission(self, request):
        return PERMISSIONS.can(request.user, self.permission)

    def has_view_permission(self, request, obj=None):
        return PERMISSIONS.can(request.user, self.permission)


class SubscriptionInline(ReadOnlyInline):
    model = Subscription
    fields = ["newsletter", "status", "confirmed_at", "confirmed_ip", "consent_version"]


class SuppressedFilter(admin.SimpleListFilter):
    title = _("suppressed")
    parameter_name = "suppressed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suppressed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suppressed_at__isnull=True)
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    """Addresses are personal data: admins only, and only to look."""

    permission = "browse_subscribers"
    list_display = ["email", "language", "is_suppressed", "created_at"]
    list_filter = [SuppressedFilter, "language"]
    search_fields = ["email"]
    # The nonce is half of the subscriber's link token: never shown, not even to admins.
    exclude = ["token_nonce", "legacy_token_hash"]
    inlines = [SubscriptionInline]

    @admin.display(boolean=True, description=_("suppressed"))
    def is_suppressed(self, obj):
        return obj.suppressed_at is not None


class IssueArticleInline(ReadOnlyInline):
    model = IssueArticle
    fields = ["position", "article"]


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    """Issues are composed and sent in the editors' screens; here they are only listed."""

    list_display = ["subject", "newsletter", "status", "recipient_count", "sent_at"]
    list_filter = ["status", "newsletter"]
    search_fields = ["subject"]
    list_select_related = ["newsletter"]
    exclude = ["articles"]
    inlines = [IssueArticleInline]
