from django.urls import path

from pps.policy import views as policy_views

app_name = "policy"

urlpatterns = [
    path("", policy_views.acknowledge, name="acknowledge"),
    path("versions/", policy_views.manage, name="manage"),
    path("versions/new/", policy_views.publish, name="publish"),
    path("versions/<id:policy_id>/", policy_views.detail, name="detail"),
]
