"""Reports about articles (notice and takedown), their attachments and their event log.

Written only by reports/actions.py. A report names its article, or none yet (a mail whose
article could not be found: the "unassigned" queue). Its reporter opens a private status page
with a link whose token is stored only as a hash (reports/tokens.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.editorial.grounds import Ground

# One-line fields: long enough for any real value, short enough to show in a list.
LINE_MAX = 300
URL_MAX = 2000
# Free text: a page or two; the original's text may be a whole article.
TEXT_MAX = 10_000
ORIGINAL_TEXT_MAX = 100_000


class Report(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("Received, waiting for an editor")
        NEEDS_INFO = "needs_info", _("More information requested")
        TAKEN_DOWN = "taken_down", _("Upheld: article taken down")
        REJECTED = "rejected", _("Rejected")
        COUNTER_NOTICE = "counter_notice", _("Counter-notice received")
        RESTORED = "restored", _("Article restored after a counter-notice")

    class Source(models.TextChoices):
        FORM = "form", _("Web form")
        EMAIL = "email", _("Email")
        # A Flag activity from another server's moderators (federation/inbox.py).
        FEDIVERSE = "fediverse", _("Fediverse (Flag)")

    case_number = models.CharField(max_length=20, unique=True)
    # SHA-256 of the status page token; the token itself is never stored (tokens.py).
    token_nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    # The reporter's interface language: their mails are written in it.
    language = models.CharField(max_length=10, default="en")

    reporter_name = models.CharField(_("full name"), max_length=LINE_MAX, blank=True)
    reporter_email = models.EmailField(_("email address"), blank=True)
    reporter_address = models.TextField(_("postal address"), max_length=1000, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=50, blank=True)
    relationship = models.CharField(_("relationship"), max_length=LINE_MAX, blank=True)

    work = models.TextField(_("work"), max_length=TEXT_MAX, blank=True)
    passage = models.TextField(_("passage"), max_length=TEXT_MAX, blank=True)
    original_url = models.URLField(_("original's location"), max_length=URL_MAX, blank=True)
    original_text = models.TextField(_("original text"), max_length=ORIGINAL_TEXT_MAX, blank=True)
    explanation = models.TextField(_("explanation"), max_length=ORIGINAL_TEXT_MAX, blank=True)
    good_faith = models.BooleanField(default=False)
    accurate = models.BooleanField(default=False)
    signature = models.CharField(_("signature"), max_length=LINE_MAX, blank=True)
    # A report by mail: its subject (the body is in `explanation`).
    mail_subject = models.CharField(max_length=LINE_MAX, blank=True)

    # What the editor asked or answered the reporter last (also in the event log).
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    counter_statement = models.TextField(blank=True)
    counter_name = models.CharField(max_length=LINE_MAX, blank=True)
    counter_address = models.TextField(blank=True)
    counter_signature = models.CharField(max_length=LINE_MAX, blank=True)
    counter_at = models.DateTimeField(null=True, blank=True)
    # The reporter says they went to court: the article is not restored.
    court_action_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return self.case_number

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.NEEDS_INFO)


class ReportEvent(models.Model):
    """One step of a report: who did what, when. Append-only."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        ASSIGNED = "assigned", _("Assigned to an article")
        GROUND_CHANGED = "ground_changed", _("Ground changed")
        INFO_REQUESTED = "info_requested", _("More information requested")
        INFO_SUPPLIED = "info_supplied", _("Reporter added information")
        TAKEN_DOWN = "taken_down", _("Article taken down")
        REJECTED = "rejected", _("Rejected")
        COUNTER_NOTICE = "counter_notice", _("Counter-notice received")
        COURT_ACTION = "court_action", _("Reporter filed a court action")
        RESTORED = "restored", _("Article restored")
        ATTACHMENTS_SKIPPED = "attachments_skipped", _("Attachments left out")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Report events are append-only.")
        super().save(*args, **kwargs)


class Attachment(models.Model):
    """A file that came with a report by mail. Stored under var/ with a generated name, never
    under MEDIA or static, and only ever downloaded (reports/attachments.py)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    # The sender's file name, cleaned: shown to editors, never used as a path.
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    # What the sender claimed; informative only (downloads are application/octet-stream).
    declared_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name
