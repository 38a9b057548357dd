from django.urls import path

from newsdesk.federation import screens

app_name = "federation_screens"

urlpatterns = [
    path("", screens.desk, name="desk"),
    path("replies/<int:reply_id>/<str:decision>/", screens.decide, name="decide"),
    path("me/", screens.opt_in, name="opt_in"),
]
