from django.urls import path

from newsdesk.editorial import views

app_name = "editorial"
urlpatterns = [
    path("guidelines/", views.guidelines, name="guidelines"),
    path("write/", views.dashboard, name="dashboard"),
    path("write/new/", views.edit, name="new"),
    path("write/new/autosave/", views.autosave, name="autosave_new"),
    path("write/preview/", views.preview, name="preview"),
    path("write/<int:article_id>/", views.edit, name="edit"),
    path("write/<int:article_id>/autosave/", views.autosave, name="autosave"),
    path("write/<int:article_id>/withdraw/", views.withdraw, name="withdraw"),
    path("review/", views.queue, name="queue"),
    path("review/audit/", views.audit, name="audit"),
    path("review/<int:article_id>/", views.review, name="review"),
    path("review/<int:article_id>/<slug:decision>/", views.decide, name="decide"),
]
