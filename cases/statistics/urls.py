from django.urls import path

from cases.statistics import views as statistics_views

app_name = "statistics"

urlpatterns = [
    path("", statistics_views.statistics_page, name="page"),
    path("export/", statistics_views.statistics_export, name="export"),
]
urlpatterns += [
    path("exports/<id:job_id>/", statistics_views.statistics_job, name="job"),
    path(
        "exports/<id:job_id>/download/",
        statistics_views.statistics_job_download,
        name="job_download",
    ),
]
