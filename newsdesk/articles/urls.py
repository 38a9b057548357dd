from django.urls import path

from newsdesk.articles import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/<slug:slug>/", views.author, name="author"),
]
