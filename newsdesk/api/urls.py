from csp.decorators import csp_update
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from newsdesk.api import views
from newsdesk.api.endpoints import newsletters, reports, reviews, submissions, webhooks

# The one inline <style> of drf-spectacular's Swagger UI page (box-sizing, background), by its
# hash: the rest of the page is our static files. A new drf-spectacular may change it
# (tests/test_docs_browser.py then reports the blocked style).
DOCS_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
docs = csp_update({"style-src": [DOCS_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

app_name = "api"
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # DESIGN.md's address for the schema: the current version's, permanently.
    path("schema/", RedirectView.as_view(pattern_name="api:schema", permanent=True)),
    path("docs/", docs, name="docs"),
    path("v1/articles/", views.ArticleList.as_view(), name="articles"),
    path("v1/articles/<str:ref>/", views.ArticleDetail.as_view(), name="article"),
    path("v1/authors/", views.AuthorList.as_view(), name="authors"),
    path("v1/sections/", views.SectionList.as_view(), name="sections"),
    path("v1/tags/", views.TagList.as_view(), name="tags"),
    path("v1/newsletters/", views.NewsletterList.as_view(), name="newsletters"),
    path("v1/me/", views.Me.as_view(), name="me"),
    path("v1/", include(submissions.urlpatterns)),
    path("v1/", include(reviews.urlpatterns)),
    path("v1/", include(reports.urlpatterns)),
    path("v1/", include(newsletters.urlpatterns)),
    path("v1/", include(webhooks.urlpatterns)),
    re_path(r"^[\s\S]*$", views.not_found),
]
