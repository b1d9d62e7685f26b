from django.urls import path

from cases import access_log_views, assignment_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/access-log/", access_log_views.case_access_log, name="access_log"),
    path("<int:case_id>/volunteers/", assignment_views.case_volunteers, name="volunteers"),
    path(
        "<int:case_id>/volunteers/assign/",
        assignment_views.volunteer_assign,
        name="volunteer_assign",
    ),
    path(
        "<int:case_id>/volunteers/<int:assignment_id>/end/",
        assignment_views.volunteer_unassign,
        name="volunteer_unassign",
    ),
]
