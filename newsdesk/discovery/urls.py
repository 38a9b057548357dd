from django.urls import path

app_name = "discovery"
urlpatterns: list = []
