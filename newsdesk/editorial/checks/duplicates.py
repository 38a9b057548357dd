"""Near-duplicates: how much of the body is found in published articles and open submissions."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from newsdesk.editorial.checks.base import Check, CheckResult


def check_duplicates(text: str, exclude_ids: Iterable[int] = ()) -> CheckResult:
    """The body against every published article and open submission in the discovery index.

    Judged by containment, the share of this text found in the other, as the index's thresholds
    are: a copy with paragraphs added, or an excerpt of a longer article, counts as a copy."""
    from newsdesk.discovery.near_duplicates import (  # numpy: on the first check
        DUPLICATE_THRESHOLD,
        WARNING_THRESHOLD,
        find_near_duplicates,
    )

    check = Check("duplicates", "body")
    found = find_near_duplicates(text, exclude_ids=tuple(exclude_ids))
    found = sorted((m for m in found if m.containment >= WARNING_THRESHOLD), key=_by_containment)
    matches = [
        {
            "article_id": match.article.pk,
            "title": match.article.title,
            "url": match.article.get_absolute_url(),
            # Another contributor's unpublished submission is named to editors only.
            "public": match.article.status == match.article.Status.PUBLISHED,
            "similarity": round(float(match.similarity), 3),
            "containment": round(float(match.containment), 3),
            "passages": [str(passage) for passage in match.passages],
        }
        for match in found
    ]
    if not found:
        return check.passed(_("No similar articles found."), matches=[])
    closest = found[0]
    percent = round(closest.containment * 100)
    title = matches[0]["title"] if matches[0]["public"] else _("an article under review")
    values = {"title": title, "percent": percent, "matches": matches}
    if closest.containment >= DUPLICATE_THRESHOLD:
        message = _(
            "%(percent)d%% of the text also appears in “%(title)s”. Write it in your own words; quote briefly and link to the source."
        )
        return check.failure(message, **values)
    message = _(
        "Part of the text (%(percent)d%%) also appears in “%(title)s”. Quote briefly and link to the source."
    )
    return check.warning(message, **values)


def _by_containment(match) -> tuple:
    return (-match.containment, -match.similarity, match.article.pk)
