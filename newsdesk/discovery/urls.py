from django.urls import path

from newsdesk.discovery import views

app_name = "discovery"
urlpatterns = [
    path("", views.search, name="search"),
]
