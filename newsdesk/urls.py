from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path

from newsdesk.articles import feeds, media, sitemaps

# A problem+json for /api/ paths, the site's page for the others.
handler400 = "newsdesk.api.problems.bad_request"
handler500 = "newsdesk.api.problems.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.urls")),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain")),
    # For crawlers and feed readers: one URL each, whatever the interface language.
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("feed.rss", feeds.site_rss, name="site_feed_rss"),
    path("feed.atom", feeds.site_atom, name="site_feed_atom"),
    # WebFinger, NodeInfo and the ActivityPub actors (404 while FEDERATION_ENABLED is off).
    path("", include("newsdesk.federation.urls")),
]
urlpatterns.append(
    # Covers of articles that are not public, for their authors and editors; always the app's.
    path(
        "private-media/<int:image_id>/<str:filename>",
        media.private_media,
        name="private_media",
    )
)
if settings.SERVE_MEDIA:
    # Production puts nginx in front of /media/; the embedded mode serves it from here.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", media.public_media))
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/", include("newsdesk.accounts.urls")),
    path("", include("newsdesk.editorial.urls")),
    path("newsletters/compose/", include("newsdesk.newsletter.compose_urls")),
    path("newsletters/", include("newsdesk.newsletter.urls")),
    path("search/", include("newsdesk.discovery.urls")),
    path("reports/", include("newsdesk.reports.urls")),
    path("webhooks/", include("newsdesk.webhooks.urls")),
    path("fediverse/", include("newsdesk.federation.screen_urls")),
    path("", include("newsdesk.articles.urls")),
)
