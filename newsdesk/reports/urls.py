from django.urls import path

from newsdesk.reports import views

app_name = "reports"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("transparency/", views.transparency, name="transparency"),
    path("status/<str:case>/<str:token>/", views.status, name="status"),
    path("status/<str:case>/<str:token>/reply/", views.reply, name="reply"),
    path("status/<str:case>/<str:token>/court/", views.court, name="court"),
    path("counter-notice/<str:case>/", views.counter_notice, name="counter_notice"),
    path("queue/", views.queue, name="queue"),
    path("case/<str:case>/", views.detail, name="detail"),
    path("case/<str:case>/assign/", views.assign, name="assign"),
    path("case/<str:case>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("case/<str:case>/<str:decision>/", views.decide, name="decide"),
]
