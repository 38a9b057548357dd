"""One URL per page of a list: page 1 without a parameter, page n as ``?page=n``.

Every list view paginates through ``paginate``. A spelling of an existing page (``?page=1``,
``?page=02``) redirects to its canonical URL, anything else (a word, 0, a page past the end,
the parameter twice) is not found. So a list has exactly as many URLs as pages, and only those
are stored in the page cache (core/page_cache.py).
"""

import re

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponsePermanentRedirect

from newsdesk.core.page_cache import mark_canonical_query

# A page number as written in a URL; nine digits are far past any real list, and the bound keeps
# int() away from megabyte numbers.
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def paginate(request, object_list, *, per_page: int) -> Page | HttpResponsePermanentRedirect:
    """The requested page of ``object_list``, or a redirect to its canonical URL; raises Http404
    for a page that does not exist. The page carries ``previous_url`` and ``next_url``."""
    values = request.GET.getlist("page")
    if len(values) > 1 or (values and not PAGE_NUMBER.fullmatch(values[0])):
        raise Http404("No such page")
    number = int(values[0]) if values else 1
    paginator = Paginator(object_list, per_page)
    if not 1 <= number <= paginator.num_pages:
        raise Http404("No such page")
    # Page 1 has no parameter; page n is written as str(n), without zeros or signs.
    if values and (number == 1 or values[0] != str(number)):
        query = request.GET.copy()
        query.pop("page")
        if number > 1:
            query["page"] = str(number)
        return HttpResponsePermanentRedirect(_with_query(request.path, query.urlencode()))
    page = paginator.page(number)
    page.previous_url = page_url(request.path, number - 1) if page.has_previous() else ""
    page.next_url = page_url(request.path, number + 1) if page.has_next() else ""
    if number > 1:
        mark_canonical_query(request, f"page={number}")
    return page


def page_url(path: str, number: int) -> str:
    """The canonical URL of page ``number`` of the list at ``path``."""
    return _with_query(path, f"page={number}" if number > 1 else "")


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path
