"""Who may do what with reports. Tests spell out the matrix; views call access_*.

Every fetch answers the same 404 for a missing report and for one the user may not use that
way, so that case numbers reveal nothing. The status page is opened by its token alone: a wrong
token and a wrong case number get the same answer.
"""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, CONTRIBUTOR, EDITOR, PermissionTable
from newsdesk.reports.models import Attachment, Report
from newsdesk.reports.queries import versions_taken_down_with
from newsdesk.reports.tokens import token_matches

# Filing a report, its status page and the transparency page are for everyone: no row.
PERMISSIONS = PermissionTable(
    {
        # The author of a taken-down article (checked per report, see
        # access_report_for_counter_notice).
        "file_counter_notice": {CONTRIBUTOR, EDITOR, ADMIN},
        "triage": {EDITOR, ADMIN},
        "decide": {EDITOR, ADMIN},
        "download_attachments": {EDITOR, ADMIN},
    }
)


def _get(case_number) -> Report:
    try:
        return Report.objects.select_related("article", "article__author").get(
            case_number=str(case_number)
        )
    except Report.DoesNotExist:
        raise Http404("No such report") from None


def access_queue_for_triage(user) -> None:
    """The reports queue: editors and admins only; everyone else gets "not found"."""
    if not PERMISSIONS.can(user, "triage"):
        raise Http404("No such page")


def access_report_for_triage(user, case_number) -> Report:
    """Any report, for editors and admins only (to read it, assign it, change its ground)."""
    if not PERMISSIONS.can(user, "triage"):
        raise Http404("No such report")
    return _get(case_number)


def access_report_for_deciding(user, case_number) -> Report:
    """Any report, to take it down, reject it, ask for more or restore; the action refuses a
    decision its state does not allow."""
    if not PERMISSIONS.can(user, "decide"):
        raise Http404("No such report")
    return _get(case_number)


def access_report_by_token(case_number, token) -> Report:
    """The report whose status token this is; 404 alike for a wrong case or a wrong token."""
    try:
        report = _get(case_number)
    except Http404:
        report = None
    if report is None or not token_matches(str(token), report.token_hash):
        raise Http404("No such report")
    return report


def access_report_for_counter_notice(user, case_number) -> Report:
    """A report that took down an article of this user (the author of the reported article or
    of a language version taken down with it, logged in)."""
    if not PERMISSIONS.can(user, "file_counter_notice"):
        raise Http404("No such report")
    report = _get(case_number)
    if report.article is None:
        raise Http404("No such report")
    authors = {report.article.author_id} | {
        version.author_id for version in versions_taken_down_with(report)
    }
    if user.pk not in authors:
        raise Http404("No such report")
    if report.state not in (Report.State.TAKEN_DOWN, Report.State.COUNTER_NOTICE):
        raise Http404("No such report")
    return report


def access_attachment_for_download(user, case_number, attachment_id) -> Attachment:
    if not PERMISSIONS.can(user, "download_attachments"):
        raise Http404("No such file")
    report = _get(case_number)
    try:
        return report.attachments.get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file") from None
