from django.conf import settings


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": getattr(settings, "SITE_NAME", "newsdesk"),
        "FEDERATION_ENABLED": settings.FEDERATION_ENABLED,
    }
