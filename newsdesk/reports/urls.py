from django.urls import path

from newsdesk.reports import views

app_name = "reports"
urlpatterns = [
    path("new/", views.new, name="new"),
]
