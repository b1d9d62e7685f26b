from django.urls import path

from cases.access_log import views as access_log_views

app_name = "access_log"

urlpatterns = [
    path("denied/", access_log_views.denied_report, name="denied"),
]
