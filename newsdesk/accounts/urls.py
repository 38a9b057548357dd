from django.urls import path

from newsdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<str:name>/", views.outbox_message, name="outbox_message"),
]
