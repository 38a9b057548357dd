"""Public newsletter URLs. The names are fixed: mail templates and List-Unsubscribe use them."""

from django.urls import path

from newsdesk.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.newsletter_list, name="list"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/<str:token>/", views.manage, name="manage"),
    # RFC 8058: a POST unsubscribes at once; a GET only shows a confirmation page.
    path("u/<str:token>/<slug:slug>/", views.one_click, name="one_click"),
    path("<slug:slug>/", views.archive, name="archive"),
    path("<slug:slug>/<int:pk>/", views.issue, name="issue"),
]
