from django.urls import path, register_converter

from newsdesk.core import converters  # noqa: F401 - registers <token:...>
from newsdesk.reports import views


class CaseNumberConverter:
    """R-<year>-<6 digits>: anything else (NUL bytes included) is a 404 before any query."""

    regex = r"R-[0-9]{4}-[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CaseNumberConverter, "case")

app_name = "reports"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("filed/", views.filed, name="filed"),
    path("transparency/", views.transparency, name="transparency"),
    path("status/<case:case>/<token:token>/", views.status, name="status"),
    path("status/<case:case>/<token:token>/reply/", views.reply, name="reply"),
    path("status/<case:case>/<token:token>/court/", views.court, name="court"),
    path("counter-notice/<case:case>/", views.counter_notice, name="counter_notice"),
    path("queue/", views.queue, name="queue"),
    path("case/<case:case>/", views.detail, name="detail"),
    path("case/<case:case>/assign/", views.assign, name="assign"),
    path("case/<case:case>/ground/", views.change_ground, name="change_ground"),
    path("case/<case:case>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("case/<case:case>/<str:decision>/", views.decide, name="decide"),
]
