from django.urls import path

from newsdesk.federation import views

app_name = "federation"

# Included at the root (newsdesk/urls.py): discovery lives under /.well-known/.
# Author slugs are not limited to ASCII (slug converter); section slugs are.
urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("federation/actors/instance", views.instance_actor, name="instance_actor"),
    path("federation/actors/site", views.actor, {"kind": "site"}, name="site_actor"),
    path("federation/actors/site/outbox", views.outbox, {"kind": "site"}, name="site_outbox"),
    path(
        "federation/actors/site/followers", views.followers, {"kind": "site"}, name="site_followers"
    ),
    path("federation/actors/site/inbox", views.inbox, {"kind": "site"}, name="site_inbox"),
    path(
        "federation/actors/sections/<str:slug>",
        views.actor,
        {"kind": "section"},
        name="section_actor",
    ),
    path("federation/actors/sections/<str:slug>/outbox", views.outbox, {"kind": "section"}),
    path("federation/actors/sections/<str:slug>/followers", views.followers, {"kind": "section"}),
    path("federation/actors/sections/<str:slug>/inbox", views.inbox, {"kind": "section"}),
    path(
        "federation/actors/authors/<str:slug>", views.actor, {"kind": "author"}, name="author_actor"
    ),
    path("federation/actors/authors/<str:slug>/outbox", views.outbox, {"kind": "author"}),
    path("federation/actors/authors/<str:slug>/followers", views.followers, {"kind": "author"}),
    path("federation/actors/authors/<str:slug>/inbox", views.inbox, {"kind": "author"}),
    path("federation/inbox", views.inbox, name="shared_inbox"),
    path("federation/objects/articles/<int:pk>", views.article, name="article"),
]
