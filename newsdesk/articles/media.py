"""Serving cover files: public media in the embedded mode (nginx does it in production), and
private covers (of drafts, submissions, taken-down articles) to those who may see them."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from newsdesk.articles.models import Image
from newsdesk.editorial.permissions import access_article_for_writing


@require_safe
def public_media(request, path):
    """django.views.static.serve, but a path the file system refuses (too long, NUL byte,
    outside the root) is simply not found."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError, SuspiciousOperation):
        raise Http404("No such file") from None


@require_safe
def private_media(request, image_id, filename):
    """The master or a rendition of a cover, for someone who may edit or review an article
    showing it (the same "not found" for a missing file and a forbidden one)."""
    image = Image.objects.filter(pk=image_id).first()
    names = [image.file.name, *(r.get("name", "") for r in image.renditions or [])] if image else []
    name = next((n for n in names if n and n.rsplit("/", 1)[-1] == filename), None)
    if name is None or not request.user.is_authenticated:
        raise Http404("No such file")
    for article_id in image.article_set.values_list("pk", flat=True):
        try:
            access_article_for_writing(request.user, article_id)
        except Http404:
            continue
        break
    else:
        raise Http404("No such file")
    try:
        response = FileResponse(image.file.storage.open(name, "rb"))
    except OSError:
        raise Http404("No such file") from None
    # Only for this user: no shared cache may keep it (it may be taken down again).
    patch_cache_control(response, private=True, no_cache=True)
    return response
