"""Report pages: filing (public), the reporter's status page (by token), the author's
counter-notice (logged in), the editors' queue and decisions, and the transparency page.

Only the transparency page is cached: the form and every page about one report carry a CSRF
token or private data, and are `never_cache`. The article page stays cacheable since it only
links to the form.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from newsdesk.articles.models import Article
from newsdesk.articles.queries import article_for_reading
from newsdesk.core.errors import ActionRefused
from newsdesk.core.page_cache import cache_page_with
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.queries import audit_log
from newsdesk.reports import actions, attachments, queries
from newsdesk.reports.forms import (
    AssignForm,
    ChangeGroundForm,
    CounterNoticeForm,
    CourtActionForm,
    GroundForm,
    InformationForm,
    NoteForm,
    QueueFilterForm,
    ReportForm,
)
from newsdesk.reports.mail import find_article
from newsdesk.reports.permissions import (
    access_attachment_for_download,
    access_queue_for_triage,
    access_report_by_token,
    access_report_for_counter_notice,
    access_report_for_deciding,
    access_report_for_triage,
)

# Per IP: a person files a report or two; floods are scripts.
FILE_RATE_MINUTE = "5/m"
FILE_RATE_HOUR = "20/h"
# Per IP, for the status pages (opened by a token) and what is posted on them.
LINK_RATE = "30/m"


@never_cache
@ratelimit(key="ip", rate=FILE_RATE_MINUTE, method="POST", block=True, group="reports-file")
@ratelimit(key="ip", rate=FILE_RATE_HOUR, method="POST", block=True, group="reports-file-h")
def new(request):
    """Step 1 (no ground yet): choose the ground. Step 2: the form for that ground."""
    article = article_for_reading(request.GET.get("article", ""))
    ground = request.GET.get("ground", "")
    if ground not in Ground.values:
        form = GroundForm(request.GET if "ground" in request.GET else None)
        return render(request, "reports/choose.html", {"article": article, "form": form})
    form = ReportForm(ground, request.POST or None)
    if request.method == "POST" and form.is_bot():
        return redirect("reports:filed")  # the same answer as a real report
    if request.method == "POST" and form.is_valid():
        report, _token = actions.file_report(
            article=article,
            ground=ground,
            fields=form.report_fields(),
            language=request.LANGUAGE_CODE,
            by=request.user,
        )
        # Redirected, so that reloading the answer cannot file the report twice.
        messages.success(
            request,
            _("Thank you. Your case number is %(case)s.") % {"case": report.case_number},
        )
        return redirect("reports:filed")
    return render(
        request,
        "reports/new.html",
        {"article": article, "form": form, "ground": Ground(ground)},
    )


@require_safe
def filed(request):
    return render(request, "reports/filed.html")


@require_safe
def transparency(request):
    response = render(
        request,
        "reports/transparency.html",
        {"months": queries.transparency_counts(), "outcomes": _outcome_labels()},
    )
    return cache_page_with(response, {queries.TRANSPARENCY_TAG})


def _outcome_labels() -> list[str]:
    return [_("Open"), _("Taken down"), _("Rejected"), _("Restored after counter-notice")]


# --- the reporter's status page -------------------------------------------------------------


@never_cache
@ratelimit(key="ip", rate=LINK_RATE, block=True, group="reports-status")
def status(request, case, token):
    return _status_page(request, access_report_by_token(case, token), token)


@require_POST
@ratelimit(key="ip", rate=LINK_RATE, block=True, group="reports-status")
def reply(request, case, token):
    report = access_report_by_token(case, token)
    form = InformationForm(request.POST)
    if form.is_valid():
        action = partial(actions.supply_information, report=report, text=form.cleaned_data["text"])
        done = _("Thank you. An editor will look at your report again.")
        return _act(request, action, done, "reports:status", case, token)
    return _status_page(request, report, token, status=400, info_form=form)


@require_POST
@ratelimit(key="ip", rate=LINK_RATE, block=True, group="reports-status")
def court(request, case, token):
    report = access_report_by_token(case, token)
    form = CourtActionForm(request.POST)
    if form.is_valid():
        action = partial(actions.record_court_action, report=report, note=form.cleaned_data["note"])
        done = _("Noted. The article stays down.")
        return _act(request, action, done, "reports:status", case, token)
    return _status_page(request, report, token, status=400, court_form=form)


def _status_page(request, report, token, *, status=200, **forms):
    context = {
        "report": report,
        "token": token,
        "info_form": InformationForm(),
        "court_form": CourtActionForm(),
        "restore_from": queries.restore_possible_from(report),
        **forms,
    }
    return render(request, "reports/status.html", context, status=status)


def _act(request, action, success: str, *target):
    try:
        action()
    except ActionRefused as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, success)
    return redirect(*target)


# --- the author's counter-notice ------------------------------------------------------------


@never_cache
@login_required
@ratelimit(key="user", rate=LINK_RATE, method="POST", block=True, group="reports-counter")
def counter_notice(request, case):
    report = access_report_for_counter_notice(request.user, case)
    form = CounterNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("statement", "name", "address", "signature")}
        action = partial(actions.file_counter_notice, report=report, author=request.user, **fields)
        done = _("Your counter-notice has been recorded and sent to the reporter.")
        return _act(request, action, done, "reports:counter_notice", case)
    return render(request, "reports/counter_notice.html", {"report": report, "form": form})


# --- editors ----------------------------------------------------------------------------------


@never_cache
@login_required
def queue(request):
    access_queue_for_triage(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = queries.report_queue(
        state=filters.get("state") or "",
        ground=filters.get("ground") or "",
        unassigned=bool(filters.get("unassigned")),
    )
    return render(request, "reports/queue.html", {"form": form, "reports": reports[:500]})


@never_cache
@login_required
def detail(request, case):
    return _detail(request, access_report_for_triage(request.user, case))


def _detail(request, report, *, note_form=None, status=200):
    article = report.article
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "events": queries.events_of(report),
            "files": report.attachments.all(),
            "matches": queries.near_duplicates_of(article),
            "comparison": queries.compare_with_original(article, report.original_text),
            "audit": audit_log(article=article, limit=20) if article else [],
            "can_restore": queries.can_restore(report),
            "restore_from": queries.restore_possible_from(report),
            "versions": queries.published_versions(article),
            "others": queries.other_reports(report),
            "note_form": note_form or NoteForm(),
            "assign_form": AssignForm(),
            "ground_form": ChangeGroundForm(initial={"ground": report.ground}),
        },
        status=status,
    )


DECISIONS = {
    "take_down": lambda r, u, note: actions.take_down(report=r, editor=u, note=note),
    "reject": lambda r, u, note: actions.reject_report(report=r, editor=u, reason=note),
    "ask": lambda r, u, note: actions.request_information(report=r, editor=u, question=note),
    "restore": lambda r, u, note: actions.restore(report=r, editor=u, note=note),
}


@never_cache
@login_required
@require_POST
def decide(request, case, decision):
    """One endpoint per decision; the action enforces which state it may start from. A note
    that is refused, or a decision refused, shows the case again with the note as typed."""
    report = access_report_for_deciding(request.user, case)
    if decision not in DECISIONS:
        raise Http404
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, note_form=form, status=400)
    try:
        DECISIONS[decision](report, request.user, form.cleaned_data["note"])
    except ActionRefused as exc:
        messages.error(request, exc.messages[0])
        report.refresh_from_db()
        # A reason or question left out is the form's fault (400); anything else, the state's.
        status = 400 if exc.code == "note_required" else 409
        return _detail(request, report, note_form=form, status=status)
    messages.success(request, _("Done."))
    return redirect("reports:detail", case)


@login_required
@require_POST
def assign(request, case):
    report = access_report_for_triage(request.user, case)
    form = AssignForm(request.POST)
    article = _article_named(form.cleaned_data["article"]) if form.is_valid() else None
    if article is None:
        messages.error(request, _("No article of this site has that address or slug."))
        return redirect("reports:detail", case)
    action = partial(actions.assign_report, report=report, article=article, editor=request.user)
    return _act(request, action, _("Assigned."), "reports:detail", case)


@login_required
@require_POST
def change_ground(request, case):
    report = access_report_for_triage(request.user, case)
    form = ChangeGroundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the grounds."))
        return redirect("reports:detail", case)
    action = partial(
        actions.change_ground,
        report=report,
        ground=form.cleaned_data["ground"],
        editor=request.user,
    )
    return _act(request, action, _("The ground was changed."), "reports:detail", case)


def _article_named(text: str):
    text = text.strip()
    return find_article(text) or Article.objects.filter(slug=text.strip("/")).first()


@login_required
@require_safe
def attachment(request, case, attachment_id):
    return attachments.download(access_attachment_for_download(request.user, case, attachment_id))
