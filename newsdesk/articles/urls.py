from django.urls import path

from newsdesk.articles import feeds, views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("feed.rss", feeds.language_rss, name="feed_rss"),
    path("feed.atom", feeds.language_atom, name="feed_atom"),
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("sections/<slug:slug>/feed.rss", feeds.section_rss, name="section_feed_rss"),
    path("sections/<slug:slug>/feed.atom", feeds.section_atom, name="section_feed_atom"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("tags/<slug:slug>/feed.rss", feeds.tag_rss, name="tag_feed_rss"),
    path("tags/<slug:slug>/feed.atom", feeds.tag_atom, name="tag_feed_atom"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("authors/<slug:slug>/feed.rss", feeds.author_rss, name="author_feed_rss"),
    path("authors/<slug:slug>/feed.atom", feeds.author_atom, name="author_feed_atom"),
]
