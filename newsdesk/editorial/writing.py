"""Saving what a writer typed, for both doors: the editor page (views.edit, views.autosave)
and the API (api.endpoints.submissions).

The text is validated by editorial.forms.ArticleForm before it gets here (so limits and
messages are the same at both doors); here the text and an uploaded cover are saved in one
transaction, and the writers' rate limits are counted, shared by both doors.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from newsdesk.articles.actions import get_or_create_tags, save_article
from newsdesk.articles.images import files_removed_on_failure, save_uploaded_image
from newsdesk.articles.models import Article

# Per user: writing is bursty, but no person submits this often.
SUBMIT_RATE = "10/m"
# Per user: a writer tries a few covers per article; each upload is decoded and re-encoded.
UPLOAD_RATE = "20/h"
# The counters' groups: the same for the web and the API, so that two doors do not double them.
SUBMIT_GROUP = "editorial-submit"
UPLOAD_GROUP = "editorial-upload"
UPLOADS_LIMITED = _("You have uploaded many images in a short time; please try again in an hour.")
SUBMITS_LIMITED = _("You have submitted many times in a short time; please try again shortly.")


@dataclass(frozen=True)
class Upload:
    """A cover image as uploaded, with what the writer said about it."""

    data: bytes
    alt: str
    credit: str = ""
    ai_generated: bool = False


def save_draft(*, user, article: Article | None, data: dict, upload: Upload | None = None):
    """Saves the text (ArticleForm's cleaned_data: title, lead, body, language, kind, section,
    tags as names) and the cover upload, if any, in one transaction: a new article (None) is
    `user`'s own, an existing one keeps its author and records `user` as the editor.

    Raises ImageRejected for the upload and ValidationError by field for the text; either way
    nothing is saved: neither a row nor a file of the upload stays behind.
    """
    with files_removed_on_failure():
        cover = None
        if upload is not None:
            cover = save_uploaded_image(
                data=upload.data,
                alt=upload.alt,
                credit=upload.credit,
                ai_generated=upload.ai_generated,
            )
        return save_article(
            article=article,
            author=article.author if article else user,
            editor=user,
            title=data["title"],
            lead=data["lead"],
            body=data["body"],
            language=data["language"],
            kind=data["kind"],
            section=data["section"],
            tags=get_or_create_tags(data["tags"]),
            cover=cover,
        )


def text_of(article: Article) -> dict:
    """The article's text as save_draft takes it (to save it again with a new cover, or to
    lay a partial change over it)."""
    return {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "language": article.language,
        "kind": article.kind,
        "section": article.section,
        "tags": [t.name for t in article.tags.all()],
    }


def upload_wait(request) -> int | None:
    """Counts an upload of `request.user`'s: None while under UPLOAD_RATE, else the seconds
    until the next may go. Only saves that carry a file count: each costs a decode and a
    re-encode."""
    return _wait(
        get_usage(request, group=UPLOAD_GROUP, key="user", rate=UPLOAD_RATE, increment=True)
    )


def submit_wait(request) -> int | None:
    """Counts a submission of `request.user`'s, as views.edit's rate limit for the Submit
    button (the same counter): None while under SUBMIT_RATE, else the seconds to wait."""
    usage = get_usage(
        request, group=SUBMIT_GROUP, key="user", rate=SUBMIT_RATE, method="POST", increment=True
    )
    return _wait(usage)


def _wait(usage: dict | None) -> int | None:
    if usage is None or not usage["should_limit"]:
        return None  # also when RATELIMIT_ENABLE is off
    return max(1, usage["time_left"])
