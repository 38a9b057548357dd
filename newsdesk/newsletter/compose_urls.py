"""Editors' newsletter screens: compose, preview, test, send, progress."""

from django.urls import path

from newsdesk.newsletter import compose_views as views

app_name = "newsletter_editor"
urlpatterns = [
    path("", views.issues, name="issues"),
    path("new/<slug:slug>/", views.compose, name="new"),
    path("<int:pk>/", views.compose, name="edit"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/test/", views.send_test, name="test"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/progress/", views.progress, name="progress"),
]
