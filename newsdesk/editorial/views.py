from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from newsdesk.articles.images import ImageRejected
from newsdesk.articles.markdown import render_markdown
from newsdesk.articles.models import BODY_MAX_BYTES, Article
from newsdesk.core.errors import ActionRefused
from newsdesk.core.page_cache import cache_page_with
from newsdesk.editorial import actions, queries, writing
from newsdesk.editorial.forms import ArticleForm, NoteForm, QueueFilterForm, ScheduleForm
from newsdesk.editorial.permissions import (
    EDITABLE_BY_AUTHOR,
    access_article_for_deciding,
    access_article_for_editing,
    access_article_for_review,
    access_article_for_writing,
    access_audit_log_for_reading,
    access_desk_for_writing,
    access_queue_for_review,
)

# Per user: writing is bursty, but no person previews or submits this often.
PREVIEW_RATE = "60/m"
AUTOSAVE_RATE = "60/m"
# Submitting and uploading: counted in writing, the same for the API.
SUBMIT_RATE = writing.SUBMIT_RATE
UPLOAD_RATE = writing.UPLOAD_RATE
# Editors may change these, with the Save button only: autosave would change a public page (or
# one that goes public by itself at its time) at every pause in typing.
AUTOSAVE_REFUSED = {
    Article.Status.PUBLISHED: gettext_lazy("Published: save with the button."),
    Article.Status.SCHEDULED: gettext_lazy("Scheduled: save with the button."),
}


@require_safe
def guidelines(request):
    version = actions.latest_guidelines()
    html = render_markdown(version.body_for(request.LANGUAGE_CODE)) if version else ""
    response = render(request, "editorial/guidelines.html", {"version": version, "html": html})
    return cache_page_with(response, {"guidelines"})


def _initial(article) -> dict:
    return {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "language": article.language,
        "kind": article.kind,
        "section": article.section_id,
        "tags": ", ".join(t.name for t in article.tags.all()),
    }


def _save_from_form(request, form, article):
    """Saves the text and cover (writing.save_draft); returns the article, or None with errors
    added to the form. A failed save leaves neither a row nor a file of the upload."""
    data = form.cleaned_data
    upload = None
    if data.get("cover"):
        if writing.upload_wait(request) is not None:
            form.add_error("cover", str(writing.UPLOADS_LIMITED))
            return None
        upload = writing.Upload(
            data=data["cover"].read(),
            alt=data["cover_alt"],
            credit=data["cover_credit"],
            ai_generated=data["cover_ai_generated"],
        )
    try:
        return writing.save_draft(user=request.user, article=article, data=data, upload=upload)
    except ImageRejected as exc:
        form.add_error("cover", exc)
        return None
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@login_required
def dashboard(request):
    access_desk_for_writing(request.user)
    articles = list(queries.articles_of(request.user))
    return render(
        request,
        "editorial/dashboard.html",
        {
            "drafts": [a for a in articles if a.status in EDITABLE_BY_AUTHOR],
            "others": [a for a in articles if a.status not in EDITABLE_BY_AUTHOR],
            "requests": {a.pk: queries.latest_requests(a) for a in articles},
            "suspension": queries.submission_suspension(request.user),
        },
    )


def _submit_rate(request):
    # Only submitting is limited; saving a draft is what autosave does all the time.
    return SUBMIT_RATE if request.POST.get("intent") == "submit" else None


@login_required
@ratelimit(
    key="user",
    rate=lambda g, r: _submit_rate(r),
    method="POST",
    block=True,
    group=writing.SUBMIT_GROUP,
)
def edit(request, article_id=None):
    """The editor: save a draft, run the checks, or submit (the button's `intent`). Whatever
    happens, the text typed is either saved or shown again."""
    try:
        article = access_article_for_editing(request.user, article_id)
    except ActionRefused as exc:
        messages.info(request, exc.messages[0])
        return redirect("editorial:dashboard")
    form = ArticleForm(
        request.POST or None, request.FILES or None, initial=_initial(article) if article else None
    )
    report = queries.latest_check_report(article) if article else None
    if request.method == "POST" and form.is_valid():
        saved = _save_from_form(request, form, article)
        if saved is not None:
            return INTENTS.get(request.POST.get("intent"), _saved)(request, saved)
    elif request.method == "POST":
        messages.error(request, _("Please correct the marked fields. Your text is still here."))
    return render(
        request,
        "editorial/edit.html",
        {
            "form": form,
            "article": article,
            "report": report,
            "guidelines": actions.latest_guidelines(),
            "requests": queries.latest_requests(article) if article else [],
        },
    )


def _saved(request, article):
    messages.success(request, _("Saved."))
    return redirect("editorial:edit", article_id=article.pk)


def _check(request, article):
    actions.check_article(article=article)
    messages.info(request, _("The checks ran; see the results below."))
    return redirect("editorial:edit", article_id=article.pk)


def _submit(request, article):
    accepted = _int(request.POST.get("accept_guidelines")) if request.POST.get("accepted") else None
    try:
        actions.submit_article(article=article, by=request.user, accepted_version=accepted)
    except ActionRefused as exc:
        messages.error(request, exc.messages[0])
        return redirect("editorial:edit", article_id=article.pk)
    messages.success(request, _("Submitted. An editor will look at it soon."))
    return redirect("editorial:dashboard")


