from django.urls import path

from cases.statistics import views as statistics_views

app_name = "statistics"

urlpatterns = [
    path("", statistics_views.statistics_page, name="page"),
    path("export/", statistics_views.statistics_export, name="export"),
]
