from django.urls import path

from pps.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("<id:user_id>/", views.volunteer_detail, name="detail"),
    path("<id:user_id>/agreements/new/", views.agreement_add, name="agreement_add"),
    path(
        "<id:user_id>/agreements/<id:agreement_id>/",
        views.agreement_download,
        name="agreement_download",
    ),
    path("<id:user_id>/training/new/", views.training_add, name="training_add"),
]
