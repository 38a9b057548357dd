from django.shortcuts import render
from django.views.decorators.http import require_safe

from newsdesk.core.page_cache import cache_page_with


@require_safe
def guidelines(request):
    return cache_page_with(render(request, "editorial/guidelines.html"), {"guidelines"})
