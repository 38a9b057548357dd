from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import Article


class GuidelinesVersion(models.Model):
    """One version of the public "Rules and Guidelines for Submitting News". Never edited:
    a change is a new version, so an acceptance always names the text that was accepted."""

    number = models.PositiveIntegerField(unique=True)
    body_de = models.TextField(_("German text (Markdown)"))
    body_en = models.TextField(_("English text (Markdown)"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Guidelines v{self.number}"

    def body_for(self, language: str) -> str:
        return self.body_de if language.startswith("de") else self.body_en


class GuidelinesAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(GuidelinesVersion, on_delete=models.PROTECT, related_name="+")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="guideline_acceptances"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id} accepted v{self.version.number}"


class CheckReport(models.Model):
    """The automated checks' results for one state of an article's text."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="check_reports"
    )
    revision_number = models.PositiveIntegerField(null=True, blank=True)
    # [{"code", "status", "field", "message", "details"}, ...] as editorial.checks makes them.
    results = models.JSONField(default=list)
    blocking = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"checks for {self.article_id} at {self.created_at:%Y-%m-%d %H:%M}"


# What AuditEntry.action codes are called on pages (the codes themselves stay in the data).
ACTION_LABELS = {
    "submit": _("submitted"),
    "withdraw": _("withdrawn"),
    "claim": _("claimed for review"),
    "release": _("released from review"),
    "request_changes": _("changes requested"),
    "approve": _("approved"),
    "reject": _("rejected"),
    "schedule": _("scheduled"),
    "publish": _("published"),
    "unpublish": _("unpublished"),
    "take_down": _("taken down"),
    "restore": _("restored"),
}


class AuditEntry(models.Model):
    """Who did what to which article, when and why. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.article_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    return str(Article.Status(status).label) if status in Article.Status.values else status