# What the editor does after saving the text, by the button pressed; anything else just saves.
INTENTS = {"save": _saved, "check": _check, "submit": _submit}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
@ratelimit(key="user", rate=AUTOSAVE_RATE, block=True, group="editorial-autosave")
def autosave(request, article_id=None):
    """Saves the draft in the background (the editor's script posts here every few seconds)."""
    try:
        article = access_article_for_editing(request.user, article_id)
    except ActionRefused as exc:
        return JsonResponse({"saved": False, "reason": exc.messages[0]})
    if article is not None and article.status in AUTOSAVE_REFUSED:
        return JsonResponse({"saved": False, "reason": str(AUTOSAVE_REFUSED[article.status])})
    form = ArticleForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()}, status=200)
    saved = _save_from_form(request, form, article)
    if saved is None:
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()})
    return JsonResponse(
        {
            "saved": True,
            "id": saved.pk,
            "edit_url": reverse("editorial:edit", args=[saved.pk]),
            "autosave_url": reverse("editorial:autosave", args=[saved.pk]),
        }
    )


@login_required
@require_POST
@ratelimit(key="user", rate=PREVIEW_RATE, block=True, group="editorial-preview")
def preview(request):
    """The body rendered by the same pipeline as the public page."""
    access_desk_for_writing(request.user)
    body = request.POST.get("body", "")
    if len(body.encode("utf-8", "surrogatepass")) > BODY_MAX_BYTES:
        return HttpResponse(_("The body is larger than 1 MB."), status=413)
    return HttpResponse(render_markdown(body), content_type="text/html; charset=utf-8")


@login_required
@require_POST
def withdraw(request, article_id):
    article = access_article_for_writing(request.user, article_id)
    try:
        actions.withdraw_submission(article=article, by=request.user)
        messages.success(request, _("Withdrawn. You can edit it and submit again."))
    except ActionRefused as exc:
        messages.error(request, exc.messages[0])
    return redirect("editorial:dashboard")


@login_required
def queue(request):
    access_queue_for_review(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    articles = queries.review_queue(
        section=filters.get("section"),
        language=filters.get("language") or "",
        kind=filters.get("kind") or "",
        older_than_days=filters.get("older_than_days"),
    )
    return render(request, "editorial/queue.html", {"form": form, "articles": articles})


@login_required
def review(request, article_id):
    article = access_article_for_review(request.user, article_id)
    report = queries.latest_check_report(article)
    return render(
        request,
        "editorial/review.html",
        {
            **_buttons(request.user, article),
            "article": article,
            "report": report,
            "diff": queries.revision_diff(article),
            "history": queries.contributor_history(article.author),
            "audit": queries.audit_log(article=article, limit=50),
            "note_form": NoteForm(),
            "schedule_form": ScheduleForm(),
        },
    )


@dataclass(frozen=True)
class Button:
    decision: str
    label: str
    style: str = ""


# The review screen's buttons. Which claim button: by who holds the claim (see _buttons).
CLAIM_BUTTONS = {
    "claim": Button("claim", gettext_lazy("Claim for review")),
    "take_over": Button("take_over", gettext_lazy("Take over the review"), "secondary"),
    "release": Button("release", gettext_lazy("Release"), "secondary"),
}
# The decisions sent with the note, in the order shown.
NOTE_BUTTONS = [
    Button("publish", gettext_lazy("Approve and publish now")),
    Button("approve", gettext_lazy("Approve"), "secondary"),
    Button("request_changes", gettext_lazy("Request changes"), "secondary"),
    Button("reject", gettext_lazy("Reject"), "danger"),
    Button("unpublish", gettext_lazy("Unpublish"), "danger"),
]
SCHEDULE_BUTTON = Button("schedule", gettext_lazy("Approve and schedule"), "secondary")


def _buttons(user, article) -> dict:
    """The decisions the article's state allows and the user may take (actions.may_take)."""

    def allowed(button):
        return button if actions.may_take(user, article, button.decision) else None

    return {
        "claim_button": allowed(CLAIM_BUTTONS[actions.claim_decision(user, article)]),
        "note_buttons": [b for b in NOTE_BUTTONS if allowed(b)],
        "schedule_button": allowed(SCHEDULE_BUTTON),
    }


DECISIONS = {
    "claim": lambda a, u, d: actions.claim_submission(article=a, editor=u),
    "take_over": lambda a, u, d: actions.claim_submission(article=a, editor=u, force=True),
    "release": lambda a, u, d: actions.release_submission(article=a, editor=u),
    "request_changes": lambda a, u, d: actions.request_changes(article=a, editor=u, note=d["note"]),
    "approve": lambda a, u, d: actions.approve_submission(article=a, editor=u, note=d["note"]),
    "publish": lambda a, u, d: actions.publish_article(article=a, by=u, note=d["note"]),
    "schedule": lambda a, u, d: actions.schedule_article(
        article=a, editor=u, at=d["at"], note=d["note"]
    ),
    "reject": lambda a, u, d: actions.reject_submission(article=a, editor=u, reason=d["note"]),
    "unpublish": lambda a, u, d: actions.unpublish_article(article=a, by=u, note=d["note"]),
    "check": lambda a, u, d: actions.check_article(article=a),
}


@login_required
@require_POST
def decide(request, article_id, decision):
    """One endpoint per decision; the action enforces which state it may start from."""
    if decision not in DECISIONS:
        raise Http404
    article = access_article_for_deciding(request.user, article_id, decision)
    form = (ScheduleForm if decision == "schedule" else NoteForm)(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please correct the form: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("editorial:review", article_id=article.pk)
    try:
        DECISIONS[decision](article, request.user, form.cleaned_data)
    except ActionRefused as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Done."))
    if decision in {"publish", "reject", "request_changes", "schedule"}:
        return redirect("editorial:queue")
    return redirect("editorial:review", article_id=article.pk)


@login_required
def audit(request):
    access_audit_log_for_reading(request.user)
    return render(request, "editorial/audit.html", {"entries": queries.audit_log(limit=300)})
