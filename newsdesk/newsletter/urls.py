"""Public newsletter URLs. The names are fixed: mail templates and List-Unsubscribe use them."""

from django.urls import path

from newsdesk.core import converters  # noqa: F401 - registers <token:...>
from newsdesk.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.newsletter_list, name="list"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<token:token>/", views.confirm, name="confirm"),
    path("me/<token:token>/", views.manage, name="manage"),
    # RFC 8058: a POST unsubscribes at once; a GET only shows a confirmation page.
    path("u/<token:token>/<slug:slug>/", views.one_click, name="one_click"),
    path("<slug:slug>/", views.archive, name="archive"),
    path("<slug:slug>/<int:pk>/", views.issue, name="issue"),
]
