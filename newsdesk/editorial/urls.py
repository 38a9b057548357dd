from django.urls import path

from newsdesk.editorial import views

app_name = "editorial"
urlpatterns = [
    path("guidelines/", views.guidelines, name="guidelines"),
]
