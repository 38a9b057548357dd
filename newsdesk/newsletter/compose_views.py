"""Editors' newsletter screens: the list of issues, composing, preview, a test email to
yourself, sending or scheduling, and the live progress of a send. Editors and admins only
(newsletter.permissions); everyone else gets "not found"."""

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from newsdesk.newsletter import actions, delivery, queries, rendering, transports
from newsdesk.newsletter.compose_forms import IssueForm, SendForm
from newsdesk.newsletter.models import Issue
from newsdesk.newsletter.permissions import (
    access_issue_for_editing,
    access_issue_for_sending,
    access_issues_for_composing,
    access_newsletter_for_composing,
)

# Per editor: a test email is for checking the look, not for mailing a list.
TEST_RATE = "10/m"
# The list of issues shows the newest this many.
ISSUES_SHOWN = 100
# The preview is the mail's own HTML (inline styles, images from the site): it runs in a
# sandbox with no script at all and may only load styles inline and images.
PREVIEW_CSP = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:", "https:", settings.SITE_URL],
    "script-src": [NONE],
    "form-action": [NONE],
    "sandbox": True,
}


@login_required
@require_safe
def issues(request):
    access_issues_for_composing(request.user)
    recent = queries.recent_issues(limit=ISSUES_SHOWN)
    return render(
        request,
        "newsletter/compose/issues.html",
        {"newsletters": queries.active_newsletters(), "issues": recent},
    )


@login_required
def compose(request, slug=None, pk=None):
    """A new issue of the newsletter `slug`, or the issue `pk` while it can still change."""
    if pk is not None:
        issue = access_issue_for_editing(request.user, pk)
        if issue.status not in actions.EDITABLE:
            return redirect("newsletter_editor:progress", pk=issue.pk)
        newsletter = issue.newsletter
    else:
        issue, newsletter = None, access_newsletter_for_composing(request.user, slug)
    candidates, positions = queries.article_choices(newsletter, issue)
    initial = {"subject": issue.subject, "intro": issue.intro} if issue else {}
    form = IssueForm(
        request.POST or None, candidates=candidates, positions=positions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_issue(
                issue=issue,
                newsletter=newsletter,
                subject=form.cleaned_data["subject"],
                intro=form.cleaned_data["intro"],
                articles=form.chosen_articles(),
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("newsletter_editor:edit", pk=saved.pk)
    elif request.method == "POST":
        messages.error(request, _("Please correct the marked fields."))
    return render(
        request,
        "newsletter/compose/compose.html",
        {
            "newsletter": newsletter,
            "issue": issue,
            "form": form,
            "send_form": SendForm(),
            "text_preview": _text_preview(issue) if issue else "",
        },
    )


def _text_preview(issue: Issue) -> str:
    _subject, _html, text = rendering.render_issue(issue)
    return rendering.fill_in(text, issue, unsubscribe_url="…", manage_url="…")


@login_required
@require_safe
@csp_replace(PREVIEW_CSP)
def preview(request, pk):
    """The email's HTML part as its own page (?part=text: the plain-text part)."""
    issue = access_issue_for_editing(request.user, pk)
    _subject, html, text = rendering.render_issue(issue)
    if request.GET.get("part") == "text":
        body = rendering.fill_in(text, issue, unsubscribe_url="…", manage_url="…")
        return HttpResponse(body, content_type="text/plain; charset=utf-8")
    body = rendering.fill_in(html, issue, unsubscribe_url="#", manage_url="#")
    return HttpResponse(body)


@login_required
@require_POST
@ratelimit(key="user", rate=TEST_RATE, method="POST", block=True, group="newsletter-test")
def send_test(request, pk):
    issue = access_issue_for_editing(request.user, pk)
    try:
        delivery.send_test(issue=issue, to=request.user.email)
    except (transports.Refused, transports.TransportUnavailable) as exc:
        messages.error(request, _("The test email could not be sent: %(error)s") % {"error": exc})
    else:
        messages.success(
            request, _("A test email went to %(email)s.") % {"email": request.user.email}
        )
    return redirect("newsletter_editor:edit", pk=issue.pk)


@login_required
@require_POST
def send(request, pk):
    """Send now, schedule, or (intent=cancel) take a scheduled issue back to draft."""
    issue = access_issue_for_sending(request.user, pk)
    form = SendForm(request.POST)
    try:
        if request.POST.get("intent") == "cancel":
            actions.unschedule_issue(issue=issue)
            messages.success(request, _("The issue is a draft again."))
        elif not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        elif form.send_at() is None:
            actions.schedule_issue(issue=issue)
            return redirect("newsletter_editor:progress", pk=issue.pk)
        else:
            issue = actions.schedule_issue(issue=issue, at=form.send_at())
            when = date_format(timezone.localtime(issue.scheduled_at), "DATETIME_FORMAT")
            messages.success(request, _("Scheduled for %(when)s.") % {"when": when})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("newsletter_editor:edit", pk=issue.pk)


@login_required
@require_safe
def progress(request, pk):
    """Sent, failed and remaining; ?format=json for the page's script (every 2 s)."""
    issue = access_issue_for_editing(request.user, pk)
    counts = queries.progress(issue)
    if request.GET.get("format") == "json":
        counts["status_label"] = issue.get_status_display()
        return JsonResponse(counts, headers={"Cache-Control": "no-store"})
    return render(request, "newsletter/compose/progress.html", {"issue": issue, "counts": counts})
