from django.urls import path

from pps.training import views

app_name = "training"

urlpatterns = [
    path("", views.training_list, name="list"),
    path("<id:user_id>/", views.training_detail, name="detail"),
    path("<id:user_id>/new/", views.training_add, name="add"),
    path("<id:user_id>/<id:training_id>/correct/", views.training_correct, name="correct"),
]
