from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from newsdesk.discovery.search import search as run_search
from newsdesk.discovery.search.form import SearchForm


@require_safe
def search(request):
    """The search page: the form alone without a query; results are never page-cached (the
    page cache stores no query string but ?page=)."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.query.strip():
        results = run_search(
            form.query,
            filters=form.filters(),
            page=_page_number(request.GET.get("page")),
            language=translation.get_language(),
        )
    return render(request, "discovery/search.html", {"form": form, "results": results})


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1
